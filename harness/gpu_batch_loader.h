// Batches of a dataset split preprocessed on the GPU: files read ahead on a CPU pool, batched
// nvJPEG decoding, Pillow-exact preprocessing by CUDA kernels (built with CLIPBENCH_WITH_CUDA).
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "datasets/dataset.h"
#include "harness/batch_loader.h"

namespace clipbench::harness {

// BatchLoader's contract (harness/batch_loader.h) with Batch::images float32 [B, 3, n, n] on
// `device` (a CUDA device, else Error). JPEG files are decoded by nvJPEG and preprocessed by
// cuda::GpuPreprocessor; samples nvJPEG does not take (PNG, CMYK JPEG, raw pixels of idx / CIFAR
// rows) are decoded and preprocessed on the CPU (the BatchLoader's exact path) and uploaded.
// options.threads: the file-reading pool (0: one per hardware thread); options.prefetch: batches
// read ahead. Errors as BatchLoader's: the first failing sample of a batch is rethrown from next()
// (ImageDecodeError / FileError) unless skip_unreadable. The dataset must outlive the loader; the
// destructor waits for queued reads.
class GpuBatchLoader {
 public:
  GpuBatchLoader(const datasets::Dataset& dataset, const LoaderOptions& options,
                 c10::Device device);
  ~GpuBatchLoader();
  GpuBatchLoader(const GpuBatchLoader&) = delete;
  GpuBatchLoader& operator=(const GpuBatchLoader&) = delete;

  int64_t num_samples() const { return num_samples_; }
  std::optional<Batch> next();

 private:
  struct State;
  int64_t num_samples_ = 0;
  std::unique_ptr<State> state_;
};

}  // namespace clipbench::harness
