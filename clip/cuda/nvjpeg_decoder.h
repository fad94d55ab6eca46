// Batched JPEG decoding on the GPU with nvJPEG into interleaved RGB uint8 CUDA tensors.
#pragma once

#include <ATen/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace clipbench::cuda {

// True when this build has nvJPEG (CLIPBENCH_WITH_NVJPEG: nvjpeg.h and libnvjpeg were found).
bool nvjpeg_available();

// One nvJPEG handle and batched-decode state. decode() returns, per input, a uint8 CUDA tensor
// [H, W, 3] (RGB interleaved, NVJPEG_OUTPUT_RGBI: YCbCr -> RGB by nvJPEG, grayscale replicated),
// or an undefined tensor for an input nvJPEG cannot decode (not a baseline/progressive JPEG with 1
// or 3 components, e.g. CMYK): callers decode those on the CPU. nvJPEG's colour conversion and
// chroma upsampling may differ from libjpeg-turbo's by a level on some pixels; the preprocessing
// after it is exact (gpu_preprocess.h). Not thread-safe. Construction throws Error when nvJPEG is
// not available or fails to initialise.
class NvjpegBatchDecoder {
 public:
  // max_batch: images per decode() call; cpu_threads: the threads nvJPEG may use for Huffman
  // decoding of the hybrid backend.
  explicit NvjpegBatchDecoder(int max_batch, int cpu_threads = 1);
  ~NvjpegBatchDecoder();
  NvjpegBatchDecoder(const NvjpegBatchDecoder&) = delete;
  NvjpegBatchDecoder& operator=(const NvjpegBatchDecoder&) = delete;

  // files[i]: the bytes of one encoded image; names[i] for error messages. At most max_batch.
  std::vector<at::Tensor> decode(const std::vector<const std::vector<uint8_t>*>& files,
                                 const std::vector<std::string>& names);
  // The nvJPEG backend in use ("hardware", "default").
  const std::string& backend() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace clipbench::cuda
