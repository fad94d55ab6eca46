// PNG decoding through libpng; errors come back through setjmp in a frame without C++ objects.
#include "clip/png_decoder.h"

#include <fmt/format.h>
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>

#include "clip/errors.h"

namespace clipbench {
namespace {

// Everything the decoding frame needs, owned by the caller so that a longjmp skips no destructor.
struct PngJob {
  const uint8_t* data = nullptr;
  size_t size = 0;
  size_t pos = 0;
  char message[256] = {};
  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = 0;
  png_color palette[256] = {};
  int palette_size = 0;
  uint8_t trns[256] = {};
  int trns_size = 0;
  int exif_orientation = 1;
  // Called once the size is known with the row size in bytes; returns `height` row pointers into
  // a buffer the caller owns, or nullptr to stop (size check failed).
  png_bytep* (*allocate)(void* ctx, png_uint_32 w, png_uint_32 h, size_t row_bytes) = nullptr;
  void* ctx = nullptr;
};

void on_png_error(png_structp png, png_const_charp msg) {
  auto* job = static_cast<PngJob*>(png_get_error_ptr(png));
  std::snprintf(job->message, sizeof job->message, "%s", msg);
  png_longjmp(png, 1);
}

void on_png_warning(png_structp, png_const_charp) {}

void read_from_memory(png_structp png, png_bytep out, png_size_t n) {
  auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
  if (n > job->size - job->pos) png_error(png, "truncated PNG data (unexpected end of file)");
  std::memcpy(out, job->data + job->pos, n);
  job->pos += n;
}

enum class PngStatus { kOk, kLibpngError, kRejected };

// Runs libpng. Holds only trivially destructible locals: libpng's errors longjmp back here.
PngStatus run_libpng(PngJob* job) {
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, job, on_png_error, on_png_warning);
  if (!png) {
    std::snprintf(job->message, sizeof job->message, "out of memory");
    return PngStatus::kLibpngError;
  }
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
    return PngStatus::kLibpngError;
  }
  png_set_read_fn(png, job, read_from_memory);
  // Pillow does not limit the width by libpng's default 1,000,000; the pixel limit applies instead.
  png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
  png_read_info(png, info);
  png_get_IHDR(png, info, &job->width, &job->height, &job->bit_depth, &job->color_type, nullptr,
               nullptr, nullptr);
  png_colorp plte = nullptr;
  if (png_get_PLTE(png, info, &plte, &job->palette_size) && plte) {
    if (job->palette_size > 256) job->palette_size = 256;
    std::memcpy(job->palette, plte, sizeof(png_color) * job->palette_size);
  }
  png_bytep trans_alpha = nullptr;
  int num_trans = 0;
  if (job->color_type == PNG_COLOR_TYPE_PALETTE &&
      png_get_tRNS(png, info, &trans_alpha, &num_trans, nullptr) && trans_alpha) {
    job->trns_size = num_trans > 256 ? 256 : num_trans;
    std::memcpy(job->trns, trans_alpha, job->trns_size);
  }
#ifdef PNG_eXIf_SUPPORTED
  png_bytep exif = nullptr;
  png_uint_32 exif_size = 0;
  if (png_get_eXIf_1(png, info, &exif_size, &exif) && exif) {
    job->exif_orientation = exif_orientation(exif, exif_size);
  }
#endif
  if (job->bit_depth < 8) png_set_packing(png);  // one byte per sample, value unscaled
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  png_bytep* rows = job->allocate(job->ctx, job->width, job->height, png_get_rowbytes(png, info));
  if (!rows) {
    png_destroy_read_struct(&png, &info, nullptr);
    return PngStatus::kRejected;
  }
  png_read_image(png, rows);
  png_destroy_read_struct(&png, &info, nullptr);
  return PngStatus::kOk;
}

struct AllocateContext {
  const std::string* name;
  const DecodeOptions* options;
  std::vector<uint8_t> raw;
  std::vector<png_bytep> rows;
  size_t row_bytes = 0;
  std::string rejection;
};

png_bytep* allocate_rows(void* raw_ctx, png_uint_32 w, png_uint_32 h, size_t row_bytes) {
  auto* ctx = static_cast<AllocateContext*>(raw_ctx);
  try {
    check_image_size(*ctx->name, w, h, *ctx->options);
    ctx->raw.resize(row_bytes * h);
    ctx->rows.resize(h);
    for (png_uint_32 y = 0; y < h; ++y) ctx->rows[y] = ctx->raw.data() + y * row_bytes;
    ctx->row_bytes = row_bytes;
  } catch (const std::exception& e) {
    ctx->rejection = e.what();
    return nullptr;
  }
  return ctx->rows.data();
}

// Converts libpng's rows (packed to one byte per sample below 8 bits; big-endian at 16 bits) to
// the Image in Pillow's mode.
Image to_pillow_mode(const PngJob& job, const AllocateContext& ctx, const std::string& name) {
  const int64_t w = job.width, h = job.height;
  const int depth = job.bit_depth;
  ImageMode mode;
  switch (job.color_type) {
    case PNG_COLOR_TYPE_GRAY:
      mode = depth == 1 ? ImageMode::k1 : depth == 16 ? ImageMode::kI : ImageMode::kL;
      break;
    case PNG_COLOR_TYPE_RGB:
      mode = ImageMode::kRGB;
      break;
    case PNG_COLOR_TYPE_PALETTE:
      mode = ImageMode::kP;
      break;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      mode = depth == 16 ? ImageMode::kRGBA : ImageMode::kLA;
      break;
    case PNG_COLOR_TYPE_RGB_ALPHA:
      mode = ImageMode::kRGBA;
      break;
    default:
      throw ImageDecodeError(
          fmt::format("{}: unsupported PNG colour type {}", name, job.color_type));
  }
  Image im = Image::blank(w, h, mode);
  im.exif_orientation = job.exif_orientation;
  const int in_ch = job.color_type == PNG_COLOR_TYPE_GRAY_ALPHA  ? 2
                    : job.color_type == PNG_COLOR_TYPE_RGB       ? 3
                    : job.color_type == PNG_COLOR_TYPE_RGB_ALPHA ? 4
                                                                 : 1;
  for (int64_t y = 0; y < h; ++y) {
    const uint8_t* src = ctx.raw.data() + y * ctx.row_bytes;
    if (mode == ImageMode::kI) {
      for (int64_t x = 0; x < w; ++x) im.data32[y * w + x] = (src[2 * x] << 8) | src[2 * x + 1];
      continue;
    }
    uint8_t* dst = im.data.data() + y * im.row_bytes();
    if (depth == 16 && job.color_type == PNG_COLOR_TYPE_GRAY_ALPHA) {  // Pillow's "LA;16B" -> RGBA
      for (int64_t x = 0; x < w; ++x) {
        dst[4 * x] = dst[4 * x + 1] = dst[4 * x + 2] = src[4 * x];
        dst[4 * x + 3] = src[4 * x + 2];
      }
    } else if (depth == 16) {  // high byte of each sample
      for (int64_t i = 0; i < w * in_ch; ++i) dst[i] = src[2 * i];
    } else if (mode == ImageMode::k1) {
      for (int64_t x = 0; x < w; ++x) dst[x] = src[x] ? 255 : 0;
    } else if (mode == ImageMode::kL && depth < 8) {  // Pillow's "L;2" / "L;4": scale to 0..255
      const int scale = depth == 2 ? 85 : 17;
      for (int64_t x = 0; x < w; ++x) dst[x] = static_cast<uint8_t>(src[x] * scale);
    } else {
      std::memcpy(dst, src, static_cast<size_t>(w * in_ch));
    }
  }
  if (mode == ImageMode::kP) {
    for (int i = 0; i < job.palette_size; ++i) {
      im.palette[i * 3] = job.palette[i].red;
      im.palette[i * 3 + 1] = job.palette[i].green;
      im.palette[i * 3 + 2] = job.palette[i].blue;
    }
    if (job.trns_size > 0) {
      im.palette_alpha.assign(256, 255);
      std::memcpy(im.palette_alpha.data(), job.trns, job.trns_size);
    }
  }
  return im;
}

Image decode_png(const uint8_t* data, size_t size, const std::string& name,
                 const DecodeOptions& options) {
  AllocateContext ctx{&name, &options, {}, {}, 0, {}};
  PngJob job;
  job.data = data;
  job.size = size;
  job.allocate = allocate_rows;
  job.ctx = &ctx;
  switch (run_libpng(&job)) {
    case PngStatus::kLibpngError:
      throw ImageDecodeError(fmt::format("{}: cannot decode PNG: {}", name, job.message));
    case PngStatus::kRejected:
      throw ImageDecodeError(ctx.rejection);
    case PngStatus::kOk:
      break;
  }
  return to_pillow_mode(job, ctx, name);
}

}  // namespace

ImageDecoder png_decoder() {
  return {"PNG",
          [](const uint8_t* d, size_t n) {
            static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
            return n >= 8 && std::memcmp(d, sig, 8) == 0;
          },
          decode_png};
}

}  // namespace clipbench
