// Parsing and validation of evaluation options shared by `eval` and `run`.
#pragma once

#include <string>
#include <vector>

namespace clipbench::harness {

// Validates prompt mode names (RegistryError with near matches for an unknown one), drops
// duplicates, keeps the order given. Throws Error when empty.
std::vector<std::string> parse_prompt_modes(const std::vector<std::string>& modes);
// Validates catalogue ids (RegistryError with near matches), drops duplicates, keeps the order.
// "all" expands to every catalogued dataset.
std::vector<std::string> parse_dataset_ids(const std::vector<std::string>& ids);

}  // namespace clipbench::harness
