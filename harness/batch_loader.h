// A bounded prefetching batch loader: decodes and preprocesses a dataset split on a thread pool
// while the caller encodes earlier batches.
#pragma once

#include <ATen/Tensor.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clip/image_decode.h"
#include "clip/preprocess.h"
#include "datasets/dataset.h"

namespace clipbench::harness {

struct LoaderOptions {
  int64_t batch_size = 64;  // images per batch (the last one may be smaller)
  // What is done to each image (size n = the model's image_resolution, mean / std, interpolation,
  // resize mode): the model's (LoadedModel::preprocess, ResolvedArchitecture::preprocess).
  ImagePreprocess preprocess = ImagePreprocess::clip(224);
  // Decode threads (c10::ThreadPool). 0: one per hardware thread.
  int64_t threads = 0;
  // Batches decoded ahead of the one being consumed (memory bound: about
  // (prefetch + 1) * batch_size * 3 * n * n floats).
  int64_t prefetch = 2;
  // Only the first `limit` samples of the split (0: all).
  int64_t limit = 0;
  // Skip samples whose image cannot be read or decoded (counted in Batch::skipped and listed in
  // Batch::skipped_names) instead of throwing.
  bool skip_unreadable = false;
  DecodeOptions decode;
};

// The decode threads a loader runs: options.threads, or one per hardware thread when it is 0
// (std::thread::hardware_concurrency, at least 1). Throws Error when options.threads < 0.
int64_t decode_thread_count(const LoaderOptions& options);

// One batch in dataset order.
struct Batch {
  at::Tensor images;                         // float32 [B, 3, n, n], preprocessed
  std::vector<int64_t> indices;              // sample index of each row
  std::vector<int64_t> labels;               // Sample::label of each row
  std::vector<std::vector<int8_t>> targets;  // Sample::targets of each row (multi-label)
  int64_t skipped = 0;                       // samples of this batch skipped as unreadable
  std::vector<std::string> skipped_names;    // and their names, with the error
};

// Reads `dataset` in order, batch by batch. Decoding of the next `prefetch` batches runs on the
// pool while the caller works. Errors: the first failing sample of a batch (in index order) is
// rethrown from next() with its original type (ImageDecodeError, FileError, DatasetError), unless
// skip_unreadable. The dataset must outlive the loader; the destructor waits for queued work.
class BatchLoader {
 public:
  BatchLoader(const datasets::Dataset& dataset, const LoaderOptions& options);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // Samples that will be read (min(limit, size)).
  int64_t num_samples() const { return num_samples_; }
  int64_t num_batches() const;
  // The next batch, or nullopt after the last one.
  std::optional<Batch> next();

 private:
  struct Pending;
  void submit(int64_t batch);

  const datasets::Dataset& dataset_;
  LoaderOptions options_;
  int64_t num_samples_ = 0;
  int64_t next_batch_ = 0;                         // the batch next() returns next
  int64_t submitted_ = 0;                          // batches handed to the pool so far
  std::vector<std::shared_ptr<Pending>> pending_;  // submitted, not yet returned (in order)
  struct PoolHolder;
  std::unique_ptr<PoolHolder> pool_;
};

}  // namespace clipbench::harness
