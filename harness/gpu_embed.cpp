// The GPU feature pipeline: a CPU pool reads encoded files ahead, nvJPEG decodes each batch,
// CUDA kernels preprocess it into one [B, 3, n, n] tensor, the encoder runs on the GPU.
#include "harness/gpu_embed.h"

#include <c10/core/thread_pool.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <exception>
#include <future>
#include <thread>

#include "clip/cuda/gpu_preprocess.h"
#include "clip/cuda/nvjpeg_decoder.h"
#include "clip/errors.h"
#include "datasets/binary_files.h"
#include "datasets/format_registry.h"
#include "harness/progress.h"

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

DatasetFeatures embed_dataset_gpu(CLIP& model, const datasets::Dataset& dataset,
                                  const LoaderOptions& options, const std::string& progress_label) {
  const int64_t n = options.preprocess.size;
  const torch::Device device = model->device();
  if (!device.is_cuda()) throw Error("embed_dataset_gpu: the model is not on a CUDA device");
  if (options.batch_size < 1)
    throw Error(fmt::format("batch size must be at least 1 (got {})", options.batch_size));
  torch::NoGradGuard no_grad;
  const auto t0 = std::chrono::steady_clock::now();
  int64_t total = static_cast<int64_t>(dataset.size());
  if (options.limit > 0) total = std::min(total, options.limit);
  const int64_t batches = (total + options.batch_size - 1) / options.batch_size;
  int64_t threads = options.threads;
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());
  c10::ThreadPool pool(static_cast<int>(threads));
  std::deque<std::shared_ptr<std::promise<RawBatch>>> promises;
  std::deque<std::future<RawBatch>> ready;
  int64_t submitted = 0;
  auto submit = [&] {
    const int64_t first = submitted * options.batch_size;
    const int64_t count = std::min(options.batch_size, total - first);
    auto promise = std::make_shared<std::promise<RawBatch>>();
    ready.push_back(promise->get_future());
    pool.run([&dataset, &options, promise, first, count, n] {
      try {
        promise->set_value(read_batch(dataset, first, count, n, options));
      } catch (...) {
        promise->set_exception(std::current_exception());
      }
    });
    ++submitted;
  };

  cuda::NvjpegBatchDecoder decoder(static_cast<int>(options.batch_size), static_cast<int>(threads));
  cuda::GpuPreprocessor preprocessor(options.preprocess);
  Progress progress(progress_label, total);
  DatasetFeatures out;
  std::vector<at::Tensor> chunks;
  std::vector<int64_t> indices, labels;
  int64_t done = 0;
  try {
    for (int64_t b = 0; b < batches; ++b) {
      while (submitted < batches && submitted <= b + options.prefetch) submit();
      RawBatch raw = ready.front().get();
      ready.pop_front();
      const int64_t count = static_cast<int64_t>(raw.samples.size());
      std::vector<int64_t> keep;
      std::vector<const std::vector<uint8_t>*> files;
      std::vector<std::string> names;
      std::vector<int64_t> file_rows;
      for (int64_t i = 0; i < count; ++i) {
        if (raw.errors[i]) {
          if (!options.skip_unreadable || !raw.skippable[i]) std::rethrow_exception(raw.errors[i]);
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
      if (!keep.empty()) {
        std::vector<at::Tensor> decoded =
            files.empty() ? std::vector<at::Tensor>{} : decoder.decode(files, names);
        at::Tensor images = torch::empty({static_cast<int64_t>(keep.size()), 3, n, n},
                                         torch::dtype(torch::kFloat32).device(device));
        std::vector<int64_t> row_of(count, -1);
        for (size_t k = 0; k < keep.size(); ++k) row_of[keep[k]] = static_cast<int64_t>(k);
        for (size_t f = 0; f < file_rows.size(); ++f) {
          const int64_t i = file_rows[f];
          at::Tensor row = images[row_of[i]];
          if (decoded[f].defined()) {
            preprocessor.preprocess_into(decoded[f], row);
          } else {  // nvJPEG declined (e.g. CMYK): the CPU path
            row.copy_(preprocess_image(datasets::load_sample_image(raw.samples[i], options.decode),
                                       options.preprocess));
          }
        }
        for (int64_t i : keep) {
          if (raw.cpu_rows[i].defined()) images[row_of[i]].copy_(raw.cpu_rows[i]);
          indices.push_back(raw.first + i);
          labels.push_back(raw.samples[i].label);
        }
        chunks.push_back(model->encode_image(images).to(torch::kFloat32));
      }
      done += count;
      if (!progress_label.empty()) progress.update(done);
    }
  } catch (...) {
    pool.waitWorkComplete();  // queued reads hold references to this frame
    throw;
  }
  if (chunks.empty())
    throw datasets::DatasetError(
        fmt::format("{}: no image could be encoded ({} samples, {} skipped)", dataset.source(),
                    total, out.skipped));
  out.features = torch::cat(chunks, 0).to(torch::kCPU);  // waits for the GPU
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!progress_label.empty()) progress.finish();
  out.indices = torch::tensor(indices, torch::kInt64);
  out.labels = torch::tensor(labels, torch::kInt64);
  out.images_per_second = out.seconds > 0 ? static_cast<double>(indices.size()) / out.seconds : 0.0;
  return out;
}

}  // namespace clipbench::harness
