// SHA-256 digests (OpenSSL libcrypto) of files and strings, for checkpoint and template-set hashes.
#pragma once

#include <string>

namespace clipbench::harness {

// "sha256:<64 lowercase hex>" of the file's bytes, read in 1 MiB blocks. Throws FileError naming
// the path when it cannot be read.
std::string sha256_file(const std::string& path);
// A file: sha256_file. A folder (a Hugging Face model directory): the SHA-256 of the lines
// "<file name> <sha256 of the file>\n" of its regular files in name order.
std::string sha256_path(const std::string& path);
// "sha256:<64 lowercase hex>" of the bytes of `text`.
std::string sha256_string(const std::string& text);

}  // namespace clipbench::harness
