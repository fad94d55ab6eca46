// `clipbench datasets`: the dataset catalogue (metric, class counts, splits, expected layouts) and,
// with --data-root, where each dataset was found.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "clip/errors.h"
#include "datasets/catalogue.h"
#include "datasets/format_registry.h"
#include "harness/cli_commands.h"

namespace clipbench::cli {
namespace {

namespace ds = clipbench::datasets;

struct DatasetsOptions {
  std::string data_root;
  std::string catalogue_dir;
  bool json = false;
};

std::string layout_text(const ds::Layout& l) { return l.format + ":" + l.path; }

nlohmann::json to_json(const ds::DatasetInfo& d, const std::optional<std::string>& data_root) {
  nlohmann::json j;
  j["id"] = d.id;
  j["display_name"] = d.display_name;
  j["metric"] = d.metric;
  j["num_classes"] = d.num_classes;
  j["prompt_classes"] = d.prompt_classes;
  j["class_count_note"] = d.class_count_note;
  j["splits"] = d.splits;
  j["eval_split"] = d.eval_split;
  j["probe_train_split"] = d.probe_train_split;
  j["probe_val_split"] = d.probe_val_split;
  j["probe_val_rule"] = d.probe_val_rule;
  j["split_note"] = d.split_note;
  j["source"] = d.source;
  j["from_paper"] = d.from_paper;
  if (!d.prompts.empty()) j["prompts"] = d.prompts;
  nlohmann::json layouts = nlohmann::json::array();
  for (const auto& l : d.layouts) {
    const bool available = ds::layout_available(l);
    layouts.push_back({{"format", l.format},
                       {"path", l.path},
                       {"available", available},
                       {"description", available ? ds::dataset_format(l.format).description : ""}});
  }
  j["layouts"] = layouts;
  if (data_root) {
    const auto found = ds::find_layout(d, *data_root);
    j["found"] = found ? nlohmann::json{{"format", found->format},
                                        {"path", ds::layout_root(*found, *data_root)}}
                       : nlohmann::json(nullptr);
  }
  return j;
}

// Left-aligned columns separated by two spaces; the last column is not padded.
std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      if (c + 1 == row.size())
        line += row[c];
      else
        line += fmt::format("{:<{}}  ", row[c], width[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string human(const ds::Catalogue& catalogue, const std::optional<std::string>& data_root) {
  const auto ids = catalogue.ids();
  std::string out = fmt::format(
      "{} catalogued datasets (Table 9 order, then aYahoo, Fashion-MNIST, then user entries){}\n\n",
      ids.size(), data_root ? "; searched under " + *data_root : "");
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"id", "name", "metric", "classes", "splits", "layouts"};
  if (data_root) header.push_back("found");
  rows.push_back(header);
  std::vector<std::string> notes;
  std::vector<std::string> formats;  // in first-use order
  size_t found_count = 0;
  for (const auto& id : ids) {
    const ds::DatasetInfo& d = catalogue.info(id);
    std::string classes = std::to_string(d.num_classes);
    if (d.prompt_classes != d.num_classes) {
      classes += fmt::format(" (prompts {})*", d.prompt_classes);
      notes.push_back(fmt::format("  {}: Table 9 {}, prompts {}: {}", id, d.num_classes,
                                  d.prompt_classes, d.class_count_note));
    }
    std::vector<std::string> layouts;
    for (const auto& l : d.layouts) {
      layouts.push_back(layout_text(l));
      if (std::find(formats.begin(), formats.end(), l.format) == formats.end())
        formats.push_back(l.format);
    }
    std::vector<std::string> row = {id,
                                    d.display_name + (d.from_paper ? "" : " (not in paper)"),
                                    d.metric,
                                    classes,
                                    fmt::format("{}", fmt::join(d.splits, ",")),
                                    fmt::format("{}", fmt::join(layouts, ", "))};
    if (data_root) {
      const auto found = ds::find_layout(d, *data_root);
      if (found) ++found_count;
      row.push_back(found
                        ? fmt::format("{} ({})", ds::layout_root(*found, *data_root), found->format)
                        : "not found");
    }
    rows.push_back(row);
  }
  out += table(rows);
  if (data_root)
    out += fmt::format("\nfound {} of {} under {}\n", found_count, ids.size(), *data_root);
  if (!notes.empty())
    out += "\n* class counts (Table 9 vs prompts):\n" + fmt::format("{}\n", fmt::join(notes, "\n"));
  out += "\nLayout formats (layout paths are relative to --data-root):\n";
  std::vector<std::vector<std::string>> format_rows;
  for (const auto& f : formats) {
    const bool available = ds::layout_available(ds::Layout{f, ""});
    format_rows.push_back({"  " + f, available ? ds::dataset_format(f).description
                                               : "(not available in this build)"});
  }
  out += table(format_rows);
  return out;
}

void run_datasets(const DatasetsOptions& opt) {
  std::optional<std::string> data_root;
  if (!opt.data_root.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(opt.data_root, ec))
      throw FileError(
          fmt::format("--data-root {}: no such folder (expected the folder holding the datasets)",
                      opt.data_root));
    data_root = opt.data_root;
  }
  const ds::Catalogue catalogue = opt.catalogue_dir.empty()
                                      ? ds::Catalogue::builtin()
                                      : ds::Catalogue::with_user_dir(opt.catalogue_dir);
  if (opt.json) {
    nlohmann::json j;
    if (data_root) j["data_root"] = *data_root;
    j["datasets"] = nlohmann::json::array();
    for (const auto& id : catalogue.ids())
      j["datasets"].push_back(to_json(catalogue.info(id), data_root));
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << human(catalogue, data_root);
  }
  std::cout.flush();
}

}  // namespace

void add_datasets_command(CLI::App& app) {
  auto opt = std::make_shared<DatasetsOptions>();
  auto* cmd = app.add_subcommand(
      "datasets",
      "List the catalogued datasets: id, name, Table 9 metric and class count, splits, the "
      "on-disk layouts read (format and path under --data-root) and, with --data-root, where "
      "each was found");
  cmd->add_option("--data-root", opt->data_root,
                  "Folder holding the datasets (each layout's path is relative to it); shows "
                  "where each dataset was found")
      ->type_name("DIR");
  cmd->add_option(
         "--catalogue-dir", opt->catalogue_dir,
         "Folder of extra catalogue entries (<id>.json, schema of "
         "datasets/catalogue/*.json, with a \"prompts\" file) listed after the built-in ones")
      ->type_name("DIR");
  cmd->add_flag("--json", opt->json, "Print JSON instead of a table");
  cmd->callback([opt] { run_datasets(*opt); });
}

}  // namespace clipbench::cli
