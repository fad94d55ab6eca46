// File helpers for the binary dataset adapters: whole-file reads (gzip or plain), positioned reads,
// class-name text files, and the class-name rules every adapter of the generic group shares.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace clipbench::datasets {

// `a / b` as a string.
std::string join_path(const std::string& a, const std::string& b);
bool file_exists(const std::string& path);

// The whole content of `path`. Throws DatasetError "<dataset>: cannot read <path> (...)".
std::vector<uint8_t> read_whole_file(const std::string& dataset, const std::string& path);

// The whole content of `path`, gunzipped through zlib when the file starts with the gzip magic
// bytes (1f 8b), as it is otherwise. Throws DatasetError naming the file for a missing file or a
// corrupt / truncated gzip stream.
std::vector<uint8_t> read_maybe_gzip(const std::string& dataset, const std::string& path);

// The lines of a text file without line ends ("\n" or "\r\n"); trailing empty lines dropped.
// Throws DatasetError for a missing file.
std::vector<std::string> read_text_lines(const std::string& dataset, const std::string& path);

// A read-only file for concurrent positioned reads (pread): thread-safe, no shared offset.
class RandomAccessFile {
 public:
  // Throws DatasetError naming `path` when it cannot be opened.
  RandomAccessFile(const std::string& dataset, const std::string& path);
  ~RandomAccessFile();
  RandomAccessFile(const RandomAccessFile&) = delete;
  RandomAccessFile& operator=(const RandomAccessFile&) = delete;

  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Reads exactly `count` bytes at `offset`; throws DatasetError naming the file when fewer exist.
  void read(uint64_t offset, size_t count, uint8_t* out) const;

 private:
  std::string dataset_;
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

// The class names of a split: `from_disk` when the layout carries names (then, when
// `requested` is non-empty, their counts must agree), else `requested` (the catalogue's names),
// else the label values as text "0".."label_count-1". `where` names the file the disk names came
// from, for the count-mismatch error.
std::vector<std::string> choose_class_names(const std::string& dataset,
                                            const std::vector<std::string>& from_disk,
                                            const std::string& where,
                                            const std::vector<std::string>& requested,
                                            int64_t label_count);

// Throws DatasetError "<dataset>: <where>: label <label> is outside [0, <n>) (<n> classes)" unless
// 0 <= label < num_classes.
void check_label(const std::string& dataset, const std::string& where, int64_t label,
                 size_t num_classes);

}  // namespace clipbench::datasets
