// Poco logging channels: Async -> Formatting -> Console.
#include "app/logging.h"

#include <Poco/AsyncChannel.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

namespace sb {

void setup_logging(const std::string& level) {
  Poco::AutoPtr<Poco::PatternFormatter> formatter(
      new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t"));
  formatter->setProperty("times", "UTC");
  Poco::AutoPtr<Poco::Channel> console(new Poco::ConsoleChannel);  // std::clog
  Poco::AutoPtr<Poco::FormattingChannel> formatting(
      new Poco::FormattingChannel(formatter, console));
  Poco::AutoPtr<Poco::AsyncChannel> async(new Poco::AsyncChannel(formatting));
  // Root first (loggers created later inherit from it), then every logger that exists.
  int parsed = Poco::Logger::parseLevel(level);
  Poco::Logger::root().setChannel(async);
  Poco::Logger::root().setLevel(parsed);
  Poco::Logger::setChannel("", async);
  Poco::Logger::setLevel("", parsed);
}

}  // namespace sb
