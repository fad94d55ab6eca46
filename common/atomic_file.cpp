// Files written whole or not at all: a temporary file beside the target, renamed over it.
#include "common/atomic_file.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "clip/errors.h"

namespace clipbench {
namespace fs = std::filesystem;
namespace {

std::string named(const std::string& path, const std::string& what) {
  return what.empty() ? path : fmt::format("{} {}", what, path);
}

}  // namespace

void write_file_atomically_with(const std::string& path,
                                const std::function<void(const std::string& tmp_path)>& write,
                                const std::string& what) {
  const fs::path target(path);
  std::error_code ec;
  if (fs::is_directory(target, ec))
    throw FileError(
        fmt::format("cannot write {}: it is a folder, expected a file path", named(path, what)));
  if (target.has_parent_path() && !fs::exists(target.parent_path(), ec)) {
    fs::create_directories(target.parent_path(), ec);
    if (ec)
      throw FileError(fmt::format("cannot create the folder {} for {}: {}",
                                  target.parent_path().string(), named(path, what), ec.message()));
  }
  const std::string tmp = fmt::format("{}.{}.tmp", path, static_cast<long>(getpid()));
  try {
    write(tmp);
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(tmp, ec);
    throw FileError(fmt::format("cannot write {}: {}", named(path, what), why));
  }
}

void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream& out)>& write,
                           const std::string& what) {
  write_file_atomically_with(
      path,
      [&](const std::string& tmp) {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
          throw FileError(fmt::format("cannot write {}: cannot create {}: {}", named(path, what),
                                      tmp, std::strerror(errno)));
        write(out);
        out.close();
        if (!out)
          throw FileError(
              fmt::format("cannot write {}: {}", named(path, what), std::strerror(errno)));
      },
      what);
}

void write_file_atomically(const std::string& path, std::string_view bytes,
                           const std::string& what) {
  write_file_atomically(
      path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<long>(bytes.size())); },
      what);
}

}  // namespace clipbench
