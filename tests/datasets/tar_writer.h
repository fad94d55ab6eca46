// Writes tar files with libarchive (pax restricted: ustar unless a member needs pax headers), for
// the webdataset tests and benchmark.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace clipbench::test {

// members: (name, content) in order, all regular files.
inline void write_tar(const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& members) {
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK) {
    throw std::runtime_error("cannot write " + path + ": " + archive_error_string(a));
  }
  for (const auto& [name, content] : members) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

}  // namespace clipbench::test
