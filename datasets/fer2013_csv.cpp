// FER2013 CSV files parsed at open into mode L 48x48 pixel records.
#include "datasets/fer2013_csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "datasets/binary_files.h"
#include "datasets/pixel_records.h"

namespace clipbench::datasets {
namespace {

constexpr int kSide = 48;

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\"");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\"\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// The records of a split, with sample names that carry the CSV line.
class Fer2013Dataset : public PixelRecordDataset {
 public:
  Fer2013Dataset(std::string source, std::vector<std::string> classes, std::vector<int64_t> labels,
                 MemoryRecords records, std::string file, std::vector<size_t> lines)
      : PixelRecordDataset(std::move(source),
                           PixelFormat{kSide, kSide, ImageMode::kL, PixelLayout::kInterleaved},
                           std::move(classes), std::move(labels), {records}, {}),
        file_(std::move(file)),
        lines_(std::move(lines)) {}
  Sample get(size_t index) const override {
    Sample s = PixelRecordDataset::get(index);
    s.name = fmt::format("{}:line {}", file_, lines_[index]);
    return s;
  }

 private:
  std::string file_;
  std::vector<size_t> lines_;
};

}  // namespace

std::unique_ptr<Dataset> open_fer2013_csv(const OpenRequest& request) {
  const std::string dataset = request.dataset.empty() ? "fer2013-csv" : request.dataset;
  std::string path;
  std::string usage;  // the Usage value of the split, or "" for train.csv / test.csv
  for (const char* full : {"fer2013.csv", "icml_face_data.csv"}) {
    if (file_exists(join_path(request.root, full))) {
      path = join_path(request.root, full);
      usage = request.split == "train" ? "Training"
              : request.split == "val" ? "PublicTest"
                                       : "PrivateTest";
      break;
    }
  }
  if (path.empty()) {
    if (request.split == "val") {
      throw DatasetError(fmt::format(
          "{}: the val split (Usage PublicTest) needs {} (or icml_face_data.csv); train.csv and "
          "test.csv have no validation rows",
          dataset, join_path(request.root, "fer2013.csv")));
    }
    path = join_path(request.root, request.split + ".csv");
    if (!file_exists(path)) {
      throw DatasetError(fmt::format("{}: missing file: neither {} nor {} exists", dataset,
                                     join_path(request.root, "fer2013.csv"), path));
    }
  }
  const std::string file = std::filesystem::path(path).filename().string();
  const std::vector<std::string> lines = read_text_lines(dataset, path);
  if (lines.empty()) throw DatasetError(fmt::format("{}: {} is empty", dataset, path));
  const std::vector<std::string> header = split_commas(lines[0]);
  const auto column = [&](const std::string& name, bool required) -> int {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it != header.end()) return static_cast<int>(it - header.begin());
    if (required) {
      throw DatasetError(fmt::format(
          "{}: {}: no '{}' column in the header ({}){}", dataset, path, name, lines[0],
          name == "emotion" ? "; the Kaggle challenge's test.csv has no labels: use fer2013.csv"
                            : ""));
    }
    return -1;
  };
  const int emotion_col = column("emotion", true);
  const int pixels_col = column("pixels", true);
  const int usage_col = column("Usage", !usage.empty());

  auto pixels = std::make_shared<std::vector<uint8_t>>();
  std::vector<int64_t> labels;
  std::vector<size_t> line_numbers;
  const size_t needed = static_cast<size_t>(std::max({emotion_col, pixels_col, usage_col})) + 1;
  for (size_t n = 1; n < lines.size(); ++n) {
    if (lines[n].empty()) continue;
    const std::vector<std::string> cells = split_commas(lines[n]);
    const std::string where = fmt::format("{} line {}", path, n + 1);
    if (cells.size() < needed) {
      throw DatasetError(fmt::format("{}: {}: {} cells, expected {} ({})", dataset, where,
                                     cells.size(), header.size(), lines[0]));
    }
    if (usage_col >= 0 && !usage.empty() && cells[usage_col] != usage) continue;
    int64_t label = 0;
    const std::string& e = cells[emotion_col];
    if (e.empty() || e.size() > 9 || e.find_first_not_of("0123456789") != std::string::npos) {
      throw DatasetError(
          fmt::format("{}: {}: emotion '{}' is not a non-negative integer", dataset, where, e));
    }
    label = std::stoll(e);
    labels.push_back(label);
    line_numbers.push_back(n + 1);
    const std::string& p = cells[pixels_col];
    size_t count = 0, i = 0;
    while (i < p.size()) {
      while (i < p.size() && p[i] == ' ') ++i;
      if (i == p.size()) break;
      int value = 0, digits = 0;
      while (i < p.size() && p[i] >= '0' && p[i] <= '9' && digits < 4) {
        value = value * 10 + (p[i++] - '0');
        ++digits;
      }
      if (digits == 0 || value > 255 || (i < p.size() && p[i] != ' ')) {
        throw DatasetError(fmt::format(
            "{}: {}: pixel {} is not an integer in 0..255 (expected {} space-separated values)",
            dataset, where, count, kSide * kSide));
      }
      pixels->push_back(static_cast<uint8_t>(value));
      ++count;
    }
    if (count != kSide * kSide) {
      throw DatasetError(fmt::format("{}: {}: {} pixel values, expected {} (48 x 48)", dataset,
                                     where, count, kSide * kSide));
    }
  }
  const int64_t max_label = labels.empty() ? -1 : *std::max_element(labels.begin(), labels.end());
  const std::vector<std::string> classes =
      choose_class_names(dataset, {}, "", request.class_names, max_label + 1);
  for (size_t i = 0; i < labels.size(); ++i) {
    check_label(dataset, fmt::format("{} line {}", path, line_numbers[i]), labels[i],
                classes.size());
  }
  MemoryRecords records;
  records.name = file;
  records.owner = pixels;
  records.data = pixels->data();
  records.count = labels.size();
  return std::make_unique<Fer2013Dataset>(path + " (" + request.split + ")", classes,
                                          std::move(labels), records, file,
                                          std::move(line_numbers));
}

}  // namespace clipbench::datasets
