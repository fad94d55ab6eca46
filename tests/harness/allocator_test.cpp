// Tests for harness/allocator.h: glibc malloc is tuned unless the user tuned it.
#include "harness/allocator.h"

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/catch.h"

namespace {

// Unsets the variables for the test's duration and restores them afterwards.
class EnvScope {
 public:
  explicit EnvScope(std::vector<std::string> names) {
    for (auto& name : names) {
      const char* v = std::getenv(name.c_str());
      saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
      ::unsetenv(name.c_str());
    }
  }
  ~EnvScope() {
    for (const auto& [name, value] : saved_)
      value ? ::setenv(name.c_str(), value->c_str(), 1) : ::unsetenv(name.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace

TEST_CASE("the allocator is tuned unless the user tuned malloc or asked for glibc's defaults",
          "[unit]") {
  const EnvScope scope({"GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
                        "CLIPBENCH_MALLOC_DEFAULTS"});
#if defined(__GLIBC__)
  CHECK(clipbench::configure_allocator_for_inference());
#else
  CHECK_FALSE(clipbench::configure_allocator_for_inference());
#endif
  ::setenv("CLIPBENCH_MALLOC_DEFAULTS", "1", 1);
  CHECK_FALSE(clipbench::configure_allocator_for_inference());
  ::unsetenv("CLIPBENCH_MALLOC_DEFAULTS");
  ::setenv("MALLOC_TRIM_THRESHOLD_", "131072", 1);
  CHECK_FALSE(clipbench::configure_allocator_for_inference());
}
