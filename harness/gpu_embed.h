// Image features of a dataset split on the GPU: files read on a CPU pool, batched nvJPEG decoding,
// Pillow-exact preprocessing by CUDA kernels, the encoder on the GPU (built with
// CLIPBENCH_WITH_CUDA).
#pragma once

#include <string>

#include "clip/clip_model.h"
#include "datasets/dataset.h"
#include "harness/batch_loader.h"
#include "harness/embed_dataset.h"

namespace clipbench::harness {

// The contract of embed_dataset (embed_dataset.h) for a model on a CUDA device. Samples that are
// not JPEG files nvJPEG decodes (PNG, CMYK JPEG, raw pixels of idx/CIFAR rows) are decoded and
// preprocessed on the CPU and uploaded. options.threads: the file-reading pool (0: one per
// hardware thread); options.prefetch: batches read ahead. Errors as BatchLoader's (unreadable
// images throw ImageDecodeError / FileError unless skip_unreadable).
DatasetFeatures embed_dataset_gpu(CLIP& model, const datasets::Dataset& dataset,
                                  const LoaderOptions& options, const std::string& progress_label);

}  // namespace clipbench::harness
