// The versions a result records (harness/provenance.h).
#include "harness/provenance.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "clip/build_info.h"
#include "clip/torch_compat.h"
#include "harness/build_commit.h"

namespace clipbench::harness {

nlohmann::json version_info() {
  nlohmann::json v;
  v["clipbench"] = build_commit();
  v["libtorch"] = torch_version();
  v["opencv"] = opencv_version();
#if defined(__clang__)
  v["compiler"] =
      fmt::format("clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  v["compiler"] = fmt::format("gcc {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  v["compiler"] = "unknown";
#endif
  v["cuda_available"] = cuda_available();
  return v;
}

}  // namespace clipbench::harness
