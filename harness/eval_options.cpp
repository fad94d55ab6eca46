// Validation of prompt modes and dataset ids given on the command line or in a suite.
#include "harness/eval_options.h"

#include <algorithm>

#include "clip/errors.h"
#include "datasets/catalogue.h"
#include "harness/zero_shot.h"

namespace clipbench::harness {

std::vector<std::string> parse_prompt_modes(const std::vector<std::string>& modes) {
  std::vector<std::string> out;
  for (const auto& m : modes) {
    const std::string name = prompt_mode(m).name;
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  if (out.empty()) throw Error("no prompt mode given (expected some of: raw, single, ensemble)");
  return out;
}

std::vector<std::string> parse_dataset_ids(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  auto add = [&](const std::string& id) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  };
  for (const auto& id : ids) {
    if (id == "all") {
      for (const auto& each : datasets::dataset_ids()) add(each);
    } else {
      add(datasets::dataset_info(id).id);
    }
  }
  if (out.empty()) throw Error("no dataset given");
  return out;
}

}  // namespace clipbench::harness
