// The dataset catalogue: embedded entries (datasets/catalogue/*.json), user entries, lookups and
// opening a catalogued dataset under a data root.
#include "datasets/catalogue.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "clip/errors.h"
#include "datasets/embedded_files.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Field access with errors naming the entry and the field.
class Fields {
 public:
  Fields(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

  const json* find(const char* key) const {
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw DatasetError(fmt::format("{}: {}", where_, what));
  }
  const json& require(const char* key, const char* expected) const {
    const json* v = find(key);
    if (!v) fail(fmt::format("missing field '{}' (expected {})", key, expected));
    return *v;
  }
  std::string str(const char* key, bool required = true) const {
    const json* v = required ? &require(key, "a non-empty string") : find(key);
    if (!v) return "";
    if (!v->is_string()) fail(fmt::format("field '{}' is {}, expected a string", key, v->dump()));
    std::string s = v->get<std::string>();
    if (required && s.empty())
      fail(fmt::format("field '{}' is empty, expected a non-empty string", key));
    return s;
  }
  int64_t positive(const char* key) const {
    const json& v = require(key, "a positive integer");
    if (!v.is_number_integer() || v.get<int64_t>() <= 0)
      fail(fmt::format("field '{}' is {}, expected a positive integer", key, v.dump()));
    return v.get<int64_t>();
  }
  bool boolean(const char* key) const {
    const json& v = require(key, "true or false");
    if (!v.is_boolean())
      fail(fmt::format("field '{}' is {}, expected true or false", key, v.dump()));
    return v.get<bool>();
  }
  std::vector<std::string> strings(const char* key) const {
    const json& v = require(key, "a non-empty array of strings");
    if (!v.is_array() || v.empty())
      fail(fmt::format("field '{}' is {}, expected a non-empty array of strings", key, v.dump()));
    std::vector<std::string> out;
    for (const auto& s : v) {
      if (!s.is_string() || s.get<std::string>().empty())
        fail(fmt::format("field '{}' holds {}, expected non-empty strings", key, s.dump()));
      if (std::find(out.begin(), out.end(), s.get<std::string>()) != out.end())
        fail(fmt::format("field '{}' lists {} twice", key, s.dump()));
      out.push_back(s.get<std::string>());
    }
    return out;
  }

 private:
  const json& j_;
  std::string where_;
};

bool list_contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string read_text(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(fmt::format("cannot open the {} {}", what, path));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) throw FileError(fmt::format("cannot read the {} {}", what, path));
  return text.str();
}

// datasets/catalogue_order.json: the ids in catalogue order.
std::vector<std::string> catalogue_order() {
  const auto& files = detail::embedded_catalogue_order_files();
  if (files.size() != 1)
    throw DatasetError("datasets/catalogue_order.json: expected exactly one embedded order file");
  const std::string where = "datasets/catalogue_order.json";
  json j;
  try {
    j = json::parse(files.front().text);
  } catch (const json::parse_error& e) {
    throw DatasetError(fmt::format("{}: not valid JSON: {}", where, e.what()));
  }
  const Fields f(j, where);
  if (f.require("schema_version", "the integer 1") != 1)
    f.fail("schema_version is not supported (expected 1)");
  return f.strings("ids");
}

}  // namespace

const std::vector<std::string>& catalogue_metrics() {
  static const std::vector<std::string> kMetrics = {"accuracy", "mean_per_class_recall",
                                                    "11_point_map", "mean_top1_top5", "roc_auc"};
  return kMetrics;
}

DatasetInfo parse_dataset_info(const std::string& text, const std::string& where) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw DatasetError(fmt::format("{}: not valid JSON: {}", where, e.what()));
  }
  if (!j.is_object()) throw DatasetError(where + ": expected a JSON object");
  const Fields f(j, where);
  static const std::set<std::string> kKeys = {"schema_version",   "id",
                                              "display_name",     "metric",
                                              "num_classes",      "prompt_classes",
                                              "class_count_note", "splits",
                                              "eval_split",       "probe_train_split",
                                              "probe_val_split",  "probe_val_rule",
                                              "split_note",       "layouts",
                                              "source",           "from_paper",
                                              "version",          "prompts"};
  for (const auto& item : j.items()) {
    if (!kKeys.count(item.key()))
      f.fail(fmt::format("unknown field '{}' (schema_version 1 has: {})", item.key(),
                         fmt::join(kKeys, ", ")));
  }
  const json& version = f.require("schema_version", "the integer 1");
  if (!version.is_number_integer() || version != 1)
    f.fail(fmt::format("schema_version {} is not supported (expected 1)", version.dump()));

  DatasetInfo d;
  d.id = f.str("id");
  if (d.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
    f.fail(fmt::format("id '{}' must consist of lower-case letters, digits and '_'", d.id));
  d.display_name = f.str("display_name");
  d.version = f.find("version") ? f.positive("version") : 1;
  d.metric = f.str("metric");
  if (!list_contains(catalogue_metrics(), d.metric))
    f.fail(fmt::format("metric '{}' is not one of {}", d.metric,
                       fmt::join(catalogue_metrics(), ", ")));
  d.num_classes = f.positive("num_classes");
  d.prompt_classes = f.positive("prompt_classes");
  d.class_count_note = f.str("class_count_note", false);
  if (d.num_classes != d.prompt_classes && d.class_count_note.empty())
    f.fail(
        fmt::format("num_classes {} differs from prompt_classes {}: class_count_note must say why",
                    d.num_classes, d.prompt_classes));
  d.splits = f.strings("splits");
  d.eval_split = f.str("eval_split");
  if (!list_contains(d.splits, d.eval_split))
    f.fail(fmt::format("eval_split '{}' is not one of the splits ({})", d.eval_split,
                       fmt::join(d.splits, ", ")));
  // Zero-shot-only datasets (aYahoo) have no probe: both probe splits present and empty.
  d.probe_train_split = f.str("probe_train_split", false);
  d.probe_val_split = f.str("probe_val_split", false);
  d.probe_val_rule = f.str("probe_val_rule", false);
  if (!f.find("probe_train_split") || !f.find("probe_val_split"))
    f.fail(
        "missing field 'probe_train_split' or 'probe_val_split' (expected split names, or both "
        "\"\" for a zero-shot-only dataset)");
  if (d.probe_train_split.empty() != d.probe_val_split.empty())
    f.fail(
        fmt::format("probe_train_split '{}' and probe_val_split '{}': give both, or both \"\" "
                    "for a zero-shot-only dataset",
                    d.probe_train_split, d.probe_val_split));
  if (!d.probe_train_split.empty()) {
    if (!list_contains(d.splits, d.probe_train_split))
      f.fail(fmt::format("probe_train_split '{}' is not one of the splits ({})",
                         d.probe_train_split, fmt::join(d.splits, ", ")));
    if (d.probe_val_split != "holdout" && !list_contains(d.splits, d.probe_val_split))
      f.fail(fmt::format("probe_val_split '{}' is neither one of the splits ({}) nor \"holdout\"",
                         d.probe_val_split, fmt::join(d.splits, ", ")));
  }
  if (d.probe_val_split == "holdout" && d.probe_val_rule.empty())
    f.fail("probe_val_split is \"holdout\": probe_val_rule must state the deterministic rule");
  d.split_note = f.str("split_note", false);

  const json& layouts = f.require("layouts", "a non-empty array of {\"format\", \"path\"}");
  if (!layouts.is_array() || layouts.empty())
    f.fail(
        fmt::format("field 'layouts' is {}, expected a non-empty array of {{\"format\", \"path\"}}",
                    layouts.dump()));
  for (size_t i = 0; i < layouts.size(); ++i) {
    const json& l = layouts[i];
    const std::string at = fmt::format("{}: layout {}", where, i);
    if (!l.is_object())
      throw DatasetError(fmt::format("{} is {}, expected an object", at, l.dump()));
    const Fields lf(l, at);
    for (const auto& item : l.items()) {
      if (item.key() != "format" && item.key() != "path")
        lf.fail(fmt::format("unknown field '{}' (expected format, path)", item.key()));
    }
    d.layouts.push_back(Layout{lf.str("format"), lf.str("path")});
  }
  d.source = f.str("source");
  d.from_paper = f.boolean("from_paper");
  d.prompts = f.str("prompts", false);
  return d;
}

void Catalogue::add(DatasetInfo info, std::shared_ptr<const PromptSet> prompts) {
  const std::string id = info.id;
  entries_.add(id, std::move(info));
  prompts_[id] = std::move(prompts);
}

const PromptSet& Catalogue::prompts(const std::string& id) const {
  info(id);  // unknown ids: RegistryError with near matches
  return *prompts_.at(id);
}

const Catalogue& Catalogue::builtin() {
  static const Catalogue instance = [] {
    Catalogue c("catalogued dataset");
    std::map<std::string, DatasetInfo> parsed;
    for (const auto& file : detail::embedded_catalogue_files()) {
      const std::string where = "datasets/catalogue/" + std::string(file.name);
      DatasetInfo info = parse_dataset_info(std::string(file.text), where);
      const std::string stem(file.name.substr(0, file.name.rfind('.')));
      if (info.id != stem)
        throw DatasetError(
            fmt::format("{}: id '{}' differs from the file name '{}'", where, info.id, stem));
      if (!info.prompts.empty())
        throw DatasetError(fmt::format(
            "{}: embedded entries use prompts/{}.json; the 'prompts' field is for user entries",
            where, info.id));
      for (const auto& layout : info.layouts) {
        if (fs::path(layout.path).is_absolute())
          throw DatasetError(fmt::format("{}: layout path '{}' must be relative to the data root",
                                         where, layout.path));
      }
      if (parsed.count(info.id)) throw_duplicate_name("catalogued dataset", info.id);
      parsed.emplace(info.id, std::move(info));
    }
    const std::vector<std::string> order = catalogue_order();
    for (const auto& [id, info] : parsed) {
      if (!list_contains(order, id))
        throw DatasetError(fmt::format(
            "datasets/catalogue/{}.json: id '{}' is missing from datasets/catalogue_order.json", id,
            id));
    }
    for (const auto& id : order) {
      auto it = parsed.find(id);
      if (it == parsed.end()) continue;
      const std::string where = "datasets/catalogue/" + id + ".json";
      const PromptSet* prompts = nullptr;
      try {
        prompts = &prompt_set(id);
      } catch (const RegistryError& e) {
        throw DatasetError(
            fmt::format("{}: no embedded prompts/{}.json ({})", where, id, e.what()));
      }
      if (static_cast<int64_t>(prompts->classes.size()) != it->second.prompt_classes)
        throw DatasetError(
            fmt::format("{}: prompt_classes is {} but prompts/{}.json has {} classes", where,
                        it->second.prompt_classes, id, prompts->classes.size()));
      // The prompt sets are static and never freed: a non-owning pointer.
      c.add(std::move(it->second),
            std::shared_ptr<const PromptSet>(prompts, [](const PromptSet*) {}));
    }
    return c;
  }();
  return instance;
}

Catalogue Catalogue::with_user_dir(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw FileError(fmt::format("catalogue folder {} does not exist or is not a folder", dir));
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json" && entry.is_regular_file())
      files.push_back(entry.path());
  }
  if (ec)
    throw FileError(fmt::format("cannot list the catalogue folder {}: {}", dir, ec.message()));
  std::sort(files.begin(), files.end());

  Catalogue c = builtin();
  for (const auto& file : files) {
    const std::string where = file.string();
    DatasetInfo info = parse_dataset_info(read_text(where, "catalogue entry"), where);
    for (const auto& layout : info.layouts) {
      try {
        dataset_format(layout.format);
      } catch (const RegistryError& e) {
        throw RegistryError(fmt::format("{}: {}", where, e.what()));
      }
    }
    std::shared_ptr<const PromptSet> prompts;
    if (info.prompts.empty()) {
      try {
        prompts = std::shared_ptr<const PromptSet>(&prompt_set(info.id), [](const PromptSet*) {});
      } catch (const RegistryError&) {
        throw DatasetError(fmt::format(
            "{}: no 'prompts' field and no embedded prompts/{}.json: name a prompts file "
            "(prompts/README.md schema) in 'prompts'",
            where, info.id));
      }
    } else {
      fs::path p(info.prompts);
      if (p.is_relative()) p = file.parent_path() / p;
      info.prompts = p.string();
      prompts = std::make_shared<const PromptSet>(load_prompt_set(info.prompts));
    }
    if (static_cast<int64_t>(prompts->classes.size()) != info.prompt_classes)
      throw DatasetError(
          fmt::format("{}: prompt_classes is {} but {} has {} classes", where, info.prompt_classes,
                      info.prompts.empty() ? "prompts/" + info.id + ".json" : info.prompts,
                      prompts->classes.size()));
    try {
      c.add(std::move(info), std::move(prompts));
    } catch (const RegistryError& e) {
      throw RegistryError(fmt::format("{}: {}", where, e.what()));
    }
  }
  return c;
}

bool layout_available(const Layout& layout) {
  const auto names = dataset_format_names();
  return list_contains(names, layout.format);
}

std::string layout_root(const Layout& layout, const std::string& data_root) {
  const fs::path p(layout.path);
  if (p.is_absolute()) return p.string();
  return (fs::path(data_root) / p).string();
}

std::optional<Layout> find_layout(const DatasetInfo& info, const std::string& data_root) {
  for (const auto& layout : info.layouts) {
    std::error_code ec;
    if (layout_available(layout) && fs::exists(layout_root(layout, data_root), ec)) return layout;
  }
  return std::nullopt;
}

std::unique_ptr<Dataset> Catalogue::open(const std::string& id, const std::string& data_root,
                                         const std::string& split) const {
  const DatasetInfo& d = info(id);
  if (!list_contains(d.splits, split))
    throw DatasetError(fmt::format("{}: no split '{}' (the catalogue lists: {})", id, split,
                                   fmt::join(d.splits, ", ")));
  const std::optional<Layout> layout = find_layout(d, data_root);
  if (!layout) {
    std::vector<std::string> looked;
    for (const auto& l : d.layouts) {
      looked.push_back(fmt::format("{} ({}{})", layout_root(l, data_root), l.format,
                                   layout_available(l) ? "" : ", format not in this build"));
    }
    std::error_code ec;
    throw DatasetError(fmt::format("{} ({}): not found under the data root {}{}; looked for: {}",
                                   id, d.display_name, data_root,
                                   fs::is_directory(data_root, ec) ? "" : " (no such folder)",
                                   fmt::join(looked, "; ")));
  }
  OpenRequest request;
  request.dataset = id;
  request.root = layout_root(*layout, data_root);
  request.split = split;
  request.class_names = first_class_names(prompts(id));
  std::unique_ptr<Dataset> dataset = open_format(layout->format, request);
  const size_t expected = request.class_names.size();
  if (dataset->classes().size() != expected)
    throw DatasetError(
        fmt::format("{}: {} ({} format) has {} classes, but the prompts have {} (prompt_classes)",
                    id, dataset->source(), layout->format, dataset->classes().size(), expected));
  return dataset;
}

std::vector<std::string> dataset_ids() { return Catalogue::builtin().ids(); }

const DatasetInfo& dataset_info(const std::string& id) { return Catalogue::builtin().info(id); }

std::unique_ptr<Dataset> open_dataset(const std::string& id, const std::string& data_root,
                                      const std::string& split) {
  return Catalogue::builtin().open(id, data_root, split);
}

}  // namespace clipbench::datasets
