// Test-only reader of gzip-compressed IDX files (the MNIST / Fashion-MNIST distribution format).
#include "tests/support/idx_reader.h"

#include <torch/torch.h>
#include <zlib.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace clipbench::test {
namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

void read_exact(gzFile f, void* buf, size_t n, const std::string& path) {
  size_t done = 0;
  while (done < n) {
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(n - done, 1u << 30));
    const int got = gzread(f, static_cast<char*>(buf) + done, chunk);
    if (got <= 0) throw std::runtime_error(path + ": truncated IDX file");
    done += static_cast<size_t>(got);
  }
}

}  // namespace

torch::Tensor read_idx_gz(const std::string& path) {
  std::unique_ptr<gzFile_s, GzCloser> f(gzopen(path.c_str(), "rb"));
  if (!f) throw std::runtime_error(path + ": cannot open");
  unsigned char magic[4];
  read_exact(f.get(), magic, 4, path);
  if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] == 0)
    throw std::runtime_error(path + ": not an unsigned-byte IDX file (bad magic number)");
  std::vector<int64_t> sizes(magic[3]);
  int64_t numel = 1;
  for (auto& s : sizes) {
    unsigned char b[4];
    read_exact(f.get(), b, 4, path);
    s = (int64_t{b[0]} << 24) | (int64_t{b[1]} << 16) | (int64_t{b[2]} << 8) | int64_t{b[3]};
    numel *= s;
  }
  torch::Tensor t = torch::empty(sizes, torch::kUInt8);
  read_exact(f.get(), t.data_ptr<uint8_t>(), static_cast<size_t>(numel), path);
  return t;
}

PixelSplit fashion_mnist_pixels(const std::string& part, int64_t begin, int64_t end,
                                const std::string& dir) {
  const torch::Tensor images = read_idx_gz(dir + "/" + part + "-images-idx3-ubyte.gz");
  const torch::Tensor labels = read_idx_gz(dir + "/" + part + "-labels-idx1-ubyte.gz");
  if (end > images.size(0) || end > labels.size(0) || begin < 0 || begin >= end)
    throw std::runtime_error(dir + "/" + part + ": rows [" + std::to_string(begin) + ", " +
                             std::to_string(end) + ") out of range");
  PixelSplit s;
  s.features = images.slice(0, begin, end).reshape({end - begin, -1}).to(torch::kDouble) / 255.0;
  s.labels = labels.slice(0, begin, end).to(torch::kLong);
  return s;
}

}  // namespace clipbench::test
