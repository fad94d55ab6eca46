// Facts about how the clip library was built, for results and `clipbench version`.
#pragma once

#include <string>

namespace clipbench {

// OpenCV's version ("4.6.0"), or "disabled" when built with CLIPBENCH_WITH_OPENCV=OFF.
std::string opencv_version();

}  // namespace clipbench
