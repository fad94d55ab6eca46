// Tests of harness/encode_split through its C++ API: rows in split order from the encoder,
// indices, labels, multi-label targets, limit, skipped samples, and its errors.
#include "harness/encode_split.h"

#include <torch/torch.h>

#include "clip/errors.h"
#include "datasets/format_registry.h"
#include "tests/support/catch.h"
#include "tests/support/synthetic_dataset.h"

using namespace clipbench;
using clipbench::test::SyntheticDataset;

namespace {

harness::EncodeOptions options(int64_t batch, int64_t threads) {
  harness::EncodeOptions o;
  o.loader.batch_size = batch;
  o.loader.threads = threads;
  o.loader.preprocess = ImagePreprocess::clip(4);
  o.loader.preprocess.normalization = Normalization{{0.f, 0.f, 0.f}, {1.f, 1.f, 1.f}};
  return o;
}

// Per-channel means [B, 3]: sample i's image is uniform gray i, so each row is i / 255.
at::Tensor channel_means(const at::Tensor& images) { return images.mean({2, 3}); }

}  // namespace

TEST_CASE("encode_split returns the encoder's rows in split order with indices and labels",
          "[unit]") {
  const SyntheticDataset ds(23);
  for (int64_t threads : {1, 3}) {
    auto o = options(5, threads);
    int64_t calls = 0;
    const auto e = harness::encode_split(
        [&](const at::Tensor& images) {
          ++calls;
          return channel_means(images);
        },
        ds, o);
    CHECK(calls == 5);  // batches of 5, 5, 5, 5, 3
    REQUIRE(e.rows.sizes() == at::IntArrayRef({23, 3}));
    CHECK(e.rows.scalar_type() == torch::kFloat32);
    CHECK(e.rows.device().is_cpu());
    REQUIRE(e.indices.numel() == 23);
    REQUIRE(e.labels.numel() == 23);
    CHECK(e.targets.sizes() == at::IntArrayRef({23, 0}));
    for (int64_t i = 0; i < 23; ++i) {
      CHECK(e.indices[i].item<int64_t>() == i);
      CHECK(e.labels[i].item<int64_t>() == i % 2);
      for (int64_t c = 0; c < 3; ++c)
        CHECK(e.rows[i][c].item<float>() == Approx(i / 255.0f).margin(1e-6));
    }
    CHECK(e.skipped == 0);
    CHECK(e.skipped_names.empty());
    CHECK(e.pipeline == "cpu-decode");
    CHECK(e.seconds > 0.0);
  }
}

TEST_CASE("encode_split encodes only the first `limit` samples and converts rows to float32",
          "[unit]") {
  const SyntheticDataset ds(23);
  auto o = options(4, 2);
  o.loader.limit = 7;
  const auto e = harness::encode_split(
      [](const at::Tensor& images) { return channel_means(images).to(torch::kFloat64) * 2; }, ds,
      o);
  REQUIRE(e.rows.sizes() == at::IntArrayRef({7, 3}));
  CHECK(e.rows.scalar_type() == torch::kFloat32);
  CHECK(e.rows[6][0].item<float>() == Approx(12 / 255.0f).margin(1e-6));
  CHECK(e.indices[6].item<int64_t>() == 6);
}

TEST_CASE("encode_split skips unreadable samples only when asked, and counts them", "[unit]") {
  const SyntheticDataset ds(12, /*bad=*/7);
  auto o = options(4, 2);
  CHECK_THROWS_AS(harness::encode_split(channel_means, ds, o), ImageDecodeError);
  o.loader.skip_unreadable = true;
  const auto e = harness::encode_split(channel_means, ds, o);
  REQUIRE(e.rows.size(0) == 11);
  CHECK(e.skipped == 1);
  REQUIRE(e.skipped_names.size() == 1);
  CHECK_THAT(e.skipped_names[0], Catch::Contains("synthetic[7]"));
  CHECK(e.indices[6].item<int64_t>() == 6);
  CHECK(e.indices[7].item<int64_t>() == 8);  // sample 7 left out
  CHECK(e.rows[7][0].item<float>() == Approx(8 / 255.0f).margin(1e-6));
}

TEST_CASE("encode_split collects multi-label targets row by row", "[unit]") {
  const SyntheticDataset ds(9, -1, -1, /*multi_label=*/true);
  const auto e = harness::encode_split(channel_means, ds, options(4, 1));
  REQUIRE(e.targets.sizes() == at::IntArrayRef({9, 3}));
  CHECK(e.targets.scalar_type() == torch::kChar);
  for (int64_t i = 0; i < 9; ++i) {
    CHECK(e.labels[i].item<int64_t>() == -1);
    CHECK(e.targets[i][0].item<int8_t>() == i % 2);
    CHECK(e.targets[i][1].item<int8_t>() == (i + 1) % 2);
    CHECK(e.targets[i][2].item<int8_t>() == 1);
  }
}

TEST_CASE("encode_split refuses a split with nothing encoded and an encoder of the wrong shape",
          "[unit]") {
  SECTION("every sample unreadable") {
    const SyntheticDataset ds(1, /*bad=*/0);
    auto o = options(4, 1);
    o.loader.skip_unreadable = true;
    CHECK_THROWS_AS(harness::encode_split(channel_means, ds, o), datasets::DatasetError);
    CHECK_THROWS_WITH(harness::encode_split(channel_means, ds, o),
                      Catch::Contains("synthetic: no image could be encoded (1 skipped)"));
  }
  SECTION("an encoder that does not return one row per image") {
    const SyntheticDataset ds(5);
    CHECK_THROWS_WITH(harness::encode_split([](const at::Tensor& images) { return images.mean(); },
                                            ds, options(4, 1)),
                      Catch::Contains("the encoder returned"));
  }
  SECTION("batch size 0") {
    const SyntheticDataset ds(5);
    CHECK_THROWS_WITH(harness::encode_split(channel_means, ds, options(0, 1)),
                      Catch::Contains("batch size must be at least 1"));
  }
}

TEST_CASE("encode_pipeline names the GPU pipeline only for CUDA in a build that has it", "[unit]") {
  auto o = options(4, 1);
  CHECK(harness::encode_pipeline(o) == "cpu-decode");
  o.device = c10::Device(c10::kCUDA, 0);
  CHECK(harness::encode_pipeline(o) ==
        (harness::gpu_pipeline_built() ? "nvjpeg+gpu-preprocess" : "cpu-decode"));
  o.gpu_decode = false;
  CHECK(harness::encode_pipeline(o) == "cpu-decode");
}
