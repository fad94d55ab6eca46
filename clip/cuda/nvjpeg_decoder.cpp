// nvJPEG batched decoding (compiled in CUDA builds; without nvjpeg.h every entry point reports that
// nvJPEG is missing).
#include "clip/cuda/nvjpeg_decoder.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "clip/errors.h"

#if __has_include(<nvjpeg.h>)
#include <cuda_runtime_api.h>
#include <nvjpeg.h>
#define CLIPBENCH_HAVE_NVJPEG 1
#else
#define CLIPBENCH_HAVE_NVJPEG 0
#endif

namespace clipbench::cuda {

#if CLIPBENCH_HAVE_NVJPEG

namespace {

void check(nvjpegStatus_t status, const std::string& what) {
  if (status != NVJPEG_STATUS_SUCCESS)
    throw Error(fmt::format("nvJPEG: {} failed (status {})", what, static_cast<int>(status)));
}

}  // namespace

struct NvjpegBatchDecoder::State {
  nvjpegHandle_t handle = nullptr;
  nvjpegJpegState_t state = nullptr;
  nvjpegHandle_t single_handle = nullptr;  // default backend, for images the batch call rejects
  nvjpegJpegState_t single_state = nullptr;
  int max_batch = 1, cpu_threads = 1;
  std::string backend;
};

bool nvjpeg_available() { return true; }

NvjpegBatchDecoder::NvjpegBatchDecoder(int max_batch, int cpu_threads)
    : state_(std::make_unique<State>()) {
  if (max_batch < 1) throw Error(fmt::format("nvJPEG batch must be positive (got {})", max_batch));
  state_->max_batch = max_batch;
  state_->cpu_threads = std::max(1, cpu_threads);
  // The hardware JPEG engines (A100, H100, H200) when present, else the default backend.
  if (nvjpegCreateEx(NVJPEG_BACKEND_HARDWARE, nullptr, nullptr, 0, &state_->handle) ==
      NVJPEG_STATUS_SUCCESS) {
    state_->backend = "hardware";
  } else {
    check(nvjpegCreateSimple(&state_->handle), "nvjpegCreateSimple");
    state_->backend = "default";
  }
  check(nvjpegJpegStateCreate(state_->handle, &state_->state), "nvjpegJpegStateCreate");
  check(nvjpegCreateSimple(&state_->single_handle), "nvjpegCreateSimple");
  check(nvjpegJpegStateCreate(state_->single_handle, &state_->single_state),
        "nvjpegJpegStateCreate");
}

NvjpegBatchDecoder::~NvjpegBatchDecoder() {
  if (state_->single_state) nvjpegJpegStateDestroy(state_->single_state);
  if (state_->single_handle) nvjpegDestroy(state_->single_handle);
  if (state_->state) nvjpegJpegStateDestroy(state_->state);
  if (state_->handle) nvjpegDestroy(state_->handle);
}

const std::string& NvjpegBatchDecoder::backend() const { return state_->backend; }

std::vector<at::Tensor> NvjpegBatchDecoder::decode(
    const std::vector<const std::vector<uint8_t>*>& files, const std::vector<std::string>& names) {
  if (files.size() != names.size() || static_cast<int>(files.size()) > state_->max_batch)
    throw Error(fmt::format("nvJPEG decode: {} files, {} names, batch at most {}", files.size(),
                            names.size(), state_->max_batch));
  std::vector<at::Tensor> out(files.size());
  std::vector<size_t> rows;  // inputs decoded in the batch call
  std::vector<const unsigned char*> data;
  std::vector<size_t> lengths;
  std::vector<nvjpegImage_t> images;
  const auto opts = torch::dtype(torch::kUInt8).device(torch::kCUDA);
  for (size_t i = 0; i < files.size(); ++i) {
    int components = 0, widths[NVJPEG_MAX_COMPONENT] = {}, heights[NVJPEG_MAX_COMPONENT] = {};
    nvjpegChromaSubsampling_t subsampling;
    const auto* bytes = files[i];
    if (nvjpegGetImageInfo(state_->handle, bytes->data(), bytes->size(), &components, &subsampling,
                           widths, heights) != NVJPEG_STATUS_SUCCESS)
      continue;
    if ((components != 1 && components != 3) || widths[0] < 1 || heights[0] < 1) continue;
    out[i] = torch::empty({heights[0], widths[0], 3}, opts);
    nvjpegImage_t image{};
    image.channel[0] = out[i].data_ptr<uint8_t>();
    image.pitch[0] = static_cast<size_t>(widths[0]) * 3;
    rows.push_back(i);
    data.push_back(bytes->data());
    lengths.push_back(bytes->size());
    images.push_back(image);
  }
  if (rows.empty()) return out;
  const cudaStream_t stream = nullptr;  // the legacy default stream, ordered with LibTorch's work
  bool batched = nvjpegDecodeBatchedInitialize(state_->handle, state_->state,
                                               static_cast<int>(rows.size()), state_->cpu_threads,
                                               NVJPEG_OUTPUT_RGBI) == NVJPEG_STATUS_SUCCESS;
  if (batched)
    batched = nvjpegDecodeBatched(state_->handle, state_->state, data.data(), lengths.data(),
                                  images.data(), stream) == NVJPEG_STATUS_SUCCESS;
  if (!batched) {
    // One by one on the default backend; an image it rejects goes back to the caller (CPU).
    for (size_t k = 0; k < rows.size(); ++k) {
      if (nvjpegDecode(state_->single_handle, state_->single_state, data[k], lengths[k],
                       NVJPEG_OUTPUT_RGBI, &images[k], stream) != NVJPEG_STATUS_SUCCESS)
        out[rows[k]] = at::Tensor();
    }
  }
  const cudaError_t e = cudaStreamSynchronize(stream);
  if (e != cudaSuccess)
    throw Error(fmt::format("nvJPEG decode of {} (batch of {}): CUDA error {}", names[rows[0]],
                            rows.size(), cudaGetErrorString(e)));
  return out;
}

#else  // no nvjpeg.h

struct NvjpegBatchDecoder::State {
  std::string backend = "none";
};

bool nvjpeg_available() { return false; }

NvjpegBatchDecoder::NvjpegBatchDecoder(int, int) {
  throw Error("nvJPEG is not available in this build (nvjpeg.h was not found at compile time)");
}

NvjpegBatchDecoder::~NvjpegBatchDecoder() = default;

const std::string& NvjpegBatchDecoder::backend() const { return state_->backend; }

std::vector<at::Tensor> NvjpegBatchDecoder::decode(const std::vector<const std::vector<uint8_t>*>&,
                                                   const std::vector<std::string>&) {
  throw Error("nvJPEG is not available in this build (nvjpeg.h was not found at compile time)");
}

#endif

}  // namespace clipbench::cuda
