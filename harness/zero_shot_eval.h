// The main job for one (model, dataset): encode a split once, score it in every prompt mode, and
// write one result record per mode.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/batch_loader.h"
#include "harness/loaded_model.h"
#include "reports/result_record.h"

namespace clipbench::harness {

class ProcessGroup;

struct ZeroShotOptions {
  std::string data_root;  // folder holding the datasets (catalogue layouts)
  std::string split;      // "" -> the catalogue's eval_split
  std::vector<std::string> modes = {"raw", "single", "ensemble"};
  LoaderOptions loader;  // batch size, threads, limit, skip_unreadable (resolution is set
                         // from the model)
  std::string out_dir = "results";  // records go to <out_dir>/<record_file_name>
  bool force = false;               // re-run modes whose record exists
  bool truncate = false;            // truncate prompts longer than the context length
  bool progress = true;
  // With the model on a CUDA device: decode JPEGs with nvJPEG and preprocess on the GPU
  // (harness/encode_split.h); false: the CPU loader.
  bool gpu_decode = true;
  // Data parallel (harness/distributed.h): when set, this rank encodes only its shard_range of the
  // split (whole batches), rank 0 gathers every rank's scores, labels and skip counts, computes
  // the metrics and writes the records (identical to a single-process run); other ranks return
  // no records. Rank 0 decides which modes are skipped. Not owned.
  ProcessGroup* group = nullptr;
};

struct ZeroShotOutcome {
  std::vector<reports::ResultRecord> records;  // written by this call
  std::vector<std::string> skipped;            // record files that existed (not re-run)
};

// Evaluates `dataset_id` zero-shot. Modes whose record already exists in out_dir are skipped
// unless force; when every mode exists, nothing is opened or encoded. Image features are computed
// once and scored against each mode's classifier; class embeddings are cached per (checkpoint
// hash, template-set hash, precision) under <out_dir>/cache/text/, and reused only when made by
// this text cleaner (kTextCleanerVersion, clip/text_clean.h). Records carry m.precision
// (set_precision), which is part of their file name (record_file_name): an fp32 record never
// makes a bf16 job skip, nor the reverse. Each record is written atomically as soon
// as its mode is scored. A limited run (loader.limit > 0) records its split as
// "<split>-first-<limit>" so it never stands in for a full run. Throws DatasetError / RegistryError
// / ImageDecodeError (unless skip_unreadable) with the dataset and file named; DistributedError
// when a collective fails (options.group).
ZeroShotOutcome evaluate_zero_shot(LoadedModel& model, const std::string& dataset_id,
                                   const ZeroShotOptions& options);

}  // namespace clipbench::harness
