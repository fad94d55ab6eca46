// Image features of a whole dataset split: the prefetching BatchLoader feeding the image encoder.
#pragma once

#include <ATen/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "clip/clip_model.h"
#include "datasets/dataset.h"
#include "harness/batch_loader.h"

namespace clipbench::harness {

struct DatasetFeatures {
  at::Tensor
      features;  // float32 [N, embed_dim] on the CPU, in dataset order (skipped rows left out)
  at::Tensor indices;   // int64 [N]: the sample index of each row
  at::Tensor labels;    // int64 [N]: Sample::label of each row (-1 for multi-label datasets)
  int64_t skipped = 0;  // unreadable samples skipped (LoaderOptions::skip_unreadable)
  std::vector<std::string> skipped_names;
  // Wall time from the first batch request to the last batch's features on the CPU (decode,
  // preprocess and encode overlapped; model loading not included), and N / seconds.
  double seconds = 0.0;
  double images_per_second = 0.0;
};

// Encodes the first options.limit (0: all) samples of `dataset` with model->encode_image, batch by
// batch, while the loader decodes the next options.prefetch batches on its pool.
// options.preprocess is the model's (its size must be the model's image_resolution, else Error).
// The features are returned in
// the model's dtype converted to float32 (un-normalized, as encode_image). Memory is bounded by
// the loader's (prefetch + 1) batches plus the N x embed_dim features. Errors: those of
// BatchLoader::next (decode errors unless skip_unreadable), DatasetError when no image could be
// encoded. `progress_label` non-empty: progress lines on stderr (harness/progress.h).
// A model on a CUDA device in a CLIPBENCH_WITH_CUDA build, with gpu_decode: nvJPEG decoding and
// GPU preprocessing instead (embed_dataset_gpu, harness/gpu_embed.h); else the CPU loader, the
// batches copied to the model's device.
DatasetFeatures embed_dataset(CLIP& model, const datasets::Dataset& dataset, LoaderOptions options,
                              const std::string& progress_label = "", bool gpu_decode = true);

// True when this build has the GPU pipeline (CLIPBENCH_WITH_CUDA).
bool gpu_pipeline_built();

}  // namespace clipbench::harness
