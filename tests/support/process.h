// Runs a program to completion for tests (the CLI, cmake): exit code and both outputs.
#pragma once

#include <Poco/Process.h>

#include <string>
#include <vector>

namespace sb::test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const Poco::Process::Env& env = {}, const std::string& cwd = "");

}  // namespace sb::test
