// Runs a shell command from a test and captures its stdout and exit status.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace clipbench::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout only; redirect 2>&1 in the command to capture stderr too
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) result.out.append(buf.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// The built `clipbench` executable.
inline std::string clipbench_exe() {
  return std::string(CLIPBENCH_BINARY_DIR) + "/harness/clipbench";
}

}  // namespace clipbench::test
