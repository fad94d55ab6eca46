// Tests of the prefetching batch loader: order, sizes, limit, labels, error propagation and
// skipping of unreadable images.
#include "harness/batch_loader.h"

#include <torch/torch.h>

#include <algorithm>
#include <thread>

#include "clip/errors.h"
#include "datasets/format_registry.h"
#include "tests/support/catch.h"
#include "tests/support/synthetic_dataset.h"

using namespace clipbench;
using clipbench::test::SyntheticDataset;

namespace {

harness::LoaderOptions options(int64_t batch, int64_t threads) {
  harness::LoaderOptions o;
  o.batch_size = batch;
  o.threads = threads;
  o.preprocess = ImagePreprocess::clip(4);
  o.preprocess.normalization = Normalization{{0.f, 0.f, 0.f}, {1.f, 1.f, 1.f}};
  return o;
}

}  // namespace

TEST_CASE("batch loader returns every sample once, in order, with labels", "[unit]") {
  const SyntheticDataset ds(23);
  for (int64_t threads : {1, 3}) {
    harness::BatchLoader loader(ds, options(5, threads));
    CHECK(loader.num_samples() == 23);
    CHECK(loader.num_batches() == 5);
    int64_t expected = 0;
    std::vector<int64_t> sizes;
    while (auto b = loader.next()) {
      sizes.push_back(b->images.size(0));
      REQUIRE(b->images.sizes() == at::IntArrayRef({b->images.size(0), 3, 4, 4}));
      for (size_t r = 0; r < b->indices.size(); ++r, ++expected) {
        CHECK(b->indices[r] == expected);
        CHECK(b->labels[r] == expected % 2);
        // Uniform gray value i / 255 after ToTensor with mean 0, std 1.
        CHECK(b->images[r].mean().item<float>() == Approx(expected / 255.0f).margin(1e-6));
      }
    }
    CHECK(expected == 23);
    CHECK(sizes == std::vector<int64_t>{5, 5, 5, 5, 3});
    CHECK_FALSE(loader.next().has_value());
  }
}

TEST_CASE("batch loader honours the limit", "[unit]") {
  const SyntheticDataset ds(23);
  auto o = options(4, 2);
  o.limit = 10;
  harness::BatchLoader loader(ds, o);
  int64_t n = 0;
  while (auto b = loader.next()) n += b->images.size(0);
  CHECK(n == 10);
}

TEST_CASE("batch loader rethrows a corrupt image by default and skips it on request", "[unit]") {
  const SyntheticDataset ds(12, /*bad=*/7);
  {
    harness::BatchLoader loader(ds, options(4, 2));
    REQUIRE(loader.next().has_value());
    try {
      loader.next();
      FAIL("no error");
    } catch (const ImageDecodeError& e) {
      CHECK_THAT(std::string(e.what()), Catch::Contains("synthetic[7]"));
    }
  }
  auto o = options(4, 2);
  o.skip_unreadable = true;
  harness::BatchLoader loader(ds, o);
  int64_t n = 0, skipped = 0;
  std::vector<int64_t> indices;
  while (auto b = loader.next()) {
    n += b->images.size(0);
    skipped += b->skipped;
    indices.insert(indices.end(), b->indices.begin(), b->indices.end());
    for (const auto& name : b->skipped_names) CHECK_THAT(name, Catch::Contains("synthetic[7]"));
  }
  CHECK(n == 11);
  CHECK(skipped == 1);
  CHECK(std::find(indices.begin(), indices.end(), 7) == indices.end());
}

TEST_CASE("batch loader never skips dataset errors (a broken annotation)", "[unit]") {
  const SyntheticDataset ds(8, -1, /*failing=*/2);
  auto o = options(4, 2);
  o.skip_unreadable = true;
  harness::BatchLoader loader(ds, o);
  CHECK_THROWS_AS(loader.next(), datasets::DatasetError);
}

TEST_CASE("batch loader rejects a zero batch size", "[unit]") {
  const SyntheticDataset ds(3);
  CHECK_THROWS_AS(harness::BatchLoader(ds, options(0, 1)), Error);
}

TEST_CASE("decode_thread_count resolves 0 to the hardware threads and refuses negatives",
          "[unit]") {
  CHECK(harness::decode_thread_count(options(1, 3)) == 3);
  const int64_t hardware = std::max(1u, std::thread::hardware_concurrency());
  CHECK(harness::decode_thread_count(options(1, 0)) == hardware);
  CHECK_THROWS_AS(harness::decode_thread_count(options(1, -1)), Error);
  const SyntheticDataset ds(3);
  CHECK_THROWS_WITH(harness::BatchLoader(ds, options(1, -2)), Catch::Contains("(got -2)"));
}
