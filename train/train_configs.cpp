// The embedded registry of small CLIP training configs.
#include "train/train_configs.h"

#include <fmt/format.h>

#include <cstddef>
#include <nlohmann/json.hpp>

#include "clip/errors.h"
#include "clip/registry.h"

namespace clipbench::embedded {
extern const char kTrainConfigsJson[];
extern const std::size_t kTrainConfigsJsonSize;
}  // namespace clipbench::embedded

namespace clipbench::train {
namespace {

const nlohmann::json& document() {
  static const nlohmann::json j = nlohmann::json::parse(
      std::string(embedded::kTrainConfigsJson, embedded::kTrainConfigsJsonSize));
  return j;
}

TrainConfig parse_config(const std::string& name, const nlohmann::json& j) {
  try {
    TrainConfig c;
    c.name = name;
    nlohmann::json model = j;
    model.erase("train");
    c.model = config_from_json(model);
    const auto& t = j.at("train");
    c.options.steps = t.at("steps").get<int64_t>();
    c.options.batch_size = t.at("batch_size").get<int64_t>();
    c.options.learning_rate = t.at("learning_rate").get<double>();
    c.options.warmup_steps = t.at("warmup_steps").get<int64_t>();
    c.options.weight_decay = t.at("weight_decay").get<double>();
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("train_configs.json: config '{}': {}", name, e.what()));
  }
}

const Registry<TrainConfig>& registry() {
  static const Registry<TrainConfig> r = [] {
    Registry<TrainConfig> out("training config");
    for (const auto& item : document().at("configs").items())
      out.add(item.key(), parse_config(item.key(), item.value()));
    return out;
  }();
  return r;
}

}  // namespace

const std::vector<TrainConfig>& train_configs() { return registry().entries(); }

const TrainConfig& train_config(const std::string& name) { return registry().at(name); }

const std::vector<std::string>& demo_caption_templates() {
  static const std::vector<std::string> t =
      document().at("demo").at("caption_templates").get<std::vector<std::string>>();
  return t;
}

const std::string& demo_config_name() {
  static const std::string name = document().at("demo").at("config").get<std::string>();
  return name;
}

}  // namespace clipbench::train
