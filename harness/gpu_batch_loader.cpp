// The GPU batch source: a CPU pool reads encoded files ahead, nvJPEG decodes each batch, CUDA
// kernels preprocess it into one [B, 3, n, n] tensor on the device.
#include "harness/gpu_batch_loader.h"

#include <c10/core/thread_pool.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <deque>
#include <exception>
#include <future>
#include <thread>

#include "clip/cuda/gpu_preprocess.h"
#include "clip/cuda/nvjpeg_decoder.h"
#include "clip/errors.h"
#include "datasets/binary_files.h"
#include "datasets/format_registry.h"

namespace clipbench::harness {
namespace {

// One batch read on the CPU: the samples with their encoded bytes loaded, or a CPU-preprocessed
// row for samples that are not files/bytes, or the error of a sample.
struct RawBatch {
  int64_t first = 0;
  std::vector<datasets::Sample> samples;
  std::vector<at::Tensor> cpu_rows;        // float [3, n, n] for pixel samples, else undefined
  std::vector<std::exception_ptr> errors;  // per sample
  std::vector<std::string> error_messages;
  std::vector<bool> skippable;
};

bool looks_like_jpeg(const std::vector<uint8_t>& b) {
  return b.size() > 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
}

RawBatch read_batch(const datasets::Dataset& dataset, int64_t first, int64_t count, int64_t n,
                    const LoaderOptions& o) {
  RawBatch r;
  r.first = first;
  r.samples.resize(count);
  r.cpu_rows.resize(count);
  r.errors.resize(count);
  r.error_messages.resize(count);
  r.skippable.assign(count, false);
  for (int64_t i = 0; i < count; ++i) {
    try {
      datasets::Sample s = dataset.get(static_cast<size_t>(first + i));
      if (!s.path.empty() && s.encoded.empty()) {
        try {
          s.encoded = datasets::read_whole_file(s.name, s.path);
        } catch (const std::exception& e) {
          r.skippable[i] = true;
          throw FileError(e.what());
        }
      }
      if (s.pixels || !looks_like_jpeg(s.encoded)) {
        // Not for nvJPEG: the CPU path's exact decode and preprocessing.
        try {
          const Image image = datasets::load_sample_image(s, o.decode);
          r.cpu_rows[i] = preprocess_image(image, o.preprocess);
        } catch (const ImageDecodeError&) {
          r.skippable[i] = true;
          throw;
        }
      }
      r.samples[i] = std::move(s);
    } catch (const std::exception& e) {
      r.errors[i] = std::current_exception();
      r.error_messages[i] = e.what();
    }
  }
  return r;
}

}  // namespace

struct GpuBatchLoader::State {
  State(const datasets::Dataset& d, const LoaderOptions& o, c10::Device dev, int64_t total,
        int64_t threads)
      : dataset(d),
        options(o),
        device(dev),
        total(total),
        batches((total + o.batch_size - 1) / o.batch_size),
        decoder(static_cast<int>(o.batch_size), static_cast<int>(threads)),
        preprocessor(o.preprocess),
        pool(static_cast<int>(threads)) {}

  void submit() {
    const int64_t first = submitted * options.batch_size;
    const int64_t count = std::min(options.batch_size, total - first);
    auto promise = std::make_shared<std::promise<RawBatch>>();
    ready.push_back(promise->get_future());
    const int64_t n = options.preprocess.size;
    pool.run([this, promise, first, count, n] {
      try {
        promise->set_value(read_batch(dataset, first, count, n, options));
      } catch (...) {
        promise->set_exception(std::current_exception());
      }
    });
    ++submitted;
  }

  const datasets::Dataset& dataset;
  const LoaderOptions options;
  const c10::Device device;
  const int64_t total, batches;
  int64_t submitted = 0, next_batch = 0;
  std::deque<std::future<RawBatch>> ready;
  cuda::NvjpegBatchDecoder decoder;
  cuda::GpuPreprocessor preprocessor;
  c10::ThreadPool pool;  // last: destroyed first, while what its tasks use is alive
};

GpuBatchLoader::GpuBatchLoader(const datasets::Dataset& dataset, const LoaderOptions& options,
                               c10::Device device) {
  if (!device.is_cuda())
    throw Error(fmt::format("GpuBatchLoader: {} is not a CUDA device", device.str()));
  if (options.batch_size < 1)
    throw Error(fmt::format("batch size must be at least 1 (got {})", options.batch_size));
  int64_t total = static_cast<int64_t>(dataset.size());
  if (options.limit > 0) total = std::min(total, options.limit);
  num_samples_ = total;
  state_ = std::make_unique<State>(dataset, options, device, total, decode_thread_count(options));
}

GpuBatchLoader::~GpuBatchLoader() {
  if (state_) state_->pool.waitWorkComplete();  // queued reads hold references to the state
}

std::optional<Batch> GpuBatchLoader::next() {
  State& s = *state_;
  if (s.next_batch >= s.batches) return std::nullopt;
  while (s.submitted < s.batches && s.submitted <= s.next_batch + s.options.prefetch) s.submit();
  RawBatch raw = s.ready.front().get();
  s.ready.pop_front();
  ++s.next_batch;
  const LoaderOptions& o = s.options;
  const int64_t n = o.preprocess.size;
  const int64_t count = static_cast<int64_t>(raw.samples.size());
  Batch out;
  std::vector<int64_t> keep;
  std::vector<const std::vector<uint8_t>*> files;
  std::vector<std::string> names;
  std::vector<int64_t> file_rows;
  for (int64_t i = 0; i < count; ++i) {
    if (raw.errors[i]) {
      if (!o.skip_unreadable || !raw.skippable[i]) std::rethrow_exception(raw.errors[i]);
      ++out.skipped;
      out.skipped_names.push_back(raw.error_messages[i]);
      continue;
    }
    keep.push_back(i);
    if (!raw.cpu_rows[i].defined()) {
      files.push_back(&raw.samples[i].encoded);
      names.push_back(raw.samples[i].name);
      file_rows.push_back(i);
    }
  }
  out.images = torch::empty({static_cast<int64_t>(keep.size()), 3, n, n},
                            torch::dtype(torch::kFloat32).device(s.device));
  if (keep.empty()) return out;
  std::vector<at::Tensor> decoded =
      files.empty() ? std::vector<at::Tensor>{} : s.decoder.decode(files, names);
  std::vector<int64_t> row_of(count, -1);
  for (size_t k = 0; k < keep.size(); ++k) row_of[keep[k]] = static_cast<int64_t>(k);
  for (size_t f = 0; f < file_rows.size(); ++f) {
    const int64_t i = file_rows[f];
    at::Tensor row = out.images[row_of[i]];
    if (decoded[f].defined()) {
      s.preprocessor.preprocess_into(decoded[f], row);
    } else {  // nvJPEG declined (e.g. CMYK): the CPU path
      row.copy_(
          preprocess_image(datasets::load_sample_image(raw.samples[i], o.decode), o.preprocess));
    }
  }
  for (int64_t i : keep) {
    if (raw.cpu_rows[i].defined()) out.images[row_of[i]].copy_(raw.cpu_rows[i]);
    out.indices.push_back(raw.first + i);
    out.labels.push_back(raw.samples[i].label);
    out.targets.push_back(std::move(raw.samples[i].targets));
  }
  return out;
}

}  // namespace clipbench::harness
