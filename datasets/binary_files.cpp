// File helpers for the binary dataset adapters (zlib for gzip, pread for random access).
#include "datasets/binary_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "datasets/format_registry.h"

namespace clipbench::datasets {

std::string join_path(const std::string& a, const std::string& b) {
  return (std::filesystem::path(a) / b).string();
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

std::vector<uint8_t> read_whole_file(const std::string& dataset, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DatasetError(fmt::format("{}: cannot read {} ({})", dataset, path,
                                   file_exists(path) ? "cannot open" : "no such file"));
  }
  in.seekg(0, std::ios::end);
  const auto size = static_cast<size_t>(in.tellg());
  in.seekg(0);
  std::vector<uint8_t> bytes(size);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (!in) throw DatasetError(fmt::format("{}: cannot read {} (I/O error)", dataset, path));
  return bytes;
}

std::vector<uint8_t> read_maybe_gzip(const std::string& dataset, const std::string& path) {
  std::vector<uint8_t> raw = read_whole_file(dataset, path);
  if (raw.size() < 2 || raw[0] != 0x1f || raw[1] != 0x8b) return raw;
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) {
    throw DatasetError(fmt::format("{}: {}: cannot start zlib", dataset, path));
  }
  std::vector<uint8_t> out;
  out.reserve(raw.size() * 4);
  zs.next_in = raw.data();
  zs.avail_in = static_cast<uInt>(raw.size());
  uint8_t chunk[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = chunk;
    zs.avail_out = sizeof(chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::string why =
          rc == Z_BUF_ERROR ? "truncated gzip stream" : (zs.msg ? zs.msg : "corrupt gzip stream");
      inflateEnd(&zs);
      throw DatasetError(
          fmt::format("{}: {}: {} (expected a complete gzip file)", dataset, path, why));
    }
    out.insert(out.end(), chunk, chunk + (sizeof(chunk) - zs.avail_out));
  }
  inflateEnd(&zs);
  return out;
}

std::vector<std::string> read_text_lines(const std::string& dataset, const std::string& path) {
  const std::vector<uint8_t> bytes = read_whole_file(dataset, path);
  std::vector<std::string> lines;
  std::string line;
  for (uint8_t c : bytes) {
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(line);
      line.clear();
    } else {
      line.push_back(static_cast<char>(c));
    }
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (!line.empty()) lines.push_back(line);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

RandomAccessFile::RandomAccessFile(const std::string& dataset, const std::string& path)
    : dataset_(dataset), path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw DatasetError(fmt::format("{}: cannot open {} ({})", dataset, path, std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    ::close(fd_);
    throw DatasetError(fmt::format("{}: cannot stat {} ({})", dataset, path, std::strerror(errno)));
  }
  size_ = static_cast<uint64_t>(st.st_size);
}

RandomAccessFile::~RandomAccessFile() {
  if (fd_ >= 0) ::close(fd_);
}

void RandomAccessFile::read(uint64_t offset, size_t count, uint8_t* out) const {
  size_t done = 0;
  while (done < count) {
    const ssize_t n = ::pread(fd_, out + done, count - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw DatasetError(fmt::format(
          "{}: {}: cannot read {} bytes at offset {} ({}; the file has {} bytes)", dataset_, path_,
          count, offset, n < 0 ? std::strerror(errno) : "end of file", size_));
    }
    done += static_cast<size_t>(n);
  }
}

std::vector<std::string> choose_class_names(const std::string& dataset,
                                            const std::vector<std::string>& from_disk,
                                            const std::string& where,
                                            const std::vector<std::string>& requested,
                                            int64_t label_count) {
  if (!from_disk.empty()) {
    if (!requested.empty() && requested.size() != from_disk.size()) {
      throw DatasetError(fmt::format("{}: {} lists {} classes, the catalogue expects {}", dataset,
                                     where, from_disk.size(), requested.size()));
    }
    return from_disk;
  }
  if (!requested.empty()) return requested;
  std::vector<std::string> names;
  for (int64_t i = 0; i < label_count; ++i) names.push_back(std::to_string(i));
  return names;
}

void check_label(const std::string& dataset, const std::string& where, int64_t label,
                 size_t num_classes) {
  if (label < 0 || static_cast<uint64_t>(label) >= num_classes) {
    throw DatasetError(fmt::format("{}: {}: label {} is outside [0, {}) ({} classes)", dataset,
                                   where, label, num_classes, num_classes));
  }
}

}  // namespace clipbench::datasets
