// What a result was computed with: the versions recorded in every result record.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace clipbench::harness {

// Versions recorded in results (ResultRecord::versions) and printed by `clipbench version`:
// "clipbench" (the git commit of the build, harness/build_commit.h), "libtorch", "opencv" (or
// "disabled"), "compiler" ("gcc 12.2.0"), and "cuda_available" (bool).
nlohmann::json version_info();

}  // namespace clipbench::harness
