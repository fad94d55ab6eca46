// GPU tests (CLIPBENCH_WITH_CUDA builds on a machine with a GPU): the CUDA preprocessing equals
// the CPU path bit for bit, nvJPEG + GPU preprocessing against libjpeg + CPU, and the encoders on
// the GPU against the fp32 goldens in fp32 and bf16.
#include "clip/cuda/gpu_preprocess.h"

#include <torch/torch.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "clip/checkpoint.h"
#include "clip/cuda/nvjpeg_decoder.h"
#include "clip/image_decode.h"
#include "clip/load_state_dict.h"
#include "clip/precision.h"
#include "clip/preprocess.h"
#include "clip/safetensors.h"
#include "tests/support/catch.h"
#include "tests/support/paths.h"

using namespace clipbench;

namespace {

at::Tensor upload_rgb(const Image& rgb) {
  return torch::from_blob(const_cast<uint8_t*>(rgb.data.data()), {rgb.height, rgb.width, 3},
                          torch::kUInt8)
      .to(torch::kCUDA);
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

double rel_err(const torch::Tensor& out, const torch::Tensor& ref) {
  const auto o = out.cpu().to(torch::kDouble), r = ref.cpu().to(torch::kDouble);
  return (o - r).norm().item<double>() / r.norm().item<double>();
}

}  // namespace

TEST_CASE("GPU preprocessing equals the CPU path bit for bit", "[unit]") {
  REQUIRE(torch::cuda::is_available());
  std::mt19937 rng(3);
  cuda::GpuPreprocessor gpu(224);
  for (const auto& [w, h] : std::vector<std::pair<int64_t, int64_t>>{
           {500, 375}, {375, 500}, {100, 80}, {224, 300}, {640, 224}, {37, 513}, {224, 224}}) {
    CAPTURE(w, h);
    Image im = Image::blank(w, h, ImageMode::kRGB);
    for (auto& b : im.data) b = static_cast<uint8_t>(rng() & 0xFF);
    at::Tensor out =
        torch::empty({3, 224, 224}, torch::dtype(torch::kFloat32).device(torch::kCUDA));
    gpu.preprocess_into(upload_rgb(im), out);
    CHECK(torch::equal(out.cpu(), preprocess_image(im, 224)));
  }
}

TEST_CASE("GPU squash / bilinear / other mean and std equal the CPU path bit for bit", "[unit]") {
  REQUIRE(torch::cuda::is_available());
  std::mt19937 rng(5);
  for (const auto mode : {ResizeMode::kShortest, ResizeMode::kSquash}) {
    for (const auto filter : {ResampleFilter::kBicubic, ResampleFilter::kBilinear}) {
      ImagePreprocess p = ImagePreprocess::clip(224);
      p.resize_mode = mode;
      p.interpolation = filter;
      p.normalization = Normalization{{0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}};
      cuda::GpuPreprocessor gpu(p);
      for (const auto& [w, h] : std::vector<std::pair<int64_t, int64_t>>{
               {500, 375}, {100, 80}, {224, 300}, {37, 513}, {224, 224}}) {
        CAPTURE(p.describe(), w, h);
        Image im = Image::blank(w, h, ImageMode::kRGB);
        for (auto& b : im.data) b = static_cast<uint8_t>(rng() & 0xFF);
        at::Tensor out =
            torch::empty({3, 224, 224}, torch::dtype(torch::kFloat32).device(torch::kCUDA));
        gpu.preprocess_into(upload_rgb(im), out);
        CHECK(torch::equal(out.cpu(), preprocess_image(im, p)));
      }
    }
  }
}

TEST_CASE("nvJPEG + GPU preprocessing against libjpeg-turbo + CPU preprocessing", "[unit]") {
  REQUIRE(cuda::nvjpeg_available());
  cuda::NvjpegBatchDecoder decoder(4);
  cuda::GpuPreprocessor gpu(224);
  const std::vector<std::string> names = {test::fixture("preprocess/p01_photo_jpeg.jpg"),
                                          test::fixture("preprocess/p02_photo2_jpeg.jpg"),
                                          test::fixture("preprocess/p10_portrait_jpeg.jpg")};
  std::vector<std::vector<uint8_t>> bytes;
  std::vector<const std::vector<uint8_t>*> files;
  for (const auto& n : names) bytes.push_back(read_bytes(n));
  for (const auto& b : bytes) files.push_back(&b);
  const auto decoded = decoder.decode(files, names);
  INFO("nvJPEG backend: " << decoder.backend());
  REQUIRE(decoded.size() == names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    CAPTURE(names[i]);
    REQUIRE(decoded[i].defined());
    const Image cpu = decode_image_file(names[i]);
    REQUIRE(decoded[i].size(0) == cpu.height);
    REQUIRE(decoded[i].size(1) == cpu.width);
    // Decoders may differ in IDCT / chroma upsampling: at most a few levels, on few pixels.
    const auto diff = (decoded[i].cpu().to(torch::kInt32) -
                       torch::from_blob(const_cast<uint8_t*>(cpu.data.data()),
                                        {cpu.height, cpu.width, 3}, torch::kUInt8)
                           .to(torch::kInt32))
                          .abs();
    const double mean_levels = diff.to(torch::kDouble).mean().item<double>();
    INFO("decoded pixels: max diff " << diff.max().item<int>() << " levels, mean " << mean_levels);
    CHECK(mean_levels < 1.0);
    at::Tensor out =
        torch::empty({3, 224, 224}, torch::dtype(torch::kFloat32).device(torch::kCUDA));
    gpu.preprocess_into(decoded[i], out);
    const double pre = (out.cpu() - preprocess_image(cpu, 224)).abs().mean().item<double>();
    INFO("preprocessed mean abs diff " << pre);
    CHECK(pre < 0.02);  // ~1 level / (255 * std)
  }
}

TEST_CASE("encoders on the GPU match the fp32 goldens (fp32 1e-4, fp16 / bf16 1e-2)", "[unit]") {
  REQUIRE(torch::cuda::is_available());
  for (const std::string name : {"tiny-vit", "tiny-rn"}) {
    const auto golden =
        read_safetensors(test::fixture("models/" + name + "/golden.safetensors")).tensors;
    for (const std::string p : {"fp32", "bf16", "fp16"}) {
      CAPTURE(name, p);
      const auto ck = read_checkpoint(test::fixture("models/" + name + "/model.safetensors"));
      CLIP model = build_model(ck.state_dict, ck.path);
      model->to(torch::kCUDA);
      set_model_precision(model, precision_named(p));
      const double ei =
          rel_err(model->encode_image(golden.at("input.image")), golden.at("image_features"));
      const double et =
          rel_err(model->encode_text(golden.at("input.text")), golden.at("text_features"));
      INFO("relative error image " << ei << " text " << et);
      // bf16's 8 mantissa bits put tiny-rn's text features at ~1.06e-2 on the CPU (precision_test).
      const double tol = p == "fp32" ? 1e-4 : 1e-2;
      CHECK(ei < tol);
      CHECK(et < (p == "bf16" && name == "tiny-rn" ? 2e-2 : tol));
    }
  }
}
