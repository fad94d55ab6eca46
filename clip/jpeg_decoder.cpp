// JPEG decoding through libjpeg(-turbo); errors come back through setjmp in a frame without C++
// objects.
#include "clip/jpeg_decoder.h"

#include <fmt/format.h>
#include <jpeglib.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <new>
// after jpeglib.h: message codes and ERREXIT
#include <jerror.h>

#include "clip/errors.h"

namespace clipbench {
namespace {

struct JpegErrorManager {
  jpeg_error_mgr pub;  // first: libjpeg passes a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void on_error_exit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void on_emit_message(j_common_ptr cinfo, int msg_level) {
  if (msg_level >= 0) return;  // trace messages
  // Warnings: a premature end of data is fatal (Pillow reports a truncated file); others are not.
  if (cinfo->err->msg_code == JWRN_JPEG_EOF) on_error_exit(cinfo);
}

// Everything the decoding frame needs, owned by the caller so that a longjmp skips no destructor.
struct JpegJob {
  const uint8_t* data = nullptr;
  size_t size = 0;
  jpeg_decompress_struct cinfo{};
  JpegErrorManager err{};
  int width = 0, height = 0, components = 0;
  int exif_orientation = 1;
  // Called once the size is known; returns the output buffer (width * height * components bytes)
  // or nullptr to stop (the size check failed; the reason is left in the caller's state).
  uint8_t* (*allocate)(void* ctx, int w, int h, int c) = nullptr;
  void* ctx = nullptr;
};

enum class JpegStatus { kOk, kLibjpegError, kRejected };

// Runs libjpeg. Holds only trivially destructible locals: libjpeg's errors longjmp back here.
JpegStatus run_libjpeg(JpegJob* job) {
  jpeg_decompress_struct* cinfo = &job->cinfo;
  cinfo->err = jpeg_std_error(&job->err.pub);
  job->err.pub.error_exit = on_error_exit;
  job->err.pub.emit_message = on_emit_message;
  if (setjmp(job->err.jump)) {
    jpeg_destroy_decompress(cinfo);
    return JpegStatus::kLibjpegError;
  }
  jpeg_create_decompress(cinfo);
  jpeg_mem_src(cinfo, job->data, static_cast<unsigned long>(job->size));
  jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(cinfo, TRUE);
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next) {
    if (m->marker == JPEG_APP0 + 1 && m->data_length > 6 &&
        std::memcmp(m->data, "Exif\0\0", 6) == 0) {
      job->exif_orientation = exif_orientation(m->data, m->data_length);
      break;
    }
  }
  switch (cinfo->num_components) {
    case 1:
      cinfo->out_color_space = JCS_GRAYSCALE;
      break;
    case 3:
      cinfo->out_color_space = JCS_RGB;
      break;
    case 4:
      cinfo->out_color_space = JCS_CMYK;
      break;
    default:
      ERREXIT1(cinfo, JERR_BAD_J_COLORSPACE, cinfo->jpeg_color_space);
  }
  jpeg_calc_output_dimensions(cinfo);
  job->width = static_cast<int>(cinfo->output_width);
  job->height = static_cast<int>(cinfo->output_height);
  job->components = cinfo->out_color_components;
  uint8_t* out = job->allocate(job->ctx, job->width, job->height, job->components);
  if (!out) {
    jpeg_destroy_decompress(cinfo);
    return JpegStatus::kRejected;
  }
  jpeg_start_decompress(cinfo);
  const size_t stride = static_cast<size_t>(job->width) * job->components;
  while (cinfo->output_scanline < cinfo->output_height) {
    JSAMPROW row = out + cinfo->output_scanline * stride;
    jpeg_read_scanlines(cinfo, &row, 1);
  }
  jpeg_finish_decompress(cinfo);
  jpeg_destroy_decompress(cinfo);
  return JpegStatus::kOk;
}

struct AllocateContext {
  const std::string* name;
  const DecodeOptions* options;
  Image* image;
  std::string rejection;
};

uint8_t* allocate_pixels(void* raw, int w, int h, int c) {
  auto* ctx = static_cast<AllocateContext*>(raw);
  try {
    check_image_size(*ctx->name, w, h, *ctx->options);
    ctx->image->data.resize(static_cast<size_t>(w) * h * c);
  } catch (const std::exception& e) {
    ctx->rejection = e.what();
    return nullptr;
  }
  return ctx->image->data.data();
}

Image decode_jpeg(const uint8_t* data, size_t size, const std::string& name,
                  const DecodeOptions& options) {
  Image image;
  AllocateContext ctx{&name, &options, &image, {}};
  JpegJob job;
  job.data = data;
  job.size = size;
  job.allocate = allocate_pixels;
  job.ctx = &ctx;
  switch (run_libjpeg(&job)) {
    case JpegStatus::kLibjpegError:
      throw ImageDecodeError(fmt::format("{}: cannot decode JPEG: {}", name, job.err.message));
    case JpegStatus::kRejected:
      throw ImageDecodeError(ctx.rejection);
    case JpegStatus::kOk:
      break;
  }
  image.width = job.width;
  image.height = job.height;
  image.exif_orientation = job.exif_orientation;
  if (job.components == 1) {
    image.mode = ImageMode::kL;
  } else if (job.components == 3) {
    image.mode = ImageMode::kRGB;
  } else {
    image.mode = ImageMode::kCMYK;
    for (auto& v : image.data) v = static_cast<uint8_t>(255 - v);  // Pillow's "CMYK;I" raw mode
  }
  return image;
}

}  // namespace

ImageDecoder jpeg_decoder() {
  return {"JPEG",
          [](const uint8_t* d, size_t n) {
            return n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF;
          },
          decode_jpeg};
}

}  // namespace clipbench
