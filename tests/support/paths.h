// Where tests find ../shared (fixtures, reference data): the CLIPBENCH_SHARED_DIR CMake cache
// variable.
#pragma once

#include <string>

namespace clipbench::test {

// The shared folder (CLIPBENCH_SHARED_DIR), without a trailing slash.
inline std::string shared_dir() { return CLIPBENCH_SHARED_DIR; }
// shared_dir() + "/fixtures/" + rel
inline std::string fixture(const std::string& rel) { return shared_dir() + "/fixtures/" + rel; }
// shared_dir() + "/reference/" + rel
inline std::string reference(const std::string& rel) { return shared_dir() + "/reference/" + rel; }

}  // namespace clipbench::test
