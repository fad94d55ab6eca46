// Image-caption pair sources: in memory, CSV and webdataset tar shards.
#include "train/pairs_source.h"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "clip/errors.h"
#include "clip/image_decode.h"

namespace clipbench::train {

InMemoryPairs::InMemoryPairs(std::vector<Image> images, std::vector<std::string> captions,
                             std::string description)
    : images_(std::move(images)),
      captions_(std::move(captions)),
      description_(std::move(description)) {
  if (images_.size() != captions_.size()) {
    throw Error(fmt::format("in-memory pairs: {} images but {} captions", images_.size(),
                            captions_.size()));
  }
}

ImageCaption InMemoryPairs::get(std::size_t i) const {
  if (i >= images_.size()) {
    throw std::out_of_range(fmt::format("pair {} of {}", i, images_.size()));
  }
  return ImageCaption{images_[i], captions_[i]};
}

std::string InMemoryPairs::describe() const {
  return fmt::format("{} ({} pairs)", description_, images_.size());
}

namespace {

namespace fs = std::filesystem;

// RFC 4180 records of `text`: fields split at commas outside quotes, "" inside quotes is a quote,
// records end at a newline (CRLF or LF) outside quotes. Each record keeps its 1-based first line.
struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;
};

std::vector<CsvRecord> parse_csv(const std::string& text, const std::string& path) {
  std::vector<CsvRecord> records;
  CsvRecord current;
  std::string field;
  bool quoted = false, field_started = false;
  std::size_t line = 1;
  current.line = 1;
  auto end_field = [&] {
    current.fields.push_back(field);
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    const bool blank = current.fields.size() == 1 && current.fields[0].empty();
    if (!blank) records.push_back(std::move(current));
    current = CsvRecord{};
    current.line = line;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quoted) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (ch == '\n') ++line;
        field += ch;
      }
    } else if (ch == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (ch == ',') {
      end_field();
    } else if (ch == '\n' || ch == '\r') {
      if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_record();
    } else {
      field += ch;
      field_started = true;
    }
  }
  if (quoted) {
    throw Error(
        fmt::format("{}: unterminated quoted field starting on line {}", path, current.line));
  }
  if (!field.empty() || !current.fields.empty()) end_record();
  return records;
}

bool has_suffix(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

CsvPairs::CsvPairs(const std::string& path) : path_(path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(fmt::format("cannot open pairs CSV {}", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw FileError(fmt::format("cannot read pairs CSV {}", path));
  const auto records = parse_csv(buffer.str(), path);
  if (records.empty())
    throw Error(
        fmt::format("pairs CSV {} is empty (expected a header row "
                    "with `image` and `caption` columns)",
                    path));
  const auto& header = records.front().fields;
  auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      throw Error(
          fmt::format("pairs CSV {}: the header has no `{}` column (expected `image` and "
                      "`caption`)",
                      path, name));
    }
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t image_col = column("image"), caption_col = column("caption");
  const fs::path base = fs::path(path).parent_path();
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    if (rec.fields.size() <= std::max(image_col, caption_col)) {
      throw Error(fmt::format("pairs CSV {} line {}: {} fields, expected at least {}", path,
                              rec.line, rec.fields.size(), std::max(image_col, caption_col) + 1));
    }
    const std::string& image = rec.fields[image_col];
    if (image.empty())
      throw Error(fmt::format("pairs CSV {} line {}: empty image path", path, rec.line));
    const fs::path p(image);
    images_.push_back(p.is_absolute() ? image : (base / p).string());
    captions_.push_back(rec.fields[caption_col]);
  }
  if (images_.empty()) throw Error(fmt::format("pairs CSV {} has a header but no rows", path));
}

ImageCaption CsvPairs::get(std::size_t i) const {
  if (i >= images_.size()) throw std::out_of_range(fmt::format("pair {} of {}", i, images_.size()));
  return ImageCaption{decode_image_file(images_[i]), captions_[i]};
}

std::string CsvPairs::describe() const {
  return fmt::format("csv:{} ({} pairs)", path_, images_.size());
}

WebDatasetPairs::WebDatasetPairs(const std::string& path) : path_(path) {
  std::vector<std::string> shards;
  if (fs::is_directory(path)) {
    for (const auto& entry : fs::directory_iterator(path)) {
      const std::string name = lower(entry.path().filename().string());
      if (entry.is_regular_file() &&
          (has_suffix(name, ".tar") || has_suffix(name, ".tar.gz") || has_suffix(name, ".tgz")))
        shards.push_back(entry.path().string());
    }
    std::sort(shards.begin(), shards.end());
    if (shards.empty()) throw Error(fmt::format("webdataset folder {} holds no .tar shards", path));
  } else {
    shards.push_back(path);
  }
  for (const auto& shard : shards) {
    struct archive* a = archive_read_new();
    archive_read_support_filter_all(a);
    archive_read_support_format_tar(a);
    if (archive_read_open_filename(a, shard.c_str(), 1 << 16) != ARCHIVE_OK) {
      const std::string why = archive_error_string(a) ? archive_error_string(a) : "unknown";
      archive_read_free(a);
      throw FileError(fmt::format("cannot open webdataset shard {}: {}", shard, why));
    }
    // key -> sample, in first-seen order within the shard.
    std::map<std::string, std::size_t> index;
    std::vector<Sample> samples;
    struct archive_entry* entry = nullptr;
    int rc = ARCHIVE_OK;
    while ((rc = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
      if (archive_entry_filetype(entry) != AE_IFREG) continue;
      const std::string member = archive_entry_pathname(entry);
      const std::size_t slash = member.rfind('/');
      const std::size_t dot = member.find('.', slash == std::string::npos ? 0 : slash + 1);
      if (dot == std::string::npos) continue;  // no extension: not part of a sample
      const std::string key = member.substr(0, dot), ext = lower(member.substr(dot + 1));
      std::vector<unsigned char> bytes;
      unsigned char buf[1 << 16];
      la_ssize_t n = 0;
      while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
        bytes.insert(bytes.end(), buf, buf + n);
      if (n < 0) {
        const std::string why = archive_error_string(a) ? archive_error_string(a) : "unknown";
        archive_read_free(a);
        throw FileError(
            fmt::format("webdataset shard {}: cannot read member {}: {}", shard, member, why));
      }
      const bool is_image = ext == "jpg" || ext == "jpeg" || ext == "png" || ext == "webp";
      if (!is_image && ext != "txt") continue;  // other fields (json, cls) are not used
      auto it = index.find(key);
      if (it == index.end()) {
        it = index.emplace(key, samples.size()).first;
        samples.emplace_back();
        samples.back().key = key;
      }
      Sample& s = samples[it->second];
      if (is_image) {
        if (!s.image_name.empty()) {
          archive_read_free(a);
          throw Error(fmt::format("webdataset shard {}: sample '{}' has two images ({} and {})",
                                  shard, key, s.image_name, member));
        }
        s.image_name = member;
        s.image_bytes = std::move(bytes);
      } else {
        s.caption.assign(bytes.begin(), bytes.end());
        s.has_caption = true;
        while (!s.caption.empty() && (s.caption.back() == '\n' || s.caption.back() == '\r'))
          s.caption.pop_back();
      }
    }
    const bool failed = rc != ARCHIVE_EOF;
    const std::string why = failed && archive_error_string(a) ? archive_error_string(a) : "";
    archive_read_free(a);
    if (failed) throw FileError(fmt::format("cannot read webdataset shard {}: {}", shard, why));
    for (auto& s : samples) {
      if (s.image_name.empty()) {
        throw Error(
            fmt::format("webdataset shard {}: sample '{}' has a caption but no image "
                        "(.jpg, .jpeg, .png or .webp)",
                        shard, s.key));
      }
      if (!s.has_caption) {
        throw Error(fmt::format("webdataset shard {}: sample '{}' ({}) has no .txt caption", shard,
                                s.key, s.image_name));
      }
      s.image_name = shard + ":" + s.image_name;
      samples_.push_back(std::move(s));
    }
  }
  if (samples_.empty()) throw Error(fmt::format("webdataset {} holds no samples", path));
}

ImageCaption WebDatasetPairs::get(std::size_t i) const {
  if (i >= samples_.size())
    throw std::out_of_range(fmt::format("pair {} of {}", i, samples_.size()));
  const Sample& s = samples_[i];
  return ImageCaption{decode_image(s.image_bytes.data(), s.image_bytes.size(), s.image_name),
                      s.caption};
}

std::string WebDatasetPairs::describe() const {
  return fmt::format("webdataset:{} ({} pairs)", path_, samples_.size());
}

std::unique_ptr<PairsSource> open_pairs_source(const std::string& source) {
  const std::string name = lower(source);
  if (has_suffix(name, ".csv")) return std::make_unique<CsvPairs>(source);
  if (has_suffix(name, ".tar") || has_suffix(name, ".tar.gz") || has_suffix(name, ".tgz") ||
      fs::is_directory(source))
    return std::make_unique<WebDatasetPairs>(source);
  throw Error(
      fmt::format("--pairs {}: expected a .csv file, a webdataset .tar / .tar.gz shard or "
                  "a folder of shards",
                  source));
}

}  // namespace clipbench::train
