// The built-in table of open_clip model configs and pretrained tags (embedded JSON), by name.
#include "clip/open_clip_models.h"

#include "clip/embedded_data.h"
#include "clip/registry.h"

namespace clipbench {
namespace {

struct OpenClipModel {
  nlohmann::json model_cfg;
  Registry<nlohmann::json> tags{"pretrained tag"};
};

struct Table {
  std::string source;
  Registry<OpenClipModel> models{"open_clip model config"};
};

const Table& table() {
  static const Table t = [] {
    const auto j = nlohmann::json::parse(
        std::string(embedded::kOpenClipModelsJson, embedded::kOpenClipModelsJsonSize));
    Table out;
    out.source = j.at("source").get<std::string>();
    for (const auto& item : j.at("models").items()) {
      OpenClipModel m;
      m.model_cfg = item.value().at("model_cfg");
      for (const auto& tag : item.value().at("pretrained").items())
        m.tags.add(tag.key(), tag.value());
      out.models.add(item.key(), std::move(m));
    }
    return out;
  }();
  return t;
}

}  // namespace

const std::vector<std::string>& open_clip_model_names() { return table().models.names(); }

std::vector<std::string> open_clip_pretrained_tags(const std::string& model) {
  return table().models.at(model).tags.names();
}

nlohmann::json open_clip_model_cfg(const std::string& model, const std::string& tag) {
  const OpenClipModel& m = table().models.at(model);
  nlohmann::json cfg = m.model_cfg;
  if (!tag.empty()) cfg["quick_gelu"] = m.tags.at(tag).at("quick_gelu").get<bool>();
  return cfg;
}

const nlohmann::json& open_clip_pretrained(const std::string& model, const std::string& tag) {
  return table().models.at(model).tags.at(tag);
}

const std::string& open_clip_models_source() { return table().source; }

}  // namespace clipbench
