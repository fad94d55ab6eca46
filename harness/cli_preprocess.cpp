// `clipbench preprocess`: writes the pixels a model's transform feeds to ToTensor (resize [+ centre
// crop] + convert("RGB")) as a PNG.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <string>

#include "clip/image.h"
#include "clip/image_decode.h"
#include "clip/png_encode.h"
#include "clip/preprocess.h"
#include "harness/cli_commands.h"

namespace clipbench::cli {

void add_preprocess_command(CLI::App& app) {
  struct Options {
    std::string image;
    int64_t size = 224;
    std::string interpolation = "bicubic", resize_mode = "shortest";
    std::string out;
    bool exif = false;
    int64_t max_pixels = kPillowMaxImagePixels;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "preprocess",
      "Decode an image and write the N x N RGB pixels CLIP's reference transform feeds to ToTensor "
      "(Pillow-exact Resize(N, BICUBIC), CenterCrop(N), convert(\"RGB\")) as a PNG; "
      "--interpolation / --resize-mode give open_clip's other eval transforms");
  cmd->add_option("--image", opts->image, "Input image (JPEG, PNG; more formats with OpenCV)")
      ->required();
  cmd->add_option("--size", opts->size, "Output side N in pixels, 1 to 16384 (default 224)")
      ->check(CLI::Range(int64_t{1}, int64_t{16384}));
  cmd->add_option("--interpolation", opts->interpolation,
                  "Pillow's filter, as open_clip's preprocess_cfg.interpolation")
      ->check(CLI::IsMember({"bicubic", "bilinear"}))
      ->capture_default_str();
  cmd->add_option("--resize-mode", opts->resize_mode,
                  "open_clip's resize_mode: shortest (Resize(N) + CenterCrop(N)) or squash "
                  "(Resize((N, N)), no crop)")
      ->check(CLI::IsMember({"shortest", "squash"}))
      ->capture_default_str();
  cmd->add_option("--out", opts->out, "Output PNG file")->required();
  cmd->add_flag("--apply-exif-orientation", opts->exif,
                "Rotate/flip by the EXIF Orientation tag first (the reference does not)");
  cmd->add_option("--max-pixels", opts->max_pixels, "Reject larger images (Pillow's limit)")
      ->check(CLI::PositiveNumber);
  cmd->callback([opts] {
    DecodeOptions decode;
    decode.apply_exif_orientation = opts->exif;
    decode.max_pixels = opts->max_pixels;
    const Image image = decode_image_file(opts->image, decode);
    ImagePreprocess p = ImagePreprocess::clip(opts->size);
    p.interpolation =
        opts->interpolation == "bilinear" ? ResampleFilter::kBilinear : ResampleFilter::kBicubic;
    p.resize_mode = opts->resize_mode == "squash" ? ResizeMode::kSquash : ResizeMode::kShortest;
    const Image rgb = resize_for_model(image, p);
    write_png(opts->out, rgb);
    spdlog::info("{} ({} {}x{}) -> {} ({}x{} RGB)", opts->image, mode_name(image.mode), image.width,
                 image.height, opts->out, rgb.width, rgb.height);
  });
}

}  // namespace clipbench::cli
