// SHA-256 through OpenSSL's EVP interface.
#include "harness/sha256.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "clip/errors.h"

namespace clipbench::harness {
namespace {

struct Digest {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  Digest() {
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
      throw Error("sha256: OpenSSL could not initialise a SHA-256 context");
  }
  void update(const void* data, size_t size) { EVP_DigestUpdate(ctx.get(), data, size); }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    std::string out = "sha256:";
    for (unsigned int i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
    return out;
  }
};

}  // namespace

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw FileError(fmt::format("{}: cannot open for hashing ({})", path, std::strerror(errno)));
  Digest digest;
  std::vector<char> block(1 << 20);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    if (in.gcount() > 0) digest.update(block.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw FileError(fmt::format("{}: read error while hashing", path));
  return digest.hex();
}

std::string sha256_path(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return sha256_file(path);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(path, ec))
    if (entry.is_regular_file()) files.push_back(entry.path());
  if (ec) throw FileError(fmt::format("{}: cannot list the folder ({})", path, ec.message()));
  std::sort(files.begin(), files.end());
  std::string lines;
  for (const auto& f : files) lines += f.filename().string() + " " + sha256_file(f.string()) + "\n";
  return sha256_string(lines);
}

std::string sha256_string(const std::string& text) {
  Digest digest;
  digest.update(text.data(), text.size());
  return digest.hex();
}

}  // namespace clipbench::harness
