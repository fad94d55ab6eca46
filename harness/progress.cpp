// The progress reporter: a carriage-return bar on a terminal, spdlog lines otherwise.
#include "harness/progress.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

namespace clipbench::harness {

Progress::Progress(std::string label, int64_t total, double interval_s)
    : label_(std::move(label)),
      total_(total),
      tty_(isatty(fileno(stderr)) != 0),
      interval_s_(interval_s),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::update(int64_t done) {
  done_ = done;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (since < (tty_ ? 0.2 : interval_s_)) return;
  last_ = now;
  print(false);
}

void Progress::finish() { print(true); }

void Progress::print(bool final) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  const double eta = rate > 0 ? (total_ - done_) / rate : 0.0;
  const std::string line =
      final ? fmt::format("{} {}/{} images in {:.1f} s, {:.1f} img/s", label_, done_, total_,
                          elapsed, rate)
            : fmt::format("{} {}/{} images  {:.1f} img/s  ETA {}:{:02d}", label_, done_, total_,
                          rate, static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
  if (tty_) {
    const int width = 30;
    const int filled = total_ > 0 ? static_cast<int>(width * done_ / total_) : width;
    std::fprintf(stderr, "\r[%s%s] %s%s", std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), line.c_str(), final ? "\n" : "");
    std::fflush(stderr);
  } else {
    spdlog::info("{}", line);
  }
}

}  // namespace clipbench::harness
