// Pillow 9's Image.convert("RGB") for every mode clipbench decodes.
#pragma once

#include "clip/image.h"

namespace clipbench {

// Matches Pillow 9.4 `Image.convert("RGB")`:
//   "1" -> 0 or 255 replicated; "L"/"LA" -> L replicated (alpha dropped); "RGBA" -> alpha dropped;
//   "P" -> palette lookup (transparency dropped); "CMYK" -> (255 - k) - MULDIV255(c, 255 - k) per
//   channel; "I" -> clipped to 0..255 and replicated; "RGB" -> copy.
Image convert_to_rgb(const Image& in);

}  // namespace clipbench
