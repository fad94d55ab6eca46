// Image features of a dataset split for the linear probes, cached on disk per (extractor,
// dataset, split, limit, preprocessing) so sweeps and repeated runs do not re-encode images.
#pragma once

#include <ATen/Tensor.h>
#include <c10/core/Device.h>

#include <functional>
#include <string>

#include "clip/clip_model.h"
#include "harness/batch_loader.h"
#include "harness/distributed.h"

namespace clipbench::harness {

// What turns preprocessed batches into features.
struct FeatureExtractor {
  std::string name;  // "ViT-B/32", "ResNet-50"
  std::string hash;  // "sha256:..." of the weights
  // Part of the cache key and of probe records: ImagePreprocess::key() ("clip-bicubic-224") for
  // CLIP models, "imagenet-bicubic-224" for the ResNet-50 baseline.
  std::string preprocessing;
  ImagePreprocess preprocess = ImagePreprocess::clip(224);
  // float32 [B, 3, R, R] -> float [B, D] (CLIP: projected image features; ResNet-50: pooled).
  std::function<at::Tensor(const at::Tensor&)> encode;
  // Where `encode` runs: a CUDA device takes encode_split's nvJPEG + GPU preprocessing pipeline
  // (harness/encode_split.h), the CPU the BatchLoader.
  c10::Device device = c10::kCPU;
};

// CLIP's image features (encode_image: the projected embedding, float [B, embed_dim]) of `model`
// on images preprocessed as `preprocess` (the model's: ResolvedArchitecture::preprocess; its size
// must be the model's image_resolution, else Error); cache key preprocessing preprocess.key().
// `hash` is the model's identity (harness/loaded_model.h model_identity_hash).
FeatureExtractor clip_feature_extractor(CLIP model, const std::string& name,
                                        const std::string& hash, const ImagePreprocess& preprocess);

struct SplitFeatures {
  at::Tensor features;  // float32 [N, D], CPU
  at::Tensor labels;    // int64 [N]
  bool from_cache = false;
  std::string cache_file;
};

// Features of the first `loader.limit` (0: all) images of `split` of a catalogued dataset. The
// cache file <cache_dir>/<key>.safetensors holds `features` and `labels`; an entry whose tensors
// are missing, of another dtype or shape, or of another row count than the split is rebuilt
// (with a warning), never trusted. Multi-label datasets are rejected (DatasetError): the probe is
// single-label.
// Data parallel (`group` non-null, every rank calls this in step): rank 0's cache decides; when
// it must be rebuilt, each rank encodes its shard_range of whole batches and rank 0 gathers the
// rows in split order, writes the cache and returns them; other ranks return undefined tensors.
// The features equal a single process's. Throws DistributedError as the group does.
SplitFeatures extract_features(const FeatureExtractor& extractor, const std::string& dataset_id,
                               const std::string& data_root, const std::string& split,
                               LoaderOptions loader, const std::string& cache_dir,
                               ProcessGroup* group = nullptr);

}  // namespace clipbench::harness
