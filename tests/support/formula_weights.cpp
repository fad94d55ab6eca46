// Formula weights (fills 1 and 2) and the formula input image of the full-size model fixtures.
#include "tests/support/formula_weights.h"

#include <cmath>
#include <fstream>
#include <stdexcept>

namespace clipbench::test {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// u_i of `fill` for element i of the tensor named `name`.
class Sequence {
 public:
  Sequence(const std::string& name, Fill fill)
      : fill_(fill), h32_(fnv1a32(name)), h64_(fnv1a64(name)) {}
  double operator()(uint64_t i) const {
    return fill_ == Fill::kFormula1 ? formula_u(i, h32_) : splitmix64_u(i, h64_);
  }

 private:
  Fill fill_;
  uint32_t h32_;
  uint64_t h64_;
};

}  // namespace

Fill fill_of(const nlohmann::json& entry) {
  if (!entry.contains("fill")) return Fill::kFormula1;
  if (entry.at("fill") == "splitmix64") return Fill::kSplitmix64;
  throw std::runtime_error("unknown fixture fill '" + entry.at("fill").dump() +
                           "' (expected \"splitmix64\" or no field)");
}

uint64_t fnv1a64(const std::string& s) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char b : s) {
    h ^= b;
    h *= 0x100000001B3ull;  // wraps mod 2^64
  }
  return h;
}

double splitmix64_u(uint64_t i, uint64_t name_hash) {
  uint64_t z = name_hash + (i + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / 9007199254740992.0 - 0.5;  // 2^53
}

uint32_t fnv1a32(const std::string& s) {
  uint32_t h = 0x811C9DC5u;
  for (unsigned char b : s) {
    h ^= b;
    h *= 0x01000193u;  // unsigned arithmetic wraps mod 2^32
  }
  return h;
}

double formula_u(uint64_t i, uint32_t name_hash) {
  const uint32_t mixed =
      static_cast<uint32_t>(((i + 1) * 2654435761ull) & 0xFFFFFFFFull) ^ name_hash;
  return static_cast<double>(mixed) / 4294967296.0 - 0.5;
}

torch::Tensor formula_tensor(const std::string& name, const std::vector<int64_t>& shape,
                             Fill fill) {
  torch::Tensor t = torch::empty(shape, torch::kFloat);
  float* out = t.data_ptr<float>();
  const int64_t numel = t.numel();
  const Sequence u(name, fill);
  const size_t rank = shape.size();
  if (ends_with(name, "num_batches_tracked")) {
    t.zero_();
  } else if (ends_with(name, "logit_scale")) {
    t.fill_(std::log(100.0));
  } else if (ends_with(name, "running_var")) {
    for (int64_t i = 0; i < numel; ++i) out[i] = static_cast<float>(1.0 + 0.5 * (u(i) + 0.5));
  } else if (ends_with(name, "running_mean") || ends_with(name, "bias")) {
    for (int64_t i = 0; i < numel; ++i) out[i] = static_cast<float>(0.1 * u(i));
  } else if (rank == 1 && ends_with(name, "weight")) {
    for (int64_t i = 0; i < numel; ++i) out[i] = static_cast<float>(1.0 + 0.2 * u(i));
  } else if (rank <= 1) {
    for (int64_t i = 0; i < numel; ++i) out[i] = static_cast<float>(0.5 * u(i));
  } else {
    const double fan_in = static_cast<double>(numel) / static_cast<double>(shape[0]);
    const double scale = std::sqrt(12.0 / fan_in);
    for (int64_t i = 0; i < numel; ++i) out[i] = static_cast<float>(u(i) * scale);
  }
  return t;
}

StateDict formula_state_dict(const nlohmann::json& state_dict_shapes, Fill fill) {
  StateDict sd;
  for (const auto& item : state_dict_shapes.items()) {
    sd[item.key()] = formula_tensor(item.key(), item.value().get<std::vector<int64_t>>(), fill);
  }
  return sd;
}

torch::Tensor formula_image(int64_t resolution, Fill fill) {
  torch::Tensor t = torch::empty({1, 3, resolution, resolution}, torch::kFloat);
  float* out = t.data_ptr<float>();
  const Sequence u("input.image", fill);
  for (int64_t i = 0; i < t.numel(); ++i) out[i] = static_cast<float>(2.0 * u(i));
  return t;
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("cannot parse " + path + ": " + e.what());
  }
}

std::vector<nlohmann::json> read_jsonl_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<nlohmann::json> rows;
  std::string line;
  for (int64_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    try {
      rows.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error("cannot parse " + path + " line " + std::to_string(n) + ": " +
                               e.what());
    }
  }
  return rows;
}

}  // namespace clipbench::test
