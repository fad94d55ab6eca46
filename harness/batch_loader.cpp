// The prefetching batch loader: one pool task per image, batches returned in dataset order.
#include "harness/batch_loader.h"

#include <c10/core/thread_pool.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "clip/errors.h"

namespace clipbench::harness {

struct BatchLoader::PoolHolder {
  explicit PoolHolder(int64_t threads) : pool(static_cast<int>(threads)) {}
  c10::ThreadPool pool;
};

struct BatchLoader::Pending {
  int64_t first = 0;  // first sample index
  int64_t count = 0;
  at::Tensor images;
  std::vector<int64_t> labels;
  std::vector<std::vector<int8_t>> targets;
  std::vector<std::exception_ptr> errors;  // per row; null when the row is ready
  std::vector<std::string> error_messages;
  std::vector<bool> skippable;  // the row failed with an unreadable-image error
  std::mutex mutex;
  std::condition_variable done;
  int64_t remaining = 0;
};

int64_t decode_thread_count(const LoaderOptions& options) {
  if (options.threads < 0)
    throw Error(fmt::format("decode threads must be 0 (one per hardware thread) or more (got {})",
                            options.threads));
  if (options.threads > 0) return options.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

BatchLoader::BatchLoader(const datasets::Dataset& dataset, const LoaderOptions& options)
    : dataset_(dataset), options_(options) {
  if (options_.batch_size < 1)
    throw Error(fmt::format("batch size must be at least 1 (got {})", options_.batch_size));
  if (options_.preprocess.size < 1)
    throw Error(
        fmt::format("preprocessing size must be at least 1 (got {})", options_.preprocess.size));
  if (options_.prefetch < 0) throw Error("prefetch must be 0 or more");
  num_samples_ = static_cast<int64_t>(dataset.size());
  if (options_.limit > 0) num_samples_ = std::min(num_samples_, options_.limit);
  pool_ = std::make_unique<PoolHolder>(decode_thread_count(options_));
}

BatchLoader::~BatchLoader() {
  // Queued tasks hold the dataset and their batch by reference: wait for them.
  if (pool_) pool_->pool.waitWorkComplete();
}

int64_t BatchLoader::num_batches() const {
  return (num_samples_ + options_.batch_size - 1) / options_.batch_size;
}

void BatchLoader::submit(int64_t batch) {
  auto p = std::make_shared<Pending>();
  p->first = batch * options_.batch_size;
  p->count = std::min(options_.batch_size, num_samples_ - p->first);
  const int64_t n = options_.preprocess.size;
  p->images = torch::empty({p->count, 3, n, n}, torch::kFloat32);
  p->labels.assign(p->count, -1);
  p->targets.resize(p->count);
  p->errors.resize(p->count);
  p->error_messages.resize(p->count);
  p->skippable.assign(p->count, false);
  p->remaining = p->count;
  float* base = p->images.data_ptr<float>();
  for (int64_t row = 0; row < p->count; ++row) {
    pool_->pool.run([this, p, row, base, n] {
      try {
        datasets::Sample sample = dataset_.get(static_cast<size_t>(p->first + row));
        p->labels[row] = sample.label;
        p->targets[row] = std::move(sample.targets);
        try {
          const Image image = datasets::load_sample_image(sample, options_.decode);
          preprocess_image_into(image, options_.preprocess, base + row * 3 * n * n);
        } catch (const ImageDecodeError& e) {
          p->skippable[row] = true;
          throw;
        } catch (const FileError& e) {
          p->skippable[row] = true;
          throw;
        }
      } catch (const std::exception& e) {
        p->errors[row] = std::current_exception();
        p->error_messages[row] = e.what();
      } catch (...) {
        p->errors[row] = std::current_exception();
        p->error_messages[row] = "unknown error";
      }
      std::lock_guard<std::mutex> lock(p->mutex);
      if (--p->remaining == 0) p->done.notify_all();
    });
  }
  pending_.push_back(std::move(p));
  ++submitted_;
}

std::optional<Batch> BatchLoader::next() {
  const int64_t total = num_batches();
  if (next_batch_ >= total) return std::nullopt;
  while (submitted_ < total && submitted_ <= next_batch_ + options_.prefetch) submit(submitted_);
  std::shared_ptr<Pending> p = pending_.front();
  {
    std::unique_lock<std::mutex> lock(p->mutex);
    p->done.wait(lock, [&] { return p->remaining == 0; });
  }
  pending_.erase(pending_.begin());
  ++next_batch_;

  Batch batch;
  std::vector<int64_t> keep;
  for (int64_t row = 0; row < p->count; ++row) {
    if (p->errors[row]) {
      if (!options_.skip_unreadable || !p->skippable[row]) {
        // Later batches may still be decoding: let them finish before the exception unwinds.
        pool_->pool.waitWorkComplete();
        pending_.clear();
        next_batch_ = total;
        std::rethrow_exception(p->errors[row]);
      }
      ++batch.skipped;
      batch.skipped_names.push_back(p->error_messages[row]);
      continue;
    }
    keep.push_back(row);
    batch.indices.push_back(p->first + row);
    batch.labels.push_back(p->labels[row]);
    batch.targets.push_back(std::move(p->targets[row]));
  }
  if (static_cast<int64_t>(keep.size()) == p->count) {
    batch.images = p->images;
  } else {
    batch.images = p->images.index_select(0, torch::tensor(keep, torch::kLong));
  }
  return batch;
}

}  // namespace clipbench::harness
