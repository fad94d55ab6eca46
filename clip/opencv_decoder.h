// Decoders for WebP, PNM, BMP, TIFF and GIF through OpenCV (CLIPBENCH_WITH_OPENCV), mapped to
// Pillow modes.
#pragma once

#include <vector>

#include "clip/image_decode.h"

namespace clipbench {

// One registry entry per format, sniffed by magic bytes. With OpenCV:
// cv::imdecode(IMREAD_UNCHANGED) mapped to Pillow's modes (1 channel -> L, or "1" for PBM; 3 ->
// RGB; 4 -> RGBA; 16-bit gray -> I; other 16-bit images keep the high byte). Paletted BMP/TIFF come
// back expanded to L/RGB, not P, so their resize differs from Pillow's nearest-neighbour palette
// resize. Formats this OpenCV cannot read (GIF before OpenCV 4.11) and every format in a build
// without OpenCV throw an ImageDecodeError that names the format.
std::vector<ImageDecoder> opencv_decoders();

}  // namespace clipbench
