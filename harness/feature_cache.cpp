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
#include "harness/progress.h"
#include "harness/sha256.h"

namespace clipbench::harness {

FeatureExtractor clip_feature_extractor(CLIP model, const std::string& name,
                                        const std::string& hash) {
  FeatureExtractor fx;
  fx.name = name;
  fx.hash = hash;
  fx.resolution = model->config().image_resolution;
  fx.normalization = Normalization::clip();
  fx.preprocessing = fmt::format("clip-bicubic-{}", fx.resolution);
  fx.encode = [model](const at::Tensor& images) mutable { return model->encode_image(images); };
  return fx;
}

SplitFeatures extract_features(const FeatureExtractor& extractor, const std::string& dataset_id,
                               const std::string& data_root, const std::string& split,
                               LoaderOptions loader, const std::string& cache_dir) {
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
  std::error_code ec;
  if (fs::exists(out.cache_file, ec)) {
    try {
      const auto t = read_safetensors(out.cache_file).tensors;
      const auto f = t.find("features"), l = t.find("labels");
      if (f != t.end() && l != t.end() && f->second.dim() == 2 && f->second.size(0) == n &&
          f->second.scalar_type() == torch::kFloat32 && l->second.dim() == 1 &&
          l->second.size(0) == n && l->second.scalar_type() == torch::kLong) {
        out.features = f->second;
        out.labels = l->second;
        out.from_cache = true;
        spdlog::info("{} {} {}: {} features from the cache {}", extractor.name, dataset_id, split,
                     n, out.cache_file);
        return out;
      }
      spdlog::warn("{}: cache entry does not match {} rows of features and labels; rebuilding",
                   out.cache_file, n);
    } catch (const Error& e) {
      spdlog::warn("{}: unreadable cache entry ({}); rebuilding", out.cache_file, e.what());
    }
  }
  loader.resolution = extractor.resolution;
  loader.normalization = extractor.normalization;
  loader.skip_unreadable = false;  // a probe's rows must match the split's labels
  BatchLoader batches(*dataset, loader);
  Progress progress(fmt::format("{} {} {} features", extractor.name, dataset_id, split),
                    batches.num_samples());
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
  out.features = torch::cat(feats, 0).contiguous();
  out.labels = torch::tensor(labels, torch::kLong);
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
