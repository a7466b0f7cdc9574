#include "support/process.h"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/StreamCopier.h>

#include <sstream>
#include <thread>

namespace sb::test {

RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const Poco::Process::Env& env, const std::string& cwd) {
  Poco::Pipe out, err;
  Poco::ProcessHandle h = Poco::Process::launch(program, args, cwd, nullptr, &out, &err, env);
  Poco::PipeInputStream out_stream(out), err_stream(err);
  RunResult r;
  // Both pipes drained at once: a child filling one while we block on the other would hang.
  std::thread err_reader([&] {
    std::ostringstream e;
    Poco::StreamCopier::copyStream(err_stream, e);
    r.err = e.str();
  });
  std::ostringstream o;
  Poco::StreamCopier::copyStream(out_stream, o);
  err_reader.join();
  r.out = o.str();
  r.exit_code = h.wait();
  return r;
}

}  // namespace sb::test
