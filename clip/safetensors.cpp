// Reads and writes the safetensors format with every header field validated before data is read.
#include "clip/safetensors.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "clip/errors.h"
#include "common/atomic_file.h"

namespace clipbench {
namespace {

// Largest header we accept: real checkpoints' headers are well under 10 MB.
constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

struct DtypeInfo {
  const char* name;
  at::ScalarType type;
};

const std::vector<DtypeInfo>& dtype_table() {
  static const std::vector<DtypeInfo> table = {
      {"F64", at::kDouble}, {"F32", at::kFloat}, {"F16", at::kHalf},  {"BF16", at::kBFloat16},
      {"I64", at::kLong},   {"I32", at::kInt},   {"I16", at::kShort}, {"I8", at::kChar},
      {"U8", at::kByte},    {"BOOL", at::kBool},
  };
  return table;
}

at::ScalarType dtype_from_name(const std::string& name, const std::string& path,
                               const std::string& key) {
  for (const auto& d : dtype_table())
    if (name == d.name) return d.type;
  throw CheckpointError(
      fmt::format("{}: tensor '{}' has dtype '{}', expected one of F64, F32, F16, BF16, "
                  "I64, I32, I16, I8, U8, BOOL",
                  path, key, name));
}

const char* dtype_name(at::ScalarType type, const std::string& key) {
  for (const auto& d : dtype_table())
    if (type == d.type) return d.name;
  throw CheckpointError(fmt::format("tensor '{}' has dtype {}, which safetensors cannot store", key,
                                    c10::toString(type)));
}

uint64_t read_le64(const unsigned char* b) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | b[i];
  return v;
}

}  // namespace

bool looks_like_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char b[9];
  if (!in.read(reinterpret_cast<char*>(b), 9)) return false;
  const uint64_t n = read_le64(b);
  return n >= 2 && n <= kMaxHeaderBytes && b[8] == '{';
}

SafetensorsFile read_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(fmt::format("cannot open {}", path));
  std::error_code ec;
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) throw FileError(fmt::format("cannot read the size of {}: {}", path, ec.message()));
  unsigned char len_bytes[8];
  if (file_size < 8 || !in.read(reinterpret_cast<char*>(len_bytes), 8))
    throw CheckpointError(
        fmt::format("{}: truncated safetensors file ({} bytes, need at least 8)", path, file_size));
  const uint64_t header_len = read_le64(len_bytes);
  if (header_len > kMaxHeaderBytes || header_len > file_size - 8)
    throw CheckpointError(
        fmt::format("{}: safetensors header length {} does not fit the file ({} bytes): truncated "
                    "or not safetensors",
                    path, header_len, file_size));
  std::string header(header_len, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header_len)))
    throw CheckpointError(
        fmt::format("{}: cannot read the {}-byte safetensors header", path, header_len));

  nlohmann::json j;
  try {
    j = nlohmann::json::parse(header);
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(
        fmt::format("{}: safetensors header is not valid JSON: {}", path, e.what()));
  }
  if (!j.is_object())
    throw CheckpointError(fmt::format("{}: safetensors header must be a JSON object", path));

  const uint64_t data_size = file_size - 8 - header_len;
  struct Entry {
    std::string key;
    at::ScalarType type;
    std::vector<int64_t> shape;
    uint64_t begin, end;
  };
  std::vector<Entry> entries;
  SafetensorsFile result;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const auto& v = it.value();
    if (key == "__metadata__") {
      if (!v.is_object())
        throw CheckpointError(fmt::format("{}: __metadata__ must be an object", path));
      for (auto m = v.begin(); m != v.end(); ++m)
        result.metadata[m.key()] =
            m.value().is_string() ? m.value().get<std::string>() : m.value().dump();
      continue;
    }
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") ||
        !v.contains("data_offsets") || !v["dtype"].is_string() || !v["shape"].is_array() ||
        !v["data_offsets"].is_array() || v["data_offsets"].size() != 2)
      throw CheckpointError(
          fmt::format("{}: header entry '{}' must be {{dtype: string, shape: [..], data_offsets: "
                      "[begin, end]}}, got {}",
                      path, key, v.dump()));
    Entry e;
    e.key = key;
    e.type = dtype_from_name(v["dtype"].get<std::string>(), path, key);
    // The element and byte counts, with 64-bit overflow detected (a shape whose product wraps
    // around could otherwise match the data_offsets and reach the tensor allocation).
    uint64_t numel = 1;
    bool overflow = false, empty = false;
    for (const auto& d : v["shape"]) {
      if (!d.is_number_unsigned() ||
          d.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw CheckpointError(
            fmt::format("{}: tensor '{}' has a bad shape {}", path, key, v["shape"].dump()));
      e.shape.push_back(d.get<int64_t>());
      empty = empty || d.get<uint64_t>() == 0;
      overflow = __builtin_mul_overflow(numel, d.get<uint64_t>(), &numel) || overflow;
    }
    uint64_t need = 0;
    overflow = __builtin_mul_overflow(numel, c10::elementSize(e.type), &need) || overflow;
    if (overflow && !empty)
      throw CheckpointError(fmt::format(
          "{}: tensor '{}' of shape {} has more bytes than 64 bits can count (a lying header)",
          path, key, v["shape"].dump()));
    if (empty) need = 0;
    const auto& off = v["data_offsets"];
    if (!off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      throw CheckpointError(
          fmt::format("{}: tensor '{}' has bad data_offsets {}", path, key, off.dump()));
    e.begin = off[0].get<uint64_t>();
    e.end = off[1].get<uint64_t>();
    if (e.begin > e.end || e.end > data_size)
      throw CheckpointError(
          fmt::format("{}: tensor '{}' data_offsets [{}, {}] lie outside the {}-byte data section "
                      "(truncated file?)",
                      path, key, e.begin, e.end, data_size));
    if (e.end - e.begin != need)
      throw CheckpointError(
          fmt::format("{}: tensor '{}' of dtype {} and shape {} needs {} bytes but data_offsets "
                      "[{}, {}] give {}",
                      path, key, v["dtype"].get<std::string>(), v["shape"].dump(), need, e.begin,
                      e.end, e.end - e.begin));
    entries.push_back(std::move(e));
  }

  const std::streamoff data_start = static_cast<std::streamoff>(8 + header_len);
  for (const auto& e : entries) {
    auto t = torch::empty(e.shape, torch::TensorOptions().dtype(e.type));
    const uint64_t n = e.end - e.begin;
    if (n > 0) {
      in.seekg(data_start + static_cast<std::streamoff>(e.begin));
      if (!in.read(static_cast<char*>(t.data_ptr()), static_cast<std::streamsize>(n)))
        throw CheckpointError(
            fmt::format("{}: cannot read tensor '{}' ({} bytes)", path, e.key, n));
    }
    result.tensors.emplace(e.key, std::move(t));
  }
  return result;
}

void write_safetensors(const std::string& path, const StateDict& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<at::Tensor> data;
  uint64_t offset = 0;
  for (const auto& [key, tensor] : tensors) {
    auto t = tensor.detach().to(torch::kCPU).contiguous();
    const uint64_t n = static_cast<uint64_t>(t.numel()) * t.element_size();
    header[key] = {{"dtype", dtype_name(t.scalar_type(), key)},
                   {"shape", t.sizes().vec()},
                   {"data_offsets", {offset, offset + n}}};
    offset += n;
    data.push_back(std::move(t));
  }
  std::string h = header.dump();
  while ((h.size() + 8) % 8 != 0) h.push_back(' ');  // align the data section to 8 bytes
  // write_file_atomically's temp name is per process: shards of a job array may write the same
  // cache entry at once.
  write_file_atomically(path, [&](std::ostream& out) {
    unsigned char len[8];
    uint64_t hl = h.size();
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>((hl >> (8 * i)) & 0xff);
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(h.data(), static_cast<std::streamsize>(h.size()));
    for (const auto& t : data)
      out.write(static_cast<const char*>(t.data_ptr()),
                static_cast<std::streamsize>(t.numel() * t.element_size()));
  });
}

}  // namespace clipbench
