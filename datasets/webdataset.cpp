// CLIP_benchmark webdataset shards indexed with libarchive at open; image bytes read with pread.
#include "datasets/webdataset.h"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include "datasets/binary_files.h"

namespace clipbench::datasets {
namespace {

struct Entry {
  uint32_t shard = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  int64_t label = 0;
  std::string member;
};

class WebDataset : public Dataset {
 public:
  WebDataset(std::string source, std::vector<std::string> classes,
             std::vector<std::shared_ptr<RandomAccessFile>> shards, std::vector<Entry> entries)
      : source_(std::move(source)),
        classes_(std::move(classes)),
        shards_(std::move(shards)),
        entries_(std::move(entries)) {}
  size_t size() const override { return entries_.size(); }
  Sample get(size_t index) const override {
    if (index >= entries_.size()) {
      throw DatasetError(
          fmt::format("{}: sample {} is out of range (size {})", source_, index, entries_.size()));
    }
    const Entry& e = entries_[index];
    const RandomAccessFile& shard = *shards_[e.shard];
    Sample s;
    s.name = shard.path() + ":" + e.member;
    s.label = e.label;
    s.encoded.resize(e.size);
    shard.read(e.offset, e.size, s.encoded.data());
    return s;
  }
  const std::vector<std::string>& classes() const override { return classes_; }
  std::string source() const override { return source_; }

 private:
  std::string source_;
  std::vector<std::string> classes_;
  std::vector<std::shared_ptr<RandomAccessFile>> shards_;
  std::vector<Entry> entries_;
};

bool is_image_extension(std::string ext) {
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == "webp" || ext == "png" || ext == "jpg" || ext == "jpeg";
}

// A sample being assembled from its members.
struct Pending {
  std::string key;
  bool has_image = false;
  bool has_label = false;
  Entry entry;
};

// Indexes one shard: its samples in order of their first member.
std::vector<Entry> index_shard(const std::string& dataset, const std::string& path, uint32_t shard,
                               size_t num_classes) {
  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  archive_read_support_filter_all(a);
  struct Closer {
    struct archive* a;
    ~Closer() { archive_read_free(a); }
  } closer{a};
  const auto fail = [&](const std::string& what) {
    throw DatasetError(fmt::format("{}: {}: {}", dataset, path, what));
  };
  if (archive_read_open_filename(a, path.c_str(), 1 << 16) != ARCHIVE_OK) {
    fail(fmt::format("cannot open as a tar archive ({})", archive_error_string(a)));
  }
  std::vector<Pending> pending;
  std::unordered_map<std::string, size_t> by_key;
  struct archive_entry* entry = nullptr;
  while (true) {
    const int rc = archive_read_next_header(a, &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      fail(fmt::format("corrupt or truncated tar ({})", archive_error_string(a)));
    }
    if (archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE) {
      fail(fmt::format("the tar is compressed ({}); shards must be plain tar files",
                       archive_filter_name(a, 0)));
    }
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const std::string member = archive_entry_pathname(entry);
    const size_t slash = member.rfind('/');
    const size_t dot = member.find('.', slash == std::string::npos ? 0 : slash + 1);
    if (dot == std::string::npos) continue;  // no extension: not a sample member
    const std::string key = member.substr(0, dot);
    const std::string ext = member.substr(dot + 1);
    const bool image = is_image_extension(ext);
    if (!image && ext != "cls") continue;
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      it = by_key.emplace(key, pending.size()).first;
      pending.push_back(Pending{key, false, false, Entry{}});
      pending.back().entry.shard = shard;
    }
    Pending& p = pending[it->second];
    if (image) {
      if (p.has_image) {
        fail(fmt::format("key '{}' has two images ({} and {})", key, p.entry.member, member));
      }
      p.has_image = true;
      p.entry.member = member;
      p.entry.offset = static_cast<uint64_t>(archive_filter_bytes(a, 0));
      p.entry.size = static_cast<uint64_t>(archive_entry_size(entry));
    } else {
      std::string text(static_cast<size_t>(archive_entry_size(entry)), '\0');
      const la_ssize_t n = archive_read_data(a, text.data(), text.size());
      if (n != static_cast<la_ssize_t>(text.size())) {
        fail(fmt::format("cannot read member {} ({})", member,
                         n < 0 ? archive_error_string(a) : "truncated"));
      }
      const size_t b = text.find_first_not_of(" \t\r\n");
      const size_t e = text.find_last_not_of(" \t\r\n");
      const std::string digits = b == std::string::npos ? "" : text.substr(b, e - b + 1);
      if (digits.empty() || digits.size() > 9 ||
          digits.find_first_not_of("0123456789") != std::string::npos) {
        fail(fmt::format("member {} holds '{}', expected a class index as decimal text", member,
                         text.substr(0, 40)));
      }
      p.has_label = true;
      p.entry.label = std::stoll(digits);
      check_label(dataset, path + ":" + member, p.entry.label, num_classes);
    }
  }
  std::vector<Entry> entries;
  entries.reserve(pending.size());
  for (Pending& p : pending) {
    if (!p.has_image) {
      fail(fmt::format("sample '{}' has a .cls member but no image (.webp, .png, .jpg)", p.key));
    }
    if (!p.has_label) fail(fmt::format("sample '{}' has an image but no .cls member", p.key));
    entries.push_back(std::move(p.entry));
  }
  return entries;
}

}  // namespace

std::unique_ptr<Dataset> open_webdataset(const OpenRequest& request) {
  const std::string dataset = request.dataset.empty() ? "webdataset" : request.dataset;
  const std::string names_path = join_path(request.root, "classnames.txt");
  if (!file_exists(names_path)) {
    throw DatasetError(fmt::format("{}: missing class names file {}", dataset, names_path));
  }
  const std::vector<std::string> classes = choose_class_names(
      dataset, read_text_lines(dataset, names_path), names_path, request.class_names, 0);
  const std::string split_dir = join_path(request.root, request.split);
  const std::string nshards_path = join_path(split_dir, "nshards.txt");
  if (!file_exists(nshards_path)) {
    throw DatasetError(fmt::format("{}: missing {} (expected the shard count of split '{}')",
                                   dataset, nshards_path, request.split));
  }
  const std::vector<std::string> lines = read_text_lines(dataset, nshards_path);
  const std::string count = lines.empty() ? "" : lines[0];
  if (lines.size() != 1 || count.empty() || count.size() > 6 ||
      count.find_first_not_of("0123456789") != std::string::npos || std::stoi(count) == 0) {
    throw DatasetError(fmt::format("{}: {} holds '{}', expected a positive shard count", dataset,
                                   nshards_path, count));
  }
  const int nshards = std::stoi(count);
  std::vector<std::shared_ptr<RandomAccessFile>> shards;
  std::vector<Entry> entries;
  for (int i = 0; i < nshards; ++i) {
    const std::string path = join_path(split_dir, fmt::format("{}.tar", i));
    if (!file_exists(path)) {
      throw DatasetError(fmt::format("{}: missing shard {} ({} says {} shards)", dataset, path,
                                     nshards_path, nshards));
    }
    std::vector<Entry> shard_entries =
        index_shard(dataset, path, static_cast<uint32_t>(i), classes.size());
    shards.push_back(std::make_shared<RandomAccessFile>(dataset, path));
    for (const Entry& e : shard_entries) {
      if (e.offset + e.size > shards.back()->size()) {
        throw DatasetError(fmt::format("{}: {}: member {} runs past the end of the file", dataset,
                                       path, e.member));
      }
    }
    entries.insert(entries.end(), std::make_move_iterator(shard_entries.begin()),
                   std::make_move_iterator(shard_entries.end()));
  }
  return std::make_unique<WebDataset>(split_dir, classes, std::move(shards), std::move(entries));
}

}  // namespace clipbench::datasets
