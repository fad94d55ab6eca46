// WebP, PNM, BMP, TIFF and GIF decoding through OpenCV's imdecode, or a clear error without OpenCV.
#include "clip/opencv_decoder.h"

#include <fmt/format.h>

#include <cstring>

#include "clip/errors.h"

#ifdef CLIPBENCH_WITH_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#endif

namespace clipbench {
namespace {

bool starts_with(const uint8_t* d, size_t n, const char* magic, size_t len) {
  return n >= len && std::memcmp(d, magic, len) == 0;
}

#ifdef CLIPBENCH_WITH_OPENCV
Image decode_with_opencv(const std::string& format, bool bilevel, const uint8_t* data, size_t size,
                         const std::string& name, const DecodeOptions& options) {
  cv::Mat mat;
  try {
    const cv::Mat buf(1, static_cast<int>(size), CV_8UC1, const_cast<uint8_t*>(data));
    mat = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw ImageDecodeError(
        fmt::format("{}: cannot decode {} with OpenCV: {}", name, format, e.what()));
  }
  if (mat.empty()) {
    throw ImageDecodeError(
        fmt::format("{}: cannot decode {}: corrupt, truncated, or not supported by OpenCV {}", name,
                    format, CV_VERSION));
  }
  check_image_size(name, mat.cols, mat.rows, options);
  const int ch = mat.channels();
  const bool wide = mat.depth() == CV_16U;
  if ((mat.depth() != CV_8U && !wide) || (ch != 1 && ch != 3 && ch != 4)) {
    throw ImageDecodeError(
        fmt::format("{}: {} with {} channels of OpenCV depth {} is not supported", name, format, ch,
                    mat.depth()));
  }
  ImageMode mode = ch == 1   ? (wide      ? ImageMode::kI
                                : bilevel ? ImageMode::k1
                                          : ImageMode::kL)
                   : ch == 3 ? ImageMode::kRGB
                             : ImageMode::kRGBA;
  Image im = Image::blank(mat.cols, mat.rows, mode);
  for (int y = 0; y < mat.rows; ++y) {
    for (int x = 0; x < mat.cols; ++x) {
      for (int c = 0; c < ch; ++c) {
        // OpenCV orders colour channels B, G, R(, A).
        const int src_c = (ch >= 3 && c < 3) ? 2 - c : c;
        const int v =
            wide ? mat.ptr<uint16_t>(y)[x * ch + src_c] : mat.ptr<uint8_t>(y)[x * ch + src_c];
        const int64_t i = (static_cast<int64_t>(y) * mat.cols + x) * ch + c;
        if (mode == ImageMode::kI) {
          im.data32[i] = v;
        } else {
          im.data[i] = static_cast<uint8_t>(wide ? v >> 8 : v);
        }
      }
    }
  }
  return im;
}
#endif

ImageDecoder make(std::string format, std::function<bool(const uint8_t*, size_t)> sniff,
                  bool bilevel = false) {
  ImageDecoder d;
  d.format = format;
  d.sniff = std::move(sniff);
#ifdef CLIPBENCH_WITH_OPENCV
  d.decode = [format, bilevel](const uint8_t* data, size_t size, const std::string& name,
                               const DecodeOptions& options) {
    return decode_with_opencv(format, bilevel, data, size, name, options);
  };
#else
  (void)bilevel;
  d.decode = [format](const uint8_t*, size_t, const std::string& name,
                      const DecodeOptions&) -> Image {
    throw ImageDecodeError(fmt::format(
        "{}: {} images need OpenCV; this clipbench was built with CLIPBENCH_WITH_OPENCV=OFF "
        "(only JPEG and PNG decode)",
        name, format));
  };
#endif
  return d;
}

}  // namespace

std::vector<ImageDecoder> opencv_decoders() {
  std::vector<ImageDecoder> out;
  out.push_back(make("WebP", [](const uint8_t* d, size_t n) {
    return n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0;
  }));
  out.push_back(make(
      "PBM",
      [](const uint8_t* d, size_t n) {
        return n >= 2 && d[0] == 'P' && (d[1] == '1' || d[1] == '4');
      },
      /*bilevel=*/true));
  out.push_back(make("PNM", [](const uint8_t* d, size_t n) {
    return n >= 2 && d[0] == 'P' && (d[1] == '2' || d[1] == '3' || d[1] == '5' || d[1] == '6');
  }));
  out.push_back(make("BMP", [](const uint8_t* d, size_t n) { return starts_with(d, n, "BM", 2); }));
  out.push_back(make("TIFF", [](const uint8_t* d, size_t n) {
    return starts_with(d, n, "II*\0", 4) || starts_with(d, n, "MM\0*", 4);
  }));
  out.push_back(make("GIF", [](const uint8_t* d, size_t n) {
    return starts_with(d, n, "GIF87a", 6) || starts_with(d, n, "GIF89a", 6);
  }));
  return out;
}

}  // namespace clipbench
