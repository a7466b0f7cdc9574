// Reading a multipart/form-data part's Content-Disposition: what the uploads share.
#pragma once

#include <string>

namespace Poco::Net {
class MessageHeader;
}

namespace sb {

struct PartName {
  std::string field;     // name="..."
  std::string filename;  // filename="..." ("" when absent)
};

PartName multipart_part_name(const Poco::Net::MessageHeader& header);

}  // namespace sb
