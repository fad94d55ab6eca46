// Read + decode throughput (images/s, one thread) of the binary dataset adapters: mnist-idx on the
// real Fashion-MNIST, cifar10-binary / cifar10-python on synthetic batches, webdataset on
// synthetic shards of small JPEGs.
//
// Inputs: /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist); the synthetic data
// is written once into a temporary folder (removed at exit): a 10,000-image CIFAR-10 test batch in
// both versions, and a 4-shard webdataset of 2,000 64x64 JPEGs (quality 90). Each benchmark
// iteration is get(i) + load_sample_image for the next index; *_Open benchmarks time opening a
// split (idx: gunzip + checks; webdataset: indexing the shards with libarchive).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"
#include "tests/datasets/pickle_writer.h"
#include "tests/datasets/tar_writer.h"
#include "tests/support/image_files.h"

namespace {

namespace fs = std::filesystem;
using clipbench::datasets::Dataset;
using clipbench::datasets::OpenRequest;

const char* kFashionMnist = "/usr/share/datasets/fashion-mnist";

// The synthetic inputs, written on first use and removed at exit.
struct SyntheticData {
  fs::path root;
  SyntheticData() {
    root = fs::temp_directory_path() / ("clipbench-datasets-bench-" + std::to_string(getpid()));
    fs::create_directories(root / "cifar-10-batches-bin");
    fs::create_directories(root / "cifar-10-batches-py");
    fs::create_directories(root / "wds" / "test");
    const int n = 10000;
    std::string names;
    for (int c = 0; c < 10; ++c) names += "class" + std::to_string(c) + "\n";
    std::ofstream(root / "cifar-10-batches-bin" / "batches.meta.txt") << names;
    std::string records, pixels;
    std::vector<int64_t> labels;
    uint32_t state = 12345;
    for (int i = 0; i < n; ++i) {
      labels.push_back(i % 10);
      records.push_back(static_cast<char>(i % 10));
      for (int j = 0; j < 3072; ++j) {
        state = state * 1664525u + 1013904223u;
        const char v = static_cast<char>(state >> 24);
        records.push_back(v);
        pixels.push_back(v);
      }
    }
    std::ofstream(root / "cifar-10-batches-bin" / "test_batch.bin", std::ios::binary) << records;
    clipbench::test::PickleWriter batch;
    batch.begin_dict();
    batch.str("data");
    batch.uint8_array({n, 3072}, pixels);
    batch.str("labels");
    batch.int_list(labels);
    batch.end_dict();
    std::ofstream(root / "cifar-10-batches-py" / "test_batch", std::ios::binary) << batch.finish();
    clipbench::test::PickleWriter meta;
    meta.begin_dict();
    meta.str("label_names");
    std::vector<std::string> label_names;
    for (int c = 0; c < 10; ++c) label_names.push_back("class" + std::to_string(c));
    meta.str_list(label_names);
    meta.end_dict();
    std::ofstream(root / "cifar-10-batches-py" / "batches.meta", std::ios::binary) << meta.finish();

    std::ofstream(root / "wds" / "classnames.txt") << names;
    std::ofstream(root / "wds" / "test" / "nshards.txt") << "4\n";
    const std::string jpg = (root / "tmp.jpg").string();
    for (int s = 0, k = 0; s < 4; ++s) {
      std::vector<std::pair<std::string, std::string>> members;
      for (int i = 0; i < 500; ++i, ++k) {
        clipbench::test::JpegSpec spec;
        spec.width = spec.height = 64;
        for (int p = 0; p < 64 * 64 * 3; ++p) {
          state = state * 1664525u + 1013904223u;
          spec.pixels.push_back(static_cast<uint8_t>((p / 3 % 64) * 2 + k + (state >> 28)));
        }
        clipbench::test::write_jpeg_file(jpg, spec);
        const std::vector<uint8_t> bytes = clipbench::test::read_bytes(jpg);
        char key[16];
        std::snprintf(key, sizeof(key), "s%07d", k);
        members.emplace_back(std::string(key) + ".jpg", std::string(bytes.begin(), bytes.end()));
        members.emplace_back(std::string(key) + ".cls", std::to_string(k % 10));
      }
      clipbench::test::write_tar((root / "wds" / "test" / (std::to_string(s) + ".tar")).string(),
                                 members);
    }
  }
  ~SyntheticData() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

const SyntheticData& synthetic() {
  static const SyntheticData data;
  return data;
}

void read_and_decode(benchmark::State& state, const Dataset& ds) {
  size_t i = 0;
  int64_t checksum = 0;
  for (auto _ : state) {
    const clipbench::Image im = clipbench::datasets::load_sample_image(ds.get(i));
    checksum += im.data[0];
    benchmark::DoNotOptimize(checksum);
    i = (i + 1) % ds.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["images"] = static_cast<double>(ds.size());
}

void BM_IdxFashionMnist(benchmark::State& state) {
  static const auto ds = clipbench::datasets::open_format(
      "mnist-idx", OpenRequest{"fashion_mnist", kFashionMnist, "train", {}});
  read_and_decode(state, *ds);
}
BENCHMARK(BM_IdxFashionMnist);

void BM_IdxFashionMnist_Open(benchmark::State& state) {
  for (auto _ : state) {
    auto ds = clipbench::datasets::open_format(
        "mnist-idx", OpenRequest{"fashion_mnist", kFashionMnist, "train", {}});
    benchmark::DoNotOptimize(ds->size());
  }
}
BENCHMARK(BM_IdxFashionMnist_Open)->Unit(benchmark::kMillisecond);

void BM_Cifar10Binary(benchmark::State& state) {
  static const auto ds = clipbench::datasets::open_format(
      "cifar10-binary",
      OpenRequest{"cifar10", (synthetic().root / "cifar-10-batches-bin").string(), "test", {}});
  read_and_decode(state, *ds);
}
BENCHMARK(BM_Cifar10Binary);

void BM_Cifar10Python(benchmark::State& state) {
  static const auto ds = clipbench::datasets::open_format(
      "cifar10-python",
      OpenRequest{"cifar10", (synthetic().root / "cifar-10-batches-py").string(), "test", {}});
  read_and_decode(state, *ds);
}
BENCHMARK(BM_Cifar10Python);

void BM_Cifar10Python_Open(benchmark::State& state) {
  const std::string root = (synthetic().root / "cifar-10-batches-py").string();
  for (auto _ : state) {
    auto ds = clipbench::datasets::open_format("cifar10-python",
                                               OpenRequest{"cifar10", root, "test", {}});
    benchmark::DoNotOptimize(ds->size());
  }
}
BENCHMARK(BM_Cifar10Python_Open)->Unit(benchmark::kMillisecond);

void BM_WebDatasetJpeg64(benchmark::State& state) {
  static const auto ds = clipbench::datasets::open_format(
      "webdataset", OpenRequest{"wds", (synthetic().root / "wds").string(), "test", {}});
  read_and_decode(state, *ds);
}
BENCHMARK(BM_WebDatasetJpeg64);

void BM_WebDataset_Open(benchmark::State& state) {
  const std::string root = (synthetic().root / "wds").string();
  for (auto _ : state) {
    auto ds = clipbench::datasets::open_format("webdataset", OpenRequest{"wds", root, "test", {}});
    benchmark::DoNotOptimize(ds->size());
  }
}
BENCHMARK(BM_WebDataset_Open)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
