// PNG writing through libpng; errors come back through setjmp in a frame without C++ objects.
#include "clip/png_encode.h"

#include <fmt/format.h>
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "clip/errors.h"
#include "common/atomic_file.h"

namespace clipbench {
namespace {

struct PngWriteJob {
  FILE* file = nullptr;
  png_uint_32 width = 0, height = 0;
  int color_type = 0;
  png_bytep* rows = nullptr;
  char message[256] = {};
};

void on_error(png_structp png, png_const_charp msg) {
  auto* job = static_cast<PngWriteJob*>(png_get_error_ptr(png));
  std::snprintf(job->message, sizeof job->message, "%s", msg);
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

// Runs libpng. Holds only trivially destructible locals: libpng's errors longjmp back here.
bool run_png_write(PngWriteJob* job) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, job, on_error, on_warning);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, info ? &info : nullptr);
    return false;
  }
  png_init_io(png, job->file);
  png_set_IHDR(png, info, job->width, job->height, 8, job->color_type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_write_image(png, job->rows);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

void write_png(const std::string& path, const Image& image) {
  int color_type;
  switch (image.mode) {
    case ImageMode::kL:
      color_type = PNG_COLOR_TYPE_GRAY;
      break;
    case ImageMode::kLA:
      color_type = PNG_COLOR_TYPE_GRAY_ALPHA;
      break;
    case ImageMode::kRGB:
      color_type = PNG_COLOR_TYPE_RGB;
      break;
    case ImageMode::kRGBA:
      color_type = PNG_COLOR_TYPE_RGB_ALPHA;
      break;
    default:
      throw std::invalid_argument(fmt::format(
          "write_png: mode {} is not written (convert to RGB first)", mode_name(image.mode)));
  }
  std::vector<png_bytep> rows(static_cast<size_t>(image.height));
  for (int64_t y = 0; y < image.height; ++y) {
    rows[y] = const_cast<png_bytep>(image.data.data() + y * image.row_bytes());
  }
  write_file_atomically_with(path, [&](const std::string& tmp) {
    PngWriteJob job;
    job.width = static_cast<png_uint_32>(image.width);
    job.height = static_cast<png_uint_32>(image.height);
    job.color_type = color_type;
    job.rows = rows.data();
    job.file = std::fopen(tmp.c_str(), "wb");
    if (!job.file) throw FileError(fmt::format("{}: cannot open for writing", tmp));
    const bool ok = run_png_write(&job);
    const bool closed = std::fclose(job.file) == 0;
    if (!ok || !closed)
      throw FileError(
          fmt::format("{}: cannot write PNG: {}", path, ok ? "close failed" : job.message));
  });
}

}  // namespace clipbench
