// Writes 8-bit images (L, LA, RGB, RGBA) as PNG files through libpng.
#pragma once

#include <string>

#include "clip/image.h"

namespace clipbench {

// Writes `image` (mode L, LA, RGB or RGBA) to `path` as an 8-bit PNG, atomically (temporary file
// then rename). Throws FileError naming the path when it cannot be written, std::invalid_argument
// for other modes.
void write_png(const std::string& path, const Image& image);

}  // namespace clipbench
