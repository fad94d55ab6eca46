// The one encoder of dataset splits: batches (CPU decode, or nvJPEG + GPU preprocessing) -> an
// encoder -> rows, with sharding over data-parallel ranks, gathering, skip counts and progress.
#pragma once

#include <ATen/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "datasets/dataset.h"
#include "harness/batch_loader.h"

namespace clipbench::harness {

class ProcessGroup;

// Preprocessed images float32 [B, 3, n, n] (on the CPU, or on EncodeOptions::device when the GPU
// pipeline decodes) -> rows [B, K] of any floating dtype on any device: image features
// (CLIP::encode_image, ResNet-50 pooled features) or something computed from them on the device
// (zero-shot logits of every prompt mode, concatenated), so per-batch numerics are the caller's.
using BatchEncoder = std::function<at::Tensor(const at::Tensor& images)>;

struct EncodeOptions {
  // Batch size, decode threads, prefetch, limit (the first `limit` samples; 0: all),
  // skip_unreadable, decode options, and the preprocessing (the model's).
  LoaderOptions loader;
  // Where the encoder runs. A CUDA device in a build with the GPU pipeline (gpu_pipeline_built)
  // and gpu_decode: files are read on a CPU pool, JPEGs decoded by nvJPEG and preprocessed by CUDA
  // kernels (Pillow-exact, clip/cuda/gpu_preprocess.h), other samples (PNG, CMYK JPEG, idx / CIFAR
  // pixels) decoded and preprocessed on the CPU and uploaded. Otherwise the CPU BatchLoader, its
  // batches handed to the encoder on the CPU (the encoder moves them to its device).
  c10::Device device = c10::kCPU;
  bool gpu_decode = true;
  // Non-empty: progress lines on stderr (harness/progress.h) under this label.
  std::string progress_label;
  // Data parallel (harness/distributed.h; not owned; every rank calls encode_split in step): this
  // rank encodes only its shard_range of whole batches of the first `limit` samples, and rank 0
  // gathers every rank's rows, indices, labels, targets and skip counts in rank order (= the
  // split's order), so rank 0's result equals a single process's; other ranks get undefined
  // tensors and their own skipped_names.
  ProcessGroup* group = nullptr;
};

struct EncodedSplit {
  at::Tensor rows;      // float32 [N, K] on the CPU, in split order, skipped samples left out
  at::Tensor indices;   // int64 [N]: each row's sample index in the split
  at::Tensor labels;    // int64 [N]: Sample::label (-1 for multi-label datasets)
  at::Tensor targets;   // int8 [N, T]: Sample::targets for multi-label datasets, else [N, 0]
  int64_t skipped = 0;  // unreadable samples skipped (loader.skip_unreadable), over all ranks
  std::vector<std::string> skipped_names;  // this rank's, each "<name>: <error>" (also logged)
  // Wall time of this rank's pass, from the first batch request to its rows on the CPU (decode,
  // preprocessing and encoding overlapped), and this rank's rows / seconds.
  double seconds = 0.0;
  double images_per_second = 0.0;
  // "nvjpeg+gpu-preprocess" or "cpu-decode": the pipeline that decoded the images.
  std::string pipeline;
};

// Encodes the first options.loader.limit (0: all) samples of `dataset` batch by batch while the
// next options.loader.prefetch batches are read and decoded. Memory: the (prefetch + 1) batches in
// flight plus the N x K rows. Errors: those of decoding (ImageDecodeError, FileError, DatasetError
// naming the file, unless skip_unreadable), Error for batch_size < 1, DatasetError when no sample
// could be encoded (naming dataset.source()) or a multi-label sample's targets differ in length
// from the others', DistributedError when a collective fails.
EncodedSplit encode_split(const BatchEncoder& encode, const datasets::Dataset& dataset,
                          const EncodeOptions& options);

// True when this build has the GPU pipeline (CLIPBENCH_WITH_CUDA).
bool gpu_pipeline_built();

// The pipeline encode_split takes for `options` ("nvjpeg+gpu-preprocess" or "cpu-decode").
std::string encode_pipeline(const EncodeOptions& options);

}  // namespace clipbench::harness
