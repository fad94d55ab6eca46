// Facts about how the clip library was built.
#include "clip/build_info.h"

#ifdef CLIPBENCH_WITH_OPENCV
#include <opencv2/core/version.hpp>
#endif

namespace clipbench {

std::string opencv_version() {
#ifdef CLIPBENCH_WITH_OPENCV
  return CV_VERSION;
#else
  return "disabled";
#endif
}

}  // namespace clipbench
