// The one encoder of dataset splits: a batch source (CPU or GPU) -> the encoder -> rows, sharded
// over ranks and gathered on rank 0.
#include "harness/encode_split.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <memory>

#include "clip/errors.h"
#include "clip/state_dict.h"
#include "datasets/format_registry.h"
#include "harness/distributed.h"
#include "harness/progress.h"
#include "harness/shard_view.h"
#ifdef CLIPBENCH_WITH_CUDA
#include "harness/gpu_batch_loader.h"
#endif

namespace clipbench::harness {

bool gpu_pipeline_built() {
#ifdef CLIPBENCH_WITH_CUDA
  return true;
#else
  return false;
#endif
}

std::string encode_pipeline(const EncodeOptions& options) {
  return gpu_pipeline_built() && options.gpu_decode && options.device.is_cuda()
             ? "nvjpeg+gpu-preprocess"
             : "cpu-decode";
}

namespace {

// One rank's rows before gathering.
struct LocalRows {
  std::vector<at::Tensor> chunks;  // float32 [B, K], on the encoder's device
  std::vector<int64_t> indices, labels;
  std::vector<int8_t> targets;  // row-major [rows, target_width]
  int64_t target_width = -1;    // -1: no row seen yet
  int64_t skipped = 0;
  std::vector<std::string> skipped_names;
};

// Drains `loader` (BatchLoader or GpuBatchLoader) through `encode`; `offset` is added to the
// loader's indices (a shard's first sample in the split).
template <typename Loader>
LocalRows encode_batches(Loader& loader, const BatchEncoder& encode, const datasets::Dataset& ds,
                         int64_t offset, const std::string& progress_label) {
  LocalRows out;
  Progress progress(progress_label, loader.num_samples());
  int64_t done = 0;
  torch::NoGradGuard no_grad;
  while (auto batch = loader.next()) {
    out.skipped += batch->skipped;
    for (auto& name : batch->skipped_names) {
      spdlog::warn("skipped unreadable image: {}", name);
      out.skipped_names.push_back(std::move(name));
    }
    const int64_t rows = batch->images.size(0);
    if (rows > 0) {
      at::Tensor encoded = encode(batch->images);
      if (!encoded.defined() || encoded.dim() != 2 || encoded.size(0) != rows)
        throw Error(
            fmt::format("{}: the encoder returned {} for a batch of {} images, expected "
                        "[{}, K]",
                        ds.source(), encoded.defined() ? shape_string(encoded.sizes()) : "nothing",
                        rows, rows));
      out.chunks.push_back(encoded.to(torch::kFloat32));
      for (int64_t i : batch->indices) out.indices.push_back(i + offset);
      out.labels.insert(out.labels.end(), batch->labels.begin(), batch->labels.end());
      for (const auto& t : batch->targets) {
        const auto width = static_cast<int64_t>(t.size());
        if (out.target_width >= 0 && width != out.target_width)
          throw datasets::DatasetError(
              fmt::format("{}: a sample has {} targets, another {} (expected one per class)",
                          ds.source(), width, out.target_width));
        out.target_width = width;
        out.targets.insert(out.targets.end(), t.begin(), t.end());
      }
    }
    done += rows + batch->skipped;
    if (!progress_label.empty()) progress.update(done);
  }
  if (!progress_label.empty()) progress.finish();
  return out;
}

template <typename T>
at::Tensor vector_tensor(const std::vector<T>& v, at::ScalarType dtype) {
  return torch::tensor(v, torch::TensorOptions().dtype(dtype));
}

at::Tensor gather_cat(ProcessGroup& group, const at::Tensor& local, const std::string& what) {
  const auto parts = group.gather_to_root(local, what);
  return parts.empty() ? at::Tensor() : torch::cat(parts);
}

}  // namespace

EncodedSplit encode_split(const BatchEncoder& encode, const datasets::Dataset& dataset,
                          const EncodeOptions& options) {
  if (options.loader.batch_size < 1)
    throw Error(fmt::format("batch size must be at least 1 (got {})", options.loader.batch_size));
  const auto t0 = std::chrono::steady_clock::now();
  LoaderOptions lo = options.loader;
  std::string label = options.progress_label;
  std::unique_ptr<ShardView> shard;
  int64_t offset = 0;
  if (options.group) {
    // Whole batches per rank: each rank encodes exactly the batches a single process would.
    const auto& ctx = options.group->context();
    int64_t total = static_cast<int64_t>(dataset.size());
    if (lo.limit > 0) total = std::min(total, lo.limit);
    const ShardRange range = shard_range(total, lo.batch_size, ctx.rank, ctx.world_size);
    shard = std::make_unique<ShardView>(dataset, range);
    offset = range.begin;
    lo.limit = 0;
    if (!label.empty())
      label +=
          fmt::format(" rank {}/{} [{}, {})", ctx.rank, ctx.world_size, range.begin, range.end);
  }
  const datasets::Dataset& source = shard ? *shard : dataset;
  EncodedSplit out;
  out.pipeline = encode_pipeline(options);
  LocalRows local;
#ifdef CLIPBENCH_WITH_CUDA
  if (out.pipeline == "nvjpeg+gpu-preprocess") {
    GpuBatchLoader loader(source, lo, options.device);
    local = encode_batches(loader, encode, dataset, offset, label);
  }
#endif
  if (out.pipeline == "cpu-decode") {
    BatchLoader loader(source, lo);
    local = encode_batches(loader, encode, dataset, offset, label);
  }
  at::Tensor rows = local.chunks.empty()
                        ? torch::empty({0, 0}, torch::kFloat32)
                        : torch::cat(local.chunks, 0).to(torch::kCPU).contiguous();  // waits
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto local_n = static_cast<int64_t>(local.indices.size());
  out.images_per_second = out.seconds > 0 ? static_cast<double>(local_n) / out.seconds : 0.0;
  out.skipped_names = std::move(local.skipped_names);
  at::Tensor indices = vector_tensor(local.indices, torch::kLong);
  at::Tensor labels = vector_tensor(local.labels, torch::kLong);
  at::Tensor targets = vector_tensor(local.targets, torch::kChar);
  int64_t skipped = local.skipped;
  if (options.group) {
    // Every rank's rows on rank 0, in rank order (= the split's order).
    ProcessGroup& g = *options.group;
    const std::string what = dataset.source();
    rows = gather_cat(g, rows.view({-1}), what + " rows");
    indices = gather_cat(g, indices, what + " indices");
    labels = gather_cat(g, labels, what + " labels");
    targets = gather_cat(g, targets, what + " targets");
    const at::Tensor all_skipped =
        gather_cat(g, torch::tensor({skipped}, torch::kLong), what + " skipped");
    if (!g.context().is_root()) return out;
    skipped = all_skipped.sum().item<int64_t>();
  }
  const int64_t n = indices.numel();
  out.skipped = skipped;
  if (n == 0)
    throw datasets::DatasetError(
        fmt::format("{}: no image could be encoded ({} skipped)", dataset.source(), skipped));
  if (rows.numel() % n != 0 || targets.numel() % n != 0 || labels.numel() != n)
    throw DistributedError(
        fmt::format("{}: gathered {} values, {} labels and {} targets for {} rows",
                    dataset.source(), rows.numel(), labels.numel(), targets.numel(), n));
  out.rows = rows.view({n, rows.numel() / n});
  out.indices = indices;
  out.labels = labels;
  out.targets = targets.view({n, targets.numel() / n});
  return out;
}

}  // namespace clipbench::harness
