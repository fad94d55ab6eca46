// JPEG decoding through libjpeg(-turbo) with Pillow's modes: L, RGB, CMYK (Adobe-inverted
// CMYK/YCCK).
#pragma once

#include "clip/image_decode.h"

namespace clipbench {

// The JPEG decoder for the registry (magic FF D8 FF). Decodes as Pillow 9.4 does: libjpeg's default
// ISLOW IDCT and fancy upsampling; 1 component -> L, 3 -> RGB, 4 -> CMYK read as "CMYK;I" (libjpeg
// turns YCCK into CMYK, Pillow then inverts every byte, assuming Adobe's inverted convention).
// A truncated stream is an error (Pillow: "image file is truncated"); libjpeg's other warnings
// (extraneous bytes and the like) are ignored as Pillow ignores them.
ImageDecoder jpeg_decoder();

}  // namespace clipbench
