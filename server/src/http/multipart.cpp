// Content-Disposition parameters of a multipart part.
#include "http/multipart.h"

#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>

namespace sb {

PartName multipart_part_name(const Poco::Net::MessageHeader& header) {
  std::string disposition;
  Poco::Net::NameValueCollection params;
  Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition,
                                            params);
  return {params.get("name", ""), params.get("filename", "")};
}

}  // namespace sb
