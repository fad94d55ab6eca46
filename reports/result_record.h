// One result record: the outcome of one (checkpoint, dataset, split, task, prompt mode) job, and
// its atomic storage as one JSON file in a results folder. Documented field by field in SCHEMA.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "clip/errors.h"

namespace clipbench::reports {

// The version write_record writes. read_results also reads version 1 (before dataset_version),
// as dataset_version 1: the version of every catalogue entry while version 1 was written.
constexpr int kResultSchemaVersion = 2;

// A results folder or record that cannot be used: unreadable JSON, a missing field, another
// schema version. The message names the file.
class ResultsError : public Error {
 public:
  using Error::Error;
};

struct ResultRecord {
  int schema_version = kResultSchemaVersion;
  // What was evaluated.
  std::string model;            // released name when recognised ("ViT-B/32"), else e.g. "ViT-64/8"
  std::string checkpoint;       // the path the user gave
  std::string checkpoint_hash;  // "sha256:<hex>" of the checkpoint file
  std::string dataset;          // catalogue id ("food101")
  int64_t dataset_version = 1;  // the catalogue entry's version (datasets::DatasetInfo::version)
  std::string split;            // "test"
  std::string task;             // "zero_shot", "linear_probe", "few_shot"
  std::string prompt_mode;      // zero_shot: "raw", "single", "ensemble"; probes: ""
  // The dataset's headline metric (Table 9 name) and its value in percent (0..100).
  std::string metric;
  double value = 0.0;
  // Every metric computed, in percent; std::nullopt where undefined (top-5 below 5 classes),
  // written as JSON null.
  std::map<std::string, std::optional<double>> metrics;
  int64_t n = 0;            // images scored
  int64_t num_classes = 0;  // classes of the dataset
  int64_t skipped = 0;      // unreadable images skipped (only with --skip-unreadable)
  double seconds = 0.0;     // wall time of the job
  double images_per_second = 0.0;
  int64_t seed = 0;               // probes / few-shot; 0 otherwise
  std::string template_set_hash;  // "sha256:<hex>" of the class names + templates used ("")
  int64_t num_templates = 0;      // templates per class name used (0 for probes)
  std::string device;             // "cpu", "cuda:0 (NVIDIA H200)"
  std::string precision;          // "fp32", "bf16", "fp16" (encoders); "fp64" (probe classifiers)
  nlohmann::json versions;        // clipbench commit, libtorch, opencv, compiler (version_info)
  std::string started_at;         // ISO 8601 UTC, "2026-11-30T10:04:25Z"
  std::string finished_at;
  nlohmann::json extra = nlohmann::json::object();  // task-specific (probe: log10 C, shots, ...)
};

nlohmann::json to_json(const ResultRecord& record);
// Throws ResultsError naming `source` for a missing / mistyped / unknown field, a value or metric
// outside [0, 100] (percent expected), or another schema version (checked first).
ResultRecord record_from_json(const nlohmann::json& j, const std::string& source);

// What tells jobs of one (checkpoint, dataset, split, task) apart: the prompt mode (zero-shot),
// "seed<seed>" (probes) or "<k>shot-seed<seed>" (few-shot, k = extra.shots; ResultsError when
// missing).
std::string record_job_mode(const ResultRecord& record);

// The precisions a record may hold: "fp32", "fp64", "bf16", "fp16".
const std::vector<std::string>& record_precisions();

// The precision part of a job's identity: "" for the reference precisions "fp32" (zero-shot
// encoders) and "fp64" (probe classifiers), whose records keep the file names they had before
// precision was part of the identity; the precision itself for the others ("bf16", "fp16").
// Throws ResultsError naming the value for a precision outside record_precisions().
std::string precision_variant(const std::string& precision);
std::string record_precision_variant(const ResultRecord& record);

// "ViT-B/32" for the reference precisions, "ViT-B/32 (bf16)" for the others: the model as reports
// label it, so that two precisions of one checkpoint never share a row.
std::string model_label(const std::string& model, const std::string& variant);

// The record's file name inside a results folder, unique per job:
// "<dataset>__<split>__<task>__<mode>__<first 16 hex of checkpoint hash>.json", where <mode> is
// record_job_mode, followed by "-<precision>" for a precision other than fp32 / fp64
// ("fashion_mnist__test__zero_shot__ensemble-bf16__0123456789abcdef.json"). fp32 and fp64 records
// keep the name they always had. Throws ResultsError for a name part that cannot be in a file
// name, an unknown precision, or a malformed checkpoint hash.
std::string record_file_name(const ResultRecord& record);

// Writes the record as <dir>/<record_file_name> atomically (temp file in dir + rename); creates
// dir. Throws FileError naming the path on failure.
std::string write_record(const std::string& dir, const ResultRecord& record);
// True when <dir>/<record_file_name(job)> holds a readable record of job's dataset version (a
// finished job). A file that cannot be read as a record (truncated by a crash outside
// write_record, edited by hand) or that was computed on another dataset_version (an older adapter
// or split rule) counts as not done, so the job re-runs and atomically replaces it; with `why`,
// the reason goes there (empty when the file is absent or the job is done).
bool record_exists(const std::string& dir, const ResultRecord& job, std::string* why = nullptr);
// Every record in dir (not recursive), sorted by file name. Records are the files named as
// record_file_name makes them ("a__b__c__d__e.json"); other files (report.json, gain.svg,
// leftover "*.tmp") are not records and are not read. Throws ResultsError naming the file for
// unreadable or truncated JSON, a missing / mistyped / unknown field or another schema version,
// and ResultsError when dir is not a folder. With not_records, the names (sorted) of the other
// `.json` files in dir apart from report.json (`clipbench report`'s own) go there, so a caller can
// say that a renamed or hand-made record was not read.
std::vector<ResultRecord> read_results(const std::string& dir,
                                       std::vector<std::string>* not_records = nullptr);
// One record file. FileError when it cannot be opened; ResultsError naming it otherwise (as
// read_results).
ResultRecord read_record(const std::string& path);

// "2026-11-30T10:04:25Z": ISO 8601 UTC to the second, for started_at / finished_at.
std::string utc_timestamp(std::chrono::system_clock::time_point t);

}  // namespace clipbench::reports
