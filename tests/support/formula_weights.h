// The fixtures' deterministic formula weights and input image (../shared/fixtures/README.md,
// models/full).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clip/state_dict.h"

namespace clipbench::test {

// FNV-1a 32-bit hash of the bytes of `s`.
uint32_t fnv1a32(const std::string& s);

// u_i = ((((i + 1) * 2654435761) mod 2^32) XOR fnv1a32(name)) / 2^32 - 0.5, in double.
double formula_u(uint64_t i, uint32_t name_hash);

// The fp32 tensor the README's per-key rules give for `name` and `shape` (values computed in
// double).
torch::Tensor formula_tensor(const std::string& name, const std::vector<int64_t>& shape);

// Every key of a fixture's `state_dict_shapes` object ({"key": [dims...]}) filled by
// formula_tensor.
StateDict formula_state_dict(const nlohmann::json& state_dict_shapes);

// The input image: 2 * u_i for the key "input.image", shape [1, 3, resolution, resolution], fp32.
torch::Tensor formula_image(int64_t resolution);

// Reads a JSON file (a fixture); throws std::runtime_error when it cannot be opened or parsed.
nlohmann::json read_json_file(const std::string& path);

}  // namespace clipbench::test
