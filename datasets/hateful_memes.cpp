// Hateful Memes: JSON-lines annotations naming PNG images.
#include "datasets/hateful_memes.h"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "datasets/special_support.h"

namespace clipbench::datasets {

namespace fs = std::filesystem;
using special::FileEntry;

std::unique_ptr<Dataset> open_hateful_memes(const OpenRequest& request) {
  const std::string ds = special::dataset_label(request, "hateful-memes");
  const fs::path root(request.root);
  special::require_path(ds, root, "the hateful_memes folder");
  std::vector<std::string> classes = request.class_names;
  if (classes.empty()) classes = {"not hateful", "hateful"};
  special::check_class_count(ds, root.string(), 2, classes);

  fs::path file;
  if (request.split == "train") {
    file = root / "train.jsonl";
  } else if (request.split == "test" || request.split == "dev") {
    file = root / "dev.jsonl";
    if (!fs::exists(file) && fs::exists(root / "dev_seen.jsonl")) file = root / "dev_seen.jsonl";
  } else {
    throw DatasetError(
        fmt::format("{}: unknown split '{}' (expected train, test, dev)", ds, request.split));
  }
  special::require_path(ds, file, "the JSON-lines annotations of the split");

  std::vector<FileEntry> entries;
  const auto lines = special::read_lines(ds, file);
  for (size_t n = 0; n < lines.size(); ++n) {
    if (lines[n].find_first_not_of(" \t") == std::string::npos) continue;
    const std::string where = fmt::format("{}:{}", file.string(), n + 1);
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(lines[n]);
    } catch (const nlohmann::json::exception& e) {
      throw DatasetError(fmt::format("{}: {} is not a JSON object: {}", ds, where, e.what()));
    }
    if (!j.is_object() || !j.contains("img") || !j["img"].is_string() || !j.contains("label") ||
        !j["label"].is_number_integer()) {
      throw DatasetError(fmt::format(
          "{}: {} lacks \"img\" (a string) or \"label\" (an integer 0 or 1)", ds, where));
    }
    FileEntry e;
    e.path = (root / j["img"].get<std::string>()).string();
    e.label = j["label"].get<int64_t>();
    special::check_label(ds, where, j["img"].get<std::string>(), e.label, classes.size());
    special::require_image(ds, where, e.path);
    entries.push_back(std::move(e));
  }
  return std::make_unique<special::FileListDataset>(file.string(), std::move(classes),
                                                    std::move(entries));
}

}  // namespace clipbench::datasets
