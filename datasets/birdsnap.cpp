// Birdsnap v1.1 as distributed (birdsnap.tgz) with the images its get_birdsnap.py downloaded.
#include "datasets/birdsnap.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <set>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {
namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const auto tab = line.find('\t', start);
    fields.push_back(
        line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

size_t column(const std::string& dataset, const std::string& file,
              const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  throw DatasetError(fmt::format("{}: {}: the header line has no column '{}' (it has: {})", dataset,
                                 file, name, fmt::join(header, ", ")));
}

int64_t parse_id(const std::string& dataset, const std::string& origin, const std::string& text,
                 int64_t max) {
  size_t used = 0;
  int64_t id = 0;
  try {
    id = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || id < 1 || id > max) {
    throw DatasetError(
        fmt::format("{}: {}: species id '{}' is not in [1, {}]", dataset, origin, text, max));
  }
  return id;
}

}  // namespace

std::unique_ptr<Dataset> open_birdsnap(const OpenRequest& request) {
  const std::string name = dataset_name(request, "birdsnap");
  const fs::path root(request.root);
  require_directory(name, root.string(), "the Birdsnap folder");

  const std::string species_file = (root / "species.txt").string();
  const auto species_lines =
      read_text_lines(name, species_file, "a header line, then 'id common scientific dir' lines");
  if (species_lines.empty()) {
    throw DatasetError(fmt::format("{}: {} is empty", name, species_file));
  }
  const auto species_header = split_tabs(species_lines[0].text);
  const size_t id_col = column(name, species_file, species_header, "id");
  const size_t common_col = column(name, species_file, species_header, "common");
  std::vector<std::string> classes(species_lines.size() - 1);
  for (size_t i = 1; i < species_lines.size(); ++i) {
    const auto& line = species_lines[i];
    const std::string origin =
        fmt::format("{}:{} entry '{}'", species_file, line.number, line.text);
    const auto fields = split_tabs(line.text);
    if (fields.size() != species_header.size()) {
      throw DatasetError(fmt::format("{}: {}: expected {} tab-separated fields", name, origin,
                                     species_header.size()));
    }
    const int64_t id = parse_id(name, origin, fields[id_col], static_cast<int64_t>(classes.size()));
    if (!classes[static_cast<size_t>(id - 1)].empty()) {
      throw DatasetError(fmt::format("{}: {}: species id {} occurs twice", name, origin, id));
    }
    classes[static_cast<size_t>(id - 1)] = fields[common_col];
  }
  check_class_count(request, "birdsnap", classes, species_file);

  const std::string images_file = (root / "images.txt").string();
  const auto image_lines =
      read_text_lines(name, images_file, "a header line, then tab-separated image lines");
  if (image_lines.empty()) throw DatasetError(fmt::format("{}: {} is empty", name, images_file));
  const auto header = split_tabs(image_lines[0].text);
  const size_t path_col = column(name, images_file, header, "path");
  const size_t species_col = column(name, images_file, header, "species_id");
  struct Listed {
    int64_t label;
    std::string origin;
  };
  std::map<std::string, Listed> listed;
  std::vector<std::string> listed_order;
  for (size_t i = 1; i < image_lines.size(); ++i) {
    const auto& line = image_lines[i];
    const auto fields = split_tabs(line.text);
    const std::string origin = fmt::format("{}:{}", images_file, line.number);
    if (fields.size() <= std::max(path_col, species_col)) {
      throw DatasetError(
          fmt::format("{}: {}: expected {} tab-separated fields", name, origin, header.size()));
    }
    const std::string& path = fields[path_col];
    const int64_t id = parse_id(name, fmt::format("{} entry '{}'", origin, path),
                                fields[species_col], static_cast<int64_t>(classes.size()));
    if (!listed.emplace(path, Listed{id - 1, fmt::format("{} entry '{}'", origin, path)}).second) {
      throw DatasetError(fmt::format("{}: {}: path '{}' is listed twice", name, origin, path));
    }
    listed_order.push_back(path);
  }

  const std::string test_file = (root / "test_images.txt").string();
  const auto test_lines = read_text_lines(name, test_file, "a header line 'path', then paths");
  std::set<std::string> test_paths;
  std::vector<LabelledFile> test_files;
  for (size_t i = 1; i < test_lines.size(); ++i) {
    const auto& line = test_lines[i];
    const std::string origin = fmt::format("{}:{} entry '{}'", test_file, line.number, line.text);
    const auto it = listed.find(line.text);
    if (it == listed.end()) {
      throw DatasetError(fmt::format("{}: {}: the path is not in {}", name, origin, images_file));
    }
    test_paths.insert(line.text);
    test_files.push_back(
        {(root / "download" / "images" / line.text).string(), it->second.label, origin});
  }

  const bool test = request.split.rfind("test", 0) == 0;
  const bool downloaded_only = request.split.find("_downloaded") != std::string::npos;
  std::vector<LabelledFile> files;
  if (test) {
    files = std::move(test_files);
  } else {
    for (const auto& path : listed_order) {
      if (test_paths.count(path) != 0) continue;
      const Listed& l = listed.at(path);
      files.push_back({(root / "download" / "images" / path).string(), l.label, l.origin});
    }
  }
  std::string source = test ? test_file : images_file + " (without test_images.txt)";
  if (downloaded_only) {
    const size_t total = files.size();
    std::vector<LabelledFile> present;
    std::error_code ec;
    for (auto& f : files) {
      if (fs::is_regular_file(f.path, ec)) present.push_back(std::move(f));
    }
    files = std::move(present);
    source += fmt::format(": {} of {} listed images downloaded under {}", files.size(), total,
                          (root / "download" / "images").string());
  }
  return std::make_unique<LabelledFiles>(name, source, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
