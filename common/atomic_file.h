// Files written whole or not at all: a temporary file beside the target, renamed over it.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace clipbench {

// Writes `path` atomically: `write` fills a temporary file in the same folder, named
// "<path>.<pid>.tmp" (unique per process, so shards of a job array writing the same file do not
// collide), which is then renamed over `path` (POSIX rename: readers see the old file or the new
// one, never a part). The parent folder is created when missing. On any failure the temporary file
// is removed and FileError is thrown naming `path` (and `what`, e.g. "the result record", when
// given) and the reason; an exception from `write` removes it too and propagates unchanged.
// `path` must not be a folder (FileError).
void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream& out)>& write,
                           const std::string& what = "");
// The same for a writer that opens the temporary file itself (C libraries such as libpng):
// `write(tmp_path)` must create and close that file.
void write_file_atomically_with(const std::string& path,
                                const std::function<void(const std::string& tmp_path)>& write,
                                const std::string& what = "");
// `bytes` as the whole file.
void write_file_atomically(const std::string& path, std::string_view bytes,
                           const std::string& what = "");

}  // namespace clipbench
