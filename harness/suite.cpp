// Reading suite files and expanding them into jobs.
#include "harness/suite.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "clip/architecture.h"
#include "clip/errors.h"
#include "clip/open_clip_models.h"
#include "clip/precision.h"
#include "harness/eval_options.h"
#include "harness/suite_tasks.h"

namespace clipbench::harness {
namespace {

namespace fs = std::filesystem;

std::string resolve(const fs::path& base, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

void check_keys(const nlohmann::json& j, const std::set<std::string>& allowed,
                const std::string& where, const std::string& file) {
  for (const auto& item : j.items())
    if (!allowed.count(item.key()))
      throw Error(fmt::format("{}: unknown key '{}' in {} (allowed: {})", file, item.key(), where,
                              fmt::join(allowed, ", ")));
}

template <typename T>
T get(const nlohmann::json& j, const char* key, const T& fallback, const std::string& file) {
  if (!j.contains(key)) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: field '{}' has the wrong type ({})", file, key, e.what()));
  }
}

// One entry of "checkpoints": a path or {"path", "name", "vocab", "model", "pretrained"}; an
// open_clip model is checked for support here, before anything runs.
SuiteCheckpoint read_checkpoint(const nlohmann::json& c, const fs::path& base,
                                const std::string& path) {
  SuiteCheckpoint ck;
  if (c.is_string()) {
    ck.path = resolve(base, c.get<std::string>());
  } else if (c.is_object()) {
    check_keys(c, {"path", "name", "vocab", "model", "pretrained"}, "a checkpoint", path);
    ck.path = resolve(base, get<std::string>(c, "path", "", path));
    ck.name = get<std::string>(c, "name", "", path);
    ck.model = get<std::string>(c, "model", "", path);
    ck.pretrained = get<std::string>(c, "pretrained", "", path);
    for (const char* key : {"model", "pretrained"})
      if (c.contains(key) && c.at(key) == "")
        throw Error(
            fmt::format("{}: checkpoint '{}' is empty (omit it, or name the open_clip "
                        "config / tag)",
                        path, key));
    ck.vocab = resolve(base, get<std::string>(c, "vocab", "", path));
  } else {
    throw Error(fmt::format("{}: a checkpoint is a path or an object", path));
  }
  if (ck.path.empty()) throw Error(fmt::format("{}: a checkpoint has no path", path));
  if (!ck.pretrained.empty() && ck.model.empty())
    throw Error(fmt::format("{}: checkpoint {}: 'pretrained' needs 'model' (the open_clip config)",
                            path, ck.path));
  if (!ck.model.empty()) {
    std::string unsupported;
    try {
      unsupported = open_clip_unsupported(open_clip_model_cfg(ck.model, ck.pretrained));
      if (unsupported.empty() && !ck.pretrained.empty())
        unsupported =
            open_clip_preprocess_unsupported(open_clip_pretrained(ck.model, ck.pretrained));
    } catch (const RegistryError& e) {
      throw Error(fmt::format("{}: checkpoint {}: {}", path, ck.path, e.what()));
    }
    if (!unsupported.empty())
      throw Error(
          fmt::format("{}: checkpoint {}: model {}{} is not implemented: {} (see "
                      "`clipbench models`)",
                      path, ck.path, ck.model,
                      ck.pretrained.empty() ? "" : " --pretrained " + ck.pretrained, unsupported));
  }
  std::error_code ec;
  if (!fs::exists(ck.path, ec))
    throw FileError(fmt::format("{}: checkpoint {} does not exist", path, ck.path));
  return ck;
}

// "tasks" (names of suite_tasks(), each once, fp32-only ones only with precision fp32) and the
// few_shot fields "shots" and "seeds", into s.
void read_tasks(const nlohmann::json& j, const std::string& path, Suite& s) {
  s.tasks = get<std::vector<std::string>>(j, "tasks", s.tasks, path);
  if (s.tasks.empty()) throw Error(fmt::format("{}: 'tasks' must name at least one task", path));
  for (const auto& t : s.tasks) {
    const SuiteTask* task = nullptr;
    try {
      task = &suite_tasks().at(t);
    } catch (const RegistryError& e) {
      throw Error(fmt::format("{}: field 'tasks': {}", path, e.what()));
    }
    if (std::count(s.tasks.begin(), s.tasks.end(), t) > 1)
      throw Error(fmt::format("{}: field 'tasks' names '{}' twice", path, t));
    if (task->fp32_features && s.precision != "fp32")
      throw Error(fmt::format(
          "{}: precision '{}' with task {}: probes extract fp32 features (records in fp64); run "
          "the probes in a suite with precision fp32",
          path, s.precision, t));
  }
  s.shots = get<std::vector<int>>(j, "shots", s.shots, path);
  s.seeds = get<int64_t>(j, "seeds", s.seeds, path);
  if (s.shots.empty() || *std::min_element(s.shots.begin(), s.shots.end()) < 1)
    throw Error(fmt::format("{}: 'shots' must list examples per class, each 1 or more", path));
  if (s.seeds < 1 || s.seeds > 1000)
    throw Error(fmt::format("{}: 'seeds' is {}, expected 1 to 1000", path, s.seeds));
  for (const char* key : {"shots", "seeds"})
    if (j.contains(key) && std::find(s.tasks.begin(), s.tasks.end(), "few_shot") == s.tasks.end())
      throw Error(
          fmt::format("{}: '{}' is given but 'tasks' has no few_shot (the only task that "
                      "reads it)",
                      path, key));
}

// "datasets": ids, "all", or {"id", "data_root", "split"}; each gets the suite's data_root unless
// it has its own.
void read_datasets(const nlohmann::json& j, const fs::path& base, const std::string& path,
                   Suite& s) {
  if (!j.contains("datasets") || !j["datasets"].is_array() || j["datasets"].empty())
    throw Error(fmt::format("{}: 'datasets' must be a non-empty array", path));
  for (const auto& d : j["datasets"]) {
    SuiteDataset ds;
    if (d.is_string()) {
      ds.id = d.get<std::string>();
    } else if (d.is_object()) {
      check_keys(d, {"id", "data_root", "split"}, "a dataset", path);
      ds.id = get<std::string>(d, "id", "", path);
      ds.data_root = resolve(base, get<std::string>(d, "data_root", "", path));
      ds.split = get<std::string>(d, "split", "", path);
    } else {
      throw Error(fmt::format("{}: a dataset is an id or an object", path));
    }
    if (ds.data_root.empty()) ds.data_root = s.data_root;
    if (ds.data_root.empty())
      throw Error(fmt::format("{}: dataset '{}' has no data_root (set one for the suite or for it)",
                              path, ds.id));
    for (const auto& id : parse_dataset_ids({ds.id})) {
      SuiteDataset each = ds;
      each.id = id;
      s.datasets.push_back(each);
    }
  }
}

}  // namespace

Suite load_suite(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw FileError(fmt::format("{}: cannot open the suite file", path));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: not valid JSON ({})", path, e.what()));
  }
  if (!j.is_object()) throw Error(fmt::format("{}: a suite is a JSON object", path));
  check_keys(j,
             {"schema_version", "name", "description", "out", "data_root", "device", "batch_size",
              "threads", "limit", "precision", "prompts", "tasks", "shots", "seeds", "checkpoints",
              "datasets"},
             "the suite", path);
  const fs::path base = fs::absolute(path).parent_path();
  Suite s;
  s.schema_version = get<int>(j, "schema_version", 1, path);
  if (s.schema_version != 1)
    throw Error(fmt::format("{}: schema_version {} is not supported (this clipbench reads 1)", path,
                            s.schema_version));
  s.name = get<std::string>(j, "name", fs::path(path).stem().string(), path);
  s.out = resolve(base, get<std::string>(j, "out", "results", path));
  s.data_root = resolve(base, get<std::string>(j, "data_root", "", path));
  s.device = get<std::string>(j, "device", "cpu", path);
  if (s.device != "cpu" && s.device != "cuda")
    throw Error(fmt::format("{}: device '{}' (expected cpu or cuda)", path, s.device));
  s.batch_size = get<int64_t>(j, "batch_size", 64, path);
  if (s.batch_size < 1) throw Error(fmt::format("{}: batch_size must be at least 1", path));
  s.threads = get<int64_t>(j, "threads", 0, path);
  s.limit = get<int64_t>(j, "limit", 0, path);
  if (s.threads < 0 || s.limit < 0)
    throw Error(fmt::format("{}: 'threads' ({}) and 'limit' ({}) must be 0 or more", path,
                            s.threads, s.limit));
  s.precision = get<std::string>(j, "precision", s.precision, path);
  try {
    s.precision = precision_named(s.precision).name;
  } catch (const RegistryError& e) {
    throw Error(fmt::format("{}: field 'precision': {}", path, e.what()));
  }
  if (s.device == "cpu" && !precision_named(s.precision).cpu_supported)
    throw Error(fmt::format(
        "{}: field 'precision': {} needs \"device\": \"cuda\" (LibTorch has no CPU kernels for "
        "it); use fp32 or bf16 on the CPU",
        path, s.precision));
  s.prompts = parse_prompt_modes(get<std::vector<std::string>>(j, "prompts", s.prompts, path));
  read_tasks(j, path, s);

  if (!j.contains("checkpoints") || !j["checkpoints"].is_array() || j["checkpoints"].empty())
    throw Error(fmt::format("{}: 'checkpoints' must be a non-empty array", path));
  for (const auto& c : j["checkpoints"]) s.checkpoints.push_back(read_checkpoint(c, base, path));
  read_datasets(j, base, path, s);
  return s;
}

std::vector<SuiteJob> suite_jobs(const Suite& suite) {
  std::vector<SuiteJob> jobs;
  for (size_t c = 0; c < suite.checkpoints.size(); ++c)
    for (size_t d = 0; d < suite.datasets.size(); ++d)
      for (const auto& t : suite.tasks) jobs.push_back({c, d, t});
  return jobs;
}

}  // namespace clipbench::harness
