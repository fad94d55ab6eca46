// Decode + CLIP preprocessing throughput on 500x375 baseline JPEGs to 224 (images/s, one thread).
//
// Inputs: the *.jpg files in $CLIPBENCH_BENCH_JPEG_DIR (bench/preprocess_vs_pillow.sh writes them
// so that Pillow is timed on the same files); without it, 16 synthetic 500x375 JPEGs (quality 90)
// are written with libjpeg to a temporary folder. Benchmarks: the whole path (read file, decode,
// resize, crop, RGB, normalize), and decode / resize+crop alone for a breakdown.
#include <benchmark/benchmark.h>
#include <jpeglib.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "clip/image_decode.h"
#include "clip/preprocess.h"

namespace {

namespace fs = std::filesystem;

void write_synthetic_jpeg(const std::string& path, int seed) {
  const int w = 500, h = 375;
  std::vector<uint8_t> px(static_cast<size_t>(w) * h * 3);
  uint32_t state = 2654435761u * static_cast<uint32_t>(seed + 1);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      state = state * 1664525u + 1013904223u;
      const int noise = static_cast<int>(state >> 27);  // 0..31: photo-like texture
      for (int c = 0; c < 3; ++c) {
        const int v = (x * (c + 1) / 3 + y * (3 - c) / 2 + seed * 40 + noise) % 256;
        px[(static_cast<size_t>(y) * w + x) * 3 + c] = static_cast<uint8_t>(v);
      }
    }
  }
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path);
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  jpeg_stdio_dest(&cinfo, f);
  cinfo.image_width = w;
  cinfo.image_height = h;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 90, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = px.data() + static_cast<size_t>(cinfo.next_scanline) * w * 3;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::fclose(f);
}

const std::vector<std::string>& inputs() {
  static const std::vector<std::string> files = [] {
    std::vector<std::string> out;
    const char* dir = std::getenv("CLIPBENCH_BENCH_JPEG_DIR");
    if (dir && *dir) {
      for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == ".jpg") out.push_back(e.path().string());
      }
      std::sort(out.begin(), out.end());
    } else {
      const auto tmp = fs::temp_directory_path() / "clipbench_preprocess_bench";
      fs::create_directories(tmp);
      for (int i = 0; i < 16; ++i) {
        const auto path = (tmp / ("synthetic_" + std::to_string(i) + ".jpg")).string();
        write_synthetic_jpeg(path, i);
        out.push_back(path);
      }
    }
    if (out.empty()) throw std::runtime_error("no .jpg files to benchmark");
    return out;
  }();
  return files;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The reference path end to end: file -> float32 [3, 224, 224] normalized with CLIP's statistics.
void BM_LoadAndPreprocess224(benchmark::State& state) {
  torch::set_num_threads(1);
  const auto& files = inputs();
  size_t i = 0;
  for (auto _ : state) {
    auto t = clipbench::load_and_preprocess(files[i++ % files.size()], 224);
    benchmark::DoNotOptimize(t.data_ptr<float>());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(files.size()) + " files");
}
BENCHMARK(BM_LoadAndPreprocess224)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Decoding alone (from memory).
void BM_DecodeJpeg(benchmark::State& state) {
  std::vector<std::vector<uint8_t>> bytes;
  for (const auto& f : inputs()) bytes.push_back(read_file(f));
  size_t i = 0;
  for (auto _ : state) {
    const auto& b = bytes[i++ % bytes.size()];
    auto im = clipbench::decode_image(b.data(), b.size(), "bench.jpg");
    benchmark::DoNotOptimize(im.data.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeJpeg)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// Pillow-exact resize + crop + RGB of an already decoded image.
void BM_ResizeCropRgb224(benchmark::State& state) {
  std::vector<clipbench::Image> images;
  for (const auto& f : inputs()) images.push_back(clipbench::decode_image_file(f));
  size_t i = 0;
  for (auto _ : state) {
    auto out = clipbench::resize_and_crop_rgb(images[i++ % images.size()], 224);
    benchmark::DoNotOptimize(out.data.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ResizeCropRgb224)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
