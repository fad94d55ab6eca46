// PNG decoding through libpng with Pillow 9.4's modes (1, L, LA, P, RGB, RGBA, I).
#pragma once

#include "clip/image_decode.h"

namespace clipbench {

// The PNG decoder for the registry (8-byte PNG signature). Mode per (bit depth, colour type) as
// Pillow 9.4's PngImagePlugin: gray 1 -> "1"; gray 2/4/8 -> L (2/4-bit scaled to 0..255);
// gray 16 -> I; RGB 8/16 -> RGB; palette 1..8 -> P (palette + tRNS alpha kept); gray+alpha 8 -> LA;
// gray+alpha 16 -> RGBA; RGBA 8/16 -> RGBA. 16-bit samples keep their high byte (except gray 16 ->
// I). Gamma, ICC profiles and tRNS of non-palette images do not change the pixels (Pillow ignores
// them).
ImageDecoder png_decoder();

}  // namespace clipbench
