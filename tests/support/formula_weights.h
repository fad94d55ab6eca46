// The fixtures' deterministic formula weights and input image (../shared/fixtures/README.md:
// formula 1 of models/full, formula 2 "splitmix64" of models/open_clip).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clip/state_dict.h"

namespace clipbench::test {

// Which u_i sequence fills the tensors. Formula 1 (models/full) makes the rows of a matrix
// phase-shifted copies of one sequence, which leaves attention nearly uniform and hides head-count
// errors; formula 2 (models/open_clip, `"fill": "splitmix64"`) does not.
enum class Fill { kFormula1, kSplitmix64 };

// The fill an entry names in its `fill` field: absent -> kFormula1, "splitmix64" -> kSplitmix64.
// Throws std::runtime_error naming any other value.
Fill fill_of(const nlohmann::json& entry);

// FNV-1a 32-bit / 64-bit hash of the bytes of `s`.
uint32_t fnv1a32(const std::string& s);
uint64_t fnv1a64(const std::string& s);

// Formula 1: u_i = ((((i + 1) * 2654435761) mod 2^32) XOR fnv1a32(name)) / 2^32 - 0.5, in double.
double formula_u(uint64_t i, uint32_t name_hash);

// Formula 2: splitmix64's finalizer of z = fnv1a64(name) + (i + 1) * 0x9E3779B97F4A7C15, then
// u_i = (z >> 11) / 2^53 - 0.5, in double.
double splitmix64_u(uint64_t i, uint64_t name_hash);

// The fp32 tensor the README's per-key rules give for `name` and `shape` under `fill` (values
// computed in double).
torch::Tensor formula_tensor(const std::string& name, const std::vector<int64_t>& shape,
                             Fill fill = Fill::kFormula1);

// Every key of a fixture's `state_dict_shapes` object ({"key": [dims...]}) filled by
// formula_tensor.
StateDict formula_state_dict(const nlohmann::json& state_dict_shapes, Fill fill = Fill::kFormula1);

// The input image: 2 * u_i for the key "input.image", shape [1, 3, resolution, resolution], fp32.
torch::Tensor formula_image(int64_t resolution, Fill fill = Fill::kFormula1);

// Reads a JSON file (a fixture); throws std::runtime_error when it cannot be opened or parsed.
nlohmann::json read_json_file(const std::string& path);
// Reads a JSON Lines file, one value per non-empty line; throws as read_json_file, naming the line.
std::vector<nlohmann::json> read_jsonl_file(const std::string& path);

}  // namespace clipbench::test
