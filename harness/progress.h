// Progress of a long job on stderr: a redrawn bar on a terminal, plain periodic lines otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace clipbench::harness {

// Shows "<label> <done>/<total> images  <rate> img/s  ETA <m:ss>". On a terminal (stderr is a tty)
// the line is redrawn at most 5 times a second; otherwise a log line every `interval_s` seconds
// (default 10) and at the end, so CI logs stay short.
class Progress {
 public:
  Progress(std::string label, int64_t total, double interval_s = 10.0);
  // Sets the number of finished items.
  void update(int64_t done);
  // Prints the final line (always) with the total time.
  void finish();

 private:
  void print(bool final);
  std::string label_;
  int64_t total_ = 0, done_ = 0;
  bool tty_ = false;
  double interval_s_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace clipbench::harness
