// Fashion-MNIST idx files into memory (PRIVATE minimal reader, see demo_data.h) and captioning.
#include "train/demo_data.h"

#include <fmt/format.h>
#include <zlib.h>

#include <random>

#include "clip/errors.h"

namespace clipbench::train {
namespace {

// The whole (gunzipped) content of `path`.
std::vector<uint8_t> read_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw FileError(fmt::format("cannot open idx file {}", path));
  std::vector<uint8_t> out;
  uint8_t buffer[1 << 16];
  int n = 0;
  while ((n = gzread(f, buffer, sizeof(buffer))) > 0) out.insert(out.end(), buffer, buffer + n);
  const bool failed = n < 0;
  gzclose(f);
  if (failed) throw FileError(fmt::format("cannot read idx file {} (corrupt gzip stream)", path));
  return out;
}

uint32_t be32(const std::vector<uint8_t>& b, std::size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         uint32_t{b[at + 3]};
}

// Checks the magic and the header size; returns the dimensions.
std::vector<uint32_t> idx_header(const std::vector<uint8_t>& b, uint32_t magic, int dims,
                                 const std::string& path) {
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(dims);
  if (b.size() < header) throw FileError(fmt::format("idx file {} is truncated (no header)", path));
  if (be32(b, 0) != magic) {
    throw Error(fmt::format("idx file {}: magic 0x{:08x}, expected 0x{:08x}", path, be32(b, 0),
                            magic));
  }
  std::vector<uint32_t> d;
  std::size_t total = 1;
  for (int i = 0; i < dims; ++i) {
    d.push_back(be32(b, 4 + 4 * static_cast<std::size_t>(i)));
    total *= d.back();
  }
  if (b.size() < header + total) {
    throw FileError(fmt::format("idx file {} is truncated: {} bytes, header says {}", path,
                                b.size(), header + total));
  }
  return d;
}

}  // namespace

LabelledImages read_idx_split(const std::string& dir, const std::string& split, int64_t limit) {
  const std::string images_path = fmt::format("{}/{}-images-idx3-ubyte.gz", dir, split);
  const std::string labels_path = fmt::format("{}/{}-labels-idx1-ubyte.gz", dir, split);
  const std::vector<uint8_t> ib = read_gz(images_path), lb = read_gz(labels_path);
  const auto idim = idx_header(ib, 0x00000803u, 3, images_path);
  const auto ldim = idx_header(lb, 0x00000801u, 1, labels_path);
  if (idim[0] != ldim[0]) {
    throw Error(fmt::format("{} has {} images but {} has {} labels", images_path, idim[0],
                            labels_path, ldim[0]));
  }
  std::size_t n = idim[0];
  if (limit > 0) n = std::min<std::size_t>(n, static_cast<std::size_t>(limit));
  const std::size_t pixels = std::size_t{idim[1]} * idim[2];
  LabelledImages out;
  out.images.reserve(n);
  out.labels.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Image image;
    image.width = idim[2];
    image.height = idim[1];
    image.mode = ImageMode::kL;
    const auto first = ib.begin() + static_cast<std::ptrdiff_t>(16 + i * pixels);
    image.data.assign(first, first + static_cast<std::ptrdiff_t>(pixels));
    out.images.push_back(std::move(image));
    out.labels.push_back(lb[8 + i]);
  }
  return out;
}

InMemoryPairs caption_images(const LabelledImages& data,
                             const std::vector<std::string>& class_names,
                             const std::vector<std::string>& templates, uint64_t seed) {
  if (templates.empty()) throw Error("caption_images: no caption templates");
  std::mt19937_64 rng(seed);
  std::vector<std::string> captions;
  captions.reserve(data.labels.size());
  for (int64_t label : data.labels) {
    if (label < 0 || label >= static_cast<int64_t>(class_names.size())) {
      throw Error(fmt::format("caption_images: label {} outside the {} class names", label,
                              class_names.size()));
    }
    const std::string& templ = templates[rng() % templates.size()];
    const auto at = templ.find("{}");
    if (at == std::string::npos) {
      throw Error(fmt::format("caption template '{}' has no {{}} placeholder", templ));
    }
    captions.push_back(templ.substr(0, at) + class_names[static_cast<std::size_t>(label)] +
                       templ.substr(at + 2));
  }
  return InMemoryPairs(data.images, std::move(captions),
                       fmt::format("captioned images ({} templates)", templates.size()));
}

}  // namespace clipbench::train
