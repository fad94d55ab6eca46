// The "filelist" format: <root>/<split>.csv with `path,label` rows, classes from classes.txt.
#include "datasets/filelist.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

namespace clipbench::datasets {
namespace {

namespace fs = std::filesystem;

// Splits one CSV line into fields (RFC 4180 quoting within a line). Returns false for an
// unterminated quote or text after a closing quote.
bool split_csv_line(const std::string& line, std::vector<std::string>& fields) {
  fields.assign(1, "");
  size_t i = 0;
  bool at_field_start = true;
  while (i < line.size()) {
    const char c = line[i];
    if (at_field_start && c == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) return false;  // unterminated quote
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            fields.back() += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        fields.back() += line[i++];
      }
      if (i < line.size() && line[i] != ',') return false;
      at_field_start = false;
      continue;
    }
    if (c == ',') {
      fields.emplace_back();
      at_field_start = true;
    } else {
      fields.back() += c;
      at_field_start = false;
    }
    ++i;
  }
  return true;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class FileListDataset : public Dataset {
 public:
  FileListDataset(std::string dataset, std::string source, std::vector<std::string> classes,
                  std::vector<std::pair<std::string, int64_t>> items)
      : dataset_(std::move(dataset)),
        source_(std::move(source)),
        classes_(std::move(classes)),
        items_(std::move(items)) {}

  size_t size() const override { return items_.size(); }

  Sample get(size_t index) const override {
    if (index >= items_.size())
      throw DatasetError(fmt::format("{}: sample {} is out of range (the split has {})", dataset_,
                                     index, items_.size()));
    Sample s;
    s.name = items_[index].first;
    s.path = items_[index].first;
    s.label = items_[index].second;
    std::error_code ec;
    if (!fs::is_regular_file(s.path, ec))
      throw DatasetError(
          fmt::format("{}: the image {} listed in {} is missing", dataset_, s.path, source_));
    return s;
  }

  const std::vector<std::string>& classes() const override { return classes_; }
  std::string source() const override { return source_; }

 private:
  std::string dataset_;
  std::string source_;
  std::vector<std::string> classes_;
  std::vector<std::pair<std::string, int64_t>> items_;
};

std::vector<std::string> read_classes_txt(const fs::path& path, const std::string& dataset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DatasetError(fmt::format("{}: cannot open {}", dataset, path.string()));
  std::vector<std::string> classes;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      // Only a final newline may leave an empty last line.
      if (in.peek() == std::char_traits<char>::eof()) break;
      throw DatasetError(fmt::format("{}: {} line {} is empty, expected a class name", dataset,
                                     path.string(), number));
    }
    classes.push_back(line);
  }
  if (classes.empty())
    throw DatasetError(fmt::format("{}: {} lists no class", dataset, path.string()));
  return classes;
}

}  // namespace

std::unique_ptr<Dataset> open_filelist(const OpenRequest& request) {
  const std::string dataset = request.dataset.empty() ? "filelist" : request.dataset;
  const fs::path root(request.root);
  const fs::path csv = root / (request.split + ".csv");
  std::error_code ec;
  if (!fs::is_regular_file(csv, ec))
    throw DatasetError(fmt::format(
        "{}: the split file {} does not exist (filelist expects <root>/<split>.csv with a "
        "'path,label' header)",
        dataset, csv.string()));

  std::vector<std::string> classes;
  const fs::path classes_txt = root / "classes.txt";
  if (fs::is_regular_file(classes_txt, ec)) {
    classes = read_classes_txt(classes_txt, dataset);
    if (!request.class_names.empty() && classes.size() != request.class_names.size())
      throw DatasetError(fmt::format("{}: {} lists {} classes, expected {}", dataset,
                                     classes_txt.string(), classes.size(),
                                     request.class_names.size()));
  } else if (!request.class_names.empty()) {
    classes = request.class_names;
  } else {
    throw DatasetError(fmt::format(
        "{}: no class names for {}: expected {} (one name per line) or a catalogue entry's prompts",
        dataset, csv.string(), classes_txt.string()));
  }

  std::ifstream in(csv, std::ios::binary);
  if (!in) throw DatasetError(fmt::format("{}: cannot open {}", dataset, csv.string()));
  std::string line;
  if (!std::getline(in, line))
    throw DatasetError(
        fmt::format("{}: {} is empty, expected the header 'path,label'", dataset, csv.string()));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // UTF-8 BOM
  if (line != "path,label")
    throw DatasetError(fmt::format("{}: {} line 1 is '{}', expected the header 'path,label'",
                                   dataset, csv.string(), line));

  std::vector<std::pair<std::string, int64_t>> items;
  std::vector<std::string> fields;
  size_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::string at = fmt::format("{}: {} line {}", dataset, csv.string(), number);
    if (!split_csv_line(line, fields) || fields.size() != 2 || fields[0].empty() ||
        fields[1].empty())
      throw DatasetError(
          fmt::format("{}: '{}' is not a row 'path,label' (two non-empty fields)", at, line));
    int64_t label = -1;
    const std::string& value = fields[1];
    if (all_digits(value)) {
      if (value.size() > 18 || std::stoll(value) >= static_cast<int64_t>(classes.size()))
        throw DatasetError(fmt::format("{}: label {} is out of range, expected 0..{} ({} classes)",
                                       at, value, classes.size() - 1, classes.size()));
      label = std::stoll(value);
    } else {
      const auto first = std::find(classes.begin(), classes.end(), value);
      if (first == classes.end())
        throw DatasetError(
            fmt::format("{}: label '{}' is not a class name (and not a class index 0..{})", at,
                        value, classes.size() - 1));
      if (std::find(first + 1, classes.end(), value) != classes.end())
        throw DatasetError(fmt::format(
            "{}: label '{}' names more than one class; use the class index", at, value));
      label = first - classes.begin();
    }
    fs::path image(fields[0]);
    if (image.is_relative()) image = root / image;
    if (!fs::is_regular_file(image, ec))
      throw DatasetError(fmt::format("{}: the image {} does not exist", at, image.string()));
    items.emplace_back(image.string(), label);
  }
  if (in.bad()) throw DatasetError(fmt::format("{}: cannot read {}", dataset, csv.string()));
  if (items.empty())
    throw DatasetError(
        fmt::format("{}: {} lists no image (expected rows 'path,label')", dataset, csv.string()));
  return std::make_unique<FileListDataset>(dataset, csv.string(), std::move(classes),
                                           std::move(items));
}

}  // namespace clipbench::datasets
