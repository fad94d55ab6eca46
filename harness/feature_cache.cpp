// Feature extraction through the batch loader, with a validated safetensors cache.
#include "harness/feature_cache.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <filesystem>

#include "clip/errors.h"
#include "clip/safetensors.h"
#include "datasets/catalogue.h"
#include "datasets/format_registry.h"
#include "harness/encode_split.h"
#include "harness/sha256.h"

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
  fx.device = model->device();
  fx.encode = [model](const at::Tensor& images) mutable { return model->encode_image(images); };
  return fx;
}

namespace {

// Reads the cache entry into `out` when it holds n rows of finite float32 features and int64
// labels in [0, num_classes); false (with a warning naming the file when it exists but does not
// match) otherwise.
bool read_cached(const std::string& file, int64_t n, int64_t num_classes, SplitFeatures& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(file, ec)) return false;
  try {
    const auto t = read_safetensors(file).tensors;
    const auto f = t.find("features"), l = t.find("labels");
    if (f != t.end() && l != t.end() && f->second.dim() == 2 && f->second.size(0) == n &&
        f->second.scalar_type() == torch::kFloat32 && l->second.dim() == 1 &&
        l->second.size(0) == n && l->second.scalar_type() == torch::kLong) {
      if (!torch::isfinite(f->second).all().item<bool>()) {
        spdlog::warn("{}: cached features hold NaN or infinite values; rebuilding", file);
        return false;
      }
      if (n > 0 &&
          (l->second.min().item<int64_t>() < 0 || l->second.max().item<int64_t>() >= num_classes)) {
        spdlog::warn("{}: cached labels lie outside the {} classes; rebuilding", file, num_classes);
        return false;
      }
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
  bool cached =
      root && read_cached(out.cache_file, n, static_cast<int64_t>(dataset->classes().size()), out);
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
  EncodeOptions eo;
  eo.loader = loader;
  eo.loader.preprocess = extractor.preprocess;
  eo.loader.skip_unreadable = false;  // a probe's rows must match the split's labels
  eo.device = extractor.device;
  eo.progress_label = what;
  eo.group = group;
  EncodedSplit encoded = encode_split(extractor.encode, *dataset, eo);
  if (!root) return out;  // rank 0 holds the split's features
  if (encoded.labels.numel() != n)
    throw Error(fmt::format("{}: {} rows encoded for {} images", what, encoded.labels.numel(), n));
  out.features = encoded.rows;
  out.labels = encoded.labels;
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
