// One result record: JSON conversion (strict, field by field) and atomic storage in a results
// folder.
#include "reports/result_record.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/atomic_file.h"

namespace clipbench::reports {
namespace {

namespace fs = std::filesystem;

// The fields of a record, in the order to_json writes them (SCHEMA.md documents each).
const std::vector<std::string>& field_names() {
  static const std::vector<std::string> names = {"schema_version",
                                                 "model",
                                                 "checkpoint",
                                                 "checkpoint_hash",
                                                 "dataset",
                                                 "dataset_version",
                                                 "split",
                                                 "task",
                                                 "prompt_mode",
                                                 "metric",
                                                 "value",
                                                 "metrics",
                                                 "n",
                                                 "num_classes",
                                                 "skipped",
                                                 "seconds",
                                                 "images_per_second",
                                                 "seed",
                                                 "template_set_hash",
                                                 "num_templates",
                                                 "device",
                                                 "precision",
                                                 "versions",
                                                 "started_at",
                                                 "finished_at",
                                                 "extra"};
  return names;
}

const char* type_name(const nlohmann::json& v) { return v.type_name(); }

// Reads one field of a record, checking that it is present and of the expected JSON type.
class FieldReader {
 public:
  FieldReader(const nlohmann::json& j, const std::string& source) : j_(j), source_(source) {}

  const nlohmann::json& at(const std::string& key) const {
    auto it = j_.find(key);
    if (it == j_.end())
      throw ResultsError(fmt::format("result record {}: missing field '{}'", source_, key));
    return *it;
  }
  [[noreturn]] void mistyped(const std::string& key, const char* expected) const {
    throw ResultsError(fmt::format("result record {}: field '{}' is {} ({}), expected {}", source_,
                                   key, type_name(at(key)), at(key).dump(), expected));
  }
  std::string str(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_string()) mistyped(key, "a string");
    return v.get<std::string>();
  }
  int64_t integer(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_number_integer()) mistyped(key, "an integer");
    return v.get<int64_t>();
  }
  double number(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_number()) mistyped(key, "a number");
    return v.get<double>();
  }
  nlohmann::json object(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_object()) mistyped(key, "an object");
    return v;
  }
  [[noreturn]] void bad_value(const std::string& key, const std::string& why) const {
    throw ResultsError(
        fmt::format("result record {}: field '{}' = {}: {}", source_, key, at(key).dump(), why));
  }

 private:
  const nlohmann::json& j_;
  const std::string& source_;
};

bool is_percent(double v) { return std::isfinite(v) && v >= 0.0 && v <= 100.0; }

// A file-name component: letters, digits, '.', '_', '-'; not empty.
void check_name_part(const std::string& what, const std::string& value) {
  const bool ok = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
  if (!ok || value.find("__") != std::string::npos)
    throw ResultsError(fmt::format(
        "result record: {} '{}' cannot be part of a file name (expected letters, digits, '.', "
        "'_', '-', no '__')",
        what, value));
}

// A record's file name has five '__'-separated parts and ends in ".json".
bool looks_like_record_name(const std::string& name) {
  if (name.size() <= 5 || name.compare(name.size() - 5, 5, ".json") != 0) return false;
  int separators = 0;
  for (size_t p = name.find("__"); p != std::string::npos; p = name.find("__", p + 2)) ++separators;
  return separators == 4;
}

}  // namespace

nlohmann::json to_json(const ResultRecord& r) {
  nlohmann::json j = nlohmann::json::object();
  j["schema_version"] = r.schema_version;
  j["model"] = r.model;
  j["checkpoint"] = r.checkpoint;
  j["checkpoint_hash"] = r.checkpoint_hash;
  j["dataset"] = r.dataset;
  j["dataset_version"] = r.dataset_version;
  j["split"] = r.split;
  j["task"] = r.task;
  j["prompt_mode"] = r.prompt_mode;
  j["metric"] = r.metric;
  j["value"] = r.value;
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [name, v] : r.metrics) metrics[name] = v ? nlohmann::json(*v) : nullptr;
  j["metrics"] = metrics;
  j["n"] = r.n;
  j["num_classes"] = r.num_classes;
  j["skipped"] = r.skipped;
  j["seconds"] = r.seconds;
  j["images_per_second"] = r.images_per_second;
  j["seed"] = r.seed;
  j["template_set_hash"] = r.template_set_hash;
  j["num_templates"] = r.num_templates;
  j["device"] = r.device;
  j["precision"] = r.precision;
  j["versions"] = r.versions.is_null() ? nlohmann::json::object() : r.versions;
  j["started_at"] = r.started_at;
  j["finished_at"] = r.finished_at;
  j["extra"] = r.extra.is_null() ? nlohmann::json::object() : r.extra;
  return j;
}

ResultRecord record_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object())
    throw ResultsError(
        fmt::format("result record {}: expected a JSON object, got {}", source, j.type_name()));
  const FieldReader f(j, source);
  // The version first: another version's fields may differ.
  const int64_t version = f.integer("schema_version");
  if (version != 1 && version != kResultSchemaVersion)
    throw ResultsError(fmt::format(
        "result record {}: schema_version {}, this clipbench reads versions 1 to {} (re-run the "
        "job or use a matching clipbench)",
        source, version, kResultSchemaVersion));
  const auto& known = field_names();
  for (const auto& item : j.items())
    if (std::find(known.begin(), known.end(), item.key()) == known.end() ||
        (version == 1 && item.key() == "dataset_version"))
      throw ResultsError(fmt::format("result record {}: unknown field '{}' in schema version {}",
                                     source, item.key(), version));
  ResultRecord r;  // read as the current version: a version-1 record has dataset_version 1
  r.model = f.str("model");
  r.checkpoint = f.str("checkpoint");
  r.checkpoint_hash = f.str("checkpoint_hash");
  r.dataset = f.str("dataset");
  if (version >= 2) {
    r.dataset_version = f.integer("dataset_version");
    if (r.dataset_version < 1) f.bad_value("dataset_version", "expected an integer >= 1");
  }
  r.split = f.str("split");
  r.task = f.str("task");
  r.prompt_mode = f.str("prompt_mode");
  r.metric = f.str("metric");
  r.value = f.number("value");
  if (!is_percent(r.value)) f.bad_value("value", "expected a percentage in [0, 100]");
  const nlohmann::json metrics = f.object("metrics");
  for (const auto& item : metrics.items()) {
    if (item.value().is_null()) {
      r.metrics[item.key()] = std::nullopt;
    } else if (item.value().is_number() && is_percent(item.value().get<double>())) {
      r.metrics[item.key()] = item.value().get<double>();
    } else {
      f.bad_value("metrics", fmt::format("metrics['{}'] is {}, expected a percentage in [0, 100] "
                                         "or null (undefined)",
                                         item.key(), item.value().dump()));
    }
  }
  r.n = f.integer("n");
  r.num_classes = f.integer("num_classes");
  r.skipped = f.integer("skipped");
  r.seconds = f.number("seconds");
  r.images_per_second = f.number("images_per_second");
  r.seed = f.integer("seed");
  r.template_set_hash = f.str("template_set_hash");
  r.num_templates = f.integer("num_templates");
  r.device = f.str("device");
  r.precision = f.str("precision");
  r.versions = f.object("versions");
  r.started_at = f.str("started_at");
  r.finished_at = f.str("finished_at");
  r.extra = f.object("extra");
  const auto& precisions = record_precisions();
  if (std::find(precisions.begin(), precisions.end(), r.precision) == precisions.end())
    f.bad_value("precision", fmt::format("expected one of {}", fmt::join(precisions, ", ")));
  if (r.n < 0) f.bad_value("n", "expected a count >= 0");
  if (r.num_classes < 0) f.bad_value("num_classes", "expected a count >= 0");
  return r;
}

std::string record_job_mode(const ResultRecord& r) {
  if (r.task == "few_shot") {
    // One record per (k, seed): k is part of the job's identity.
    const auto shots = r.extra.find("shots");
    if (shots == r.extra.end() || !shots->is_number_integer() || shots->get<int64_t>() < 1)
      throw ResultsError(fmt::format(
          "few-shot result record for {}: extra.shots (examples per class, an integer >= 1) is "
          "missing or invalid",
          r.dataset));
    return fmt::format("{}shot-seed{}", shots->get<int64_t>(), r.seed);
  }
  return r.prompt_mode.empty() ? fmt::format("seed{}", r.seed) : r.prompt_mode;
}

const std::vector<std::string>& record_precisions() {
  static const std::vector<std::string> names = {"fp32", "fp64", "bf16", "fp16"};
  return names;
}

std::string precision_variant(const std::string& precision) {
  const auto& known = record_precisions();
  if (std::find(known.begin(), known.end(), precision) == known.end())
    throw ResultsError(fmt::format("result record: precision '{}' is not one of {}", precision,
                                   fmt::join(known, ", ")));
  return precision == "fp32" || precision == "fp64" ? "" : precision;
}

std::string record_precision_variant(const ResultRecord& r) {
  check_name_part("precision", r.precision);
  return precision_variant(r.precision);
}

std::string model_label(const std::string& model, const std::string& variant) {
  return variant.empty() ? model : fmt::format("{} ({})", model, variant);
}

std::string record_file_name(const ResultRecord& r) {
  check_name_part("dataset", r.dataset);
  check_name_part("split", r.split);
  check_name_part("task", r.task);
  const std::string variant = record_precision_variant(r);
  const std::string mode = record_job_mode(r) + (variant.empty() ? "" : "-" + variant);
  check_name_part("prompt_mode", mode);
  const std::string prefix = "sha256:";
  const std::string& h = r.checkpoint_hash;
  const bool hex16 = h.size() >= prefix.size() + 16 && h.compare(0, prefix.size(), prefix) == 0 &&
                     std::all_of(h.begin() + prefix.size(), h.end(), [](char c) {
                       return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                     });
  if (!hex16)
    throw ResultsError(fmt::format(
        "result record for {} / {}: checkpoint_hash '{}' is not \"sha256:<hex>\" with at least 16 "
        "hex digits",
        r.dataset, r.task, h));
  return fmt::format("{}__{}__{}__{}__{}.json", r.dataset, r.split, r.task, mode,
                     h.substr(prefix.size(), 16));
}

std::string write_record(const std::string& dir, const ResultRecord& record) {
  const std::string name = record_file_name(record);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw FileError(fmt::format("cannot create the results folder {}: {}", dir, ec.message()));
  const fs::path target = fs::path(dir) / name;
  write_file_atomically(
      target.string(), [&](std::ostream& out) { out << to_json(record).dump(2) << '\n'; },
      "the result record");
  return target.string();
}

bool record_exists(const std::string& dir, const ResultRecord& job, std::string* why) {
  if (why) why->clear();
  std::error_code ec;
  const fs::path path = fs::path(dir) / record_file_name(job);
  if (!fs::is_regular_file(path, ec)) return false;
  ResultRecord done;
  try {
    done = read_record(path.string());
  } catch (const Error& e) {
    // Truncated or invalid: the job is not done; re-running replaces the file.
    if (why) *why = fmt::format("{} is not a readable record ({})", path.string(), e.what());
    return false;
  }
  if (done.dataset_version != job.dataset_version) {
    if (why)
      *why = fmt::format(
          "{} was computed on {} version {}, the catalogue's entry is version {} (its adapter or "
          "split rule changed)",
          path.string(), job.dataset, done.dataset_version, job.dataset_version);
    return false;
  }
  return true;
}

ResultRecord read_record(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw FileError(
        fmt::format("cannot open the result record {}: {}", path, std::strerror(errno)));
  std::stringstream buf;
  buf << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(buf.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw ResultsError(fmt::format("result record {}: not valid JSON (truncated or corrupt?): {}",
                                   path, e.what()));
  }
  return record_from_json(j, path);
}

std::vector<ResultRecord> read_results(const std::string& dir,
                                       std::vector<std::string>* not_records) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw ResultsError(fmt::format("results folder {} does not exist or is not a folder", dir));
  std::vector<std::string> files, others;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!it->is_regular_file(ec)) continue;
    if (looks_like_record_name(name)) {
      files.push_back(name);
    } else if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0 &&
               name != "report.json") {
      others.push_back(name);
    }
  }
  if (ec)
    throw ResultsError(fmt::format("cannot list the results folder {}: {}", dir, ec.message()));
  std::sort(files.begin(), files.end());
  if (not_records) {
    std::sort(others.begin(), others.end());
    *not_records = std::move(others);
  }
  std::vector<ResultRecord> records;
  records.reserve(files.size());
  std::vector<std::string> errors;  // every unreadable record, not just the first
  for (const auto& name : files) {
    try {
      records.push_back(read_record((fs::path(dir) / name).string()));
    } catch (const ResultsError& e) {
      errors.push_back(e.what());
    }
  }
  if (!errors.empty())
    throw ResultsError(fmt::format(
        "{} unreadable result record(s) in {}:\n  {}\nRe-run their jobs (a re-run replaces an "
        "unreadable record) or delete the files.",
        errors.size(), dir, fmt::join(errors, "\n  ")));
  return records;
}

std::string utc_timestamp(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace clipbench::reports
