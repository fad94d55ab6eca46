// Image features of a dataset split through the prefetching batch loader.
#include "harness/embed_dataset.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>

#include "datasets/format_registry.h"
#include "harness/progress.h"
#ifdef CLIPBENCH_WITH_CUDA
#include "harness/gpu_embed.h"
#endif

namespace clipbench::harness {

bool gpu_pipeline_built() {
#ifdef CLIPBENCH_WITH_CUDA
  return true;
#else
  return false;
#endif
}

DatasetFeatures embed_dataset(CLIP& model, const datasets::Dataset& dataset, LoaderOptions options,
                              const std::string& progress_label, bool gpu_decode) {
  if (options.preprocess.size != model->config().image_resolution)
    throw Error(
        fmt::format("embed_dataset: preprocessing to {0} x {0}, but the model takes {1} x {1}",
                    options.preprocess.size, model->config().image_resolution));
#ifdef CLIPBENCH_WITH_CUDA
  if (gpu_decode && model->device().is_cuda())
    return embed_dataset_gpu(model, dataset, options, progress_label);
#else
  (void)gpu_decode;
#endif
  torch::NoGradGuard no_grad;
  const auto t0 = std::chrono::steady_clock::now();
  BatchLoader loader(dataset, options);
  Progress progress(progress_label, loader.num_samples());
  std::vector<at::Tensor> chunks;
  std::vector<int64_t> indices, labels;
  DatasetFeatures out;
  int64_t done = 0;
  while (auto batch = loader.next()) {
    out.skipped += batch->skipped;
    for (auto& name : batch->skipped_names) out.skipped_names.push_back(std::move(name));
    if (batch->images.size(0) > 0) {
      chunks.push_back(model->encode_image(batch->images).to(torch::kCPU, torch::kFloat32));
      indices.insert(indices.end(), batch->indices.begin(), batch->indices.end());
      labels.insert(labels.end(), batch->labels.begin(), batch->labels.end());
    }
    done += batch->images.size(0) + batch->skipped;
    if (!progress_label.empty()) progress.update(done);
  }
  if (chunks.empty())
    throw datasets::DatasetError(
        fmt::format("{}: no image could be encoded ({} samples, {} skipped)", dataset.source(),
                    loader.num_samples(), out.skipped));
  out.features = torch::cat(chunks, 0);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!progress_label.empty()) progress.finish();
  out.indices = torch::tensor(indices, torch::kInt64);
  out.labels = torch::tensor(labels, torch::kInt64);
  out.images_per_second = out.seconds > 0 ? static_cast<double>(indices.size()) / out.seconds : 0.0;
  return out;
}

}  // namespace clipbench::harness
