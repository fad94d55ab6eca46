// Feature extraction through the batch loader, with a validated safetensors cache.
#include "harness/feature_cache.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <filesystem>
#include <memory>

#include "clip/errors.h"
#include "clip/safetensors.h"
#include "datasets/catalogue.h"
#include "datasets/format_registry.h"
#include "harness/progress.h"
#include "harness/sha256.h"
#include "harness/shard_view.h"

namespace clipbench::harness {

FeatureExtractor clip_feature_extractor(CLIP model, const std::string& name,
                                        const std::string& hash,
                                        const ImagePreprocess& preprocess) {
  if (preprocess.size != model->config().image_resolution)
    throw Error(fmt::format("{0}: preprocessing to {1} x {1}, but the model takes {2} x {2}", name,
                            preprocess.size, model->config().image_resolution));
  FeatureExtractor fx;
  fx.name = name;
  fx.hash = hash;
  fx.preprocess = preprocess;
  fx.preprocessing = preprocess.key();
  fx.encode = [model](const at::Tensor& images) mutable { return model->encode_image(images); };
  return fx;
}

namespace {

// Reads the cache entry into `out` when it holds n rows of float32 features and int64 labels;
// false (with a warning naming the file when it exists but does not match) otherwise.
bool read_cached(const std::string& file, int64_t n, SplitFeatures& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(file, ec)) return false;
  try {
    const auto t = read_safetensors(file).tensors;
    const auto f = t.find("features"), l = t.find("labels");
    if (f != t.end() && l != t.end() && f->second.dim() == 2 && f->second.size(0) == n &&
        f->second.scalar_type() == torch::kFloat32 && l->second.dim() == 1 &&
        l->second.size(0) == n && l->second.scalar_type() == torch::kLong) {
      out.features = f->second;
      out.labels = l->second;
      return true;
    }
    spdlog::warn("{}: cache entry does not match {} rows of features and labels; rebuilding", file,
                 n);
  } catch (const Error& e) {
    spdlog::warn("{}: unreadable cache entry ({}); rebuilding", file, e.what());
  }
  return false;
}

}  // namespace

SplitFeatures extract_features(const FeatureExtractor& extractor, const std::string& dataset_id,
                               const std::string& data_root, const std::string& split,
                               LoaderOptions loader, const std::string& cache_dir,
                               ProcessGroup* group) {
  namespace fs = std::filesystem;
  const auto dataset = datasets::open_dataset(dataset_id, data_root, split);
  if (dataset->multi_label())
    throw datasets::DatasetError(fmt::format(
        "{}: multi-label dataset; the linear probe needs one label per image", dataset_id));
  const int64_t size = static_cast<int64_t>(dataset->size());
  const int64_t n = loader.limit > 0 ? std::min(size, loader.limit) : size;
  const std::string key =
      sha256_string(fmt::format("{}|{}|{}|{}|{}|{}", extractor.hash, dataset_id, split, n,
                                extractor.preprocessing, dataset->source()));
  SplitFeatures out;
  out.cache_file = (fs::path(cache_dir) / (key.substr(7, 32) + ".safetensors")).string();
  const bool root = group == nullptr || group->context().is_root();
  bool cached = root && read_cached(out.cache_file, n, out);
  const std::string what = fmt::format("{} {} {} features", extractor.name, dataset_id, split);
  if (group) {
    // Rank 0's cache decides for every rank.
    const auto flags = group->all_gather(torch::tensor({cached ? 1L : 0L}), what + " cached");
    cached = flags[0].item<int64_t>() != 0;
  }
  if (cached) {
    out.from_cache = true;
    if (root)
      spdlog::info("{} {} {}: {} features from the cache {}", extractor.name, dataset_id, split, n,
                   out.cache_file);
    return out;
  }
  loader.preprocess = extractor.preprocess;
  loader.skip_unreadable = false;  // a probe's rows must match the split's labels
  std::unique_ptr<ShardView> shard;
  std::string label = what;
  if (group) {
    // Whole batches per rank, concatenated in rank order = the split's order.
    const auto& ctx = group->context();
    const ShardRange range = shard_range(n, loader.batch_size, ctx.rank, ctx.world_size);
    shard = std::make_unique<ShardView>(*dataset, range);
    loader.limit = 0;
    label += fmt::format(" rank {}/{} [{}, {})", ctx.rank, ctx.world_size, range.begin, range.end);
  }
  BatchLoader batches(shard ? static_cast<const datasets::Dataset&>(*shard) : *dataset, loader);
  Progress progress(label, batches.num_samples());
  std::vector<at::Tensor> feats;
  std::vector<int64_t> labels;
  torch::NoGradGuard no_grad;
  int64_t done = 0;
  while (auto b = batches.next()) {
    feats.push_back(extractor.encode(b->images).to(torch::kFloat32).cpu());
    labels.insert(labels.end(), b->labels.begin(), b->labels.end());
    done += b->images.size(0);
    progress.update(done);
  }
  progress.finish();
  at::Tensor local = feats.empty() ? torch::empty({0}, torch::kFloat32)
                                   : torch::cat(feats, 0).contiguous().view({-1});
  at::Tensor local_labels = torch::tensor(labels, torch::kLong);
  if (group) {
    const auto parts = group->gather_to_root(local, what);
    const auto label_parts = group->gather_to_root(local_labels, what + " labels");
    if (!root) return out;  // rank 0 holds the split's features
    local = torch::cat(parts);
    local_labels = torch::cat(label_parts);
  }
  if (local_labels.numel() != n || (n > 0 && local.numel() % n != 0))
    throw Error(fmt::format("{}: {} feature values and {} labels for {} images", what,
                            local.numel(), local_labels.numel(), n));
  out.features = local.view({n, n > 0 ? local.numel() / n : 0});
  out.labels = local_labels;
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  write_safetensors(out.cache_file, {{"features", out.features}, {"labels", out.labels}},
                    {{"extractor", extractor.name},
                     {"extractor_hash", extractor.hash},
                     {"dataset", dataset_id},
                     {"split", split},
                     {"preprocessing", extractor.preprocessing}});
  return out;
}

}  // namespace clipbench::harness
