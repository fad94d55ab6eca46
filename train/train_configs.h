// The registry of small CLIP sizes for training (train/data/train_configs.json, embedded at build
// time) and the demo's caption templates.
#pragma once

#include <string>
#include <vector>

#include "clip/model_config.h"
#include "train/trainer.h"

namespace clipbench::train {

struct TrainConfig {
  std::string name;      // "tiny"
  CLIPConfig model;      // validated (clip/model_config.h validate)
  TrainOptions options;  // the size's default steps, batch size, learning rate, warm-up, decay
};

// The configs of the embedded train_configs.json, in file order. Throws Error naming the config
// and field when the file is malformed (it is checked by the train_tests suite).
const std::vector<TrainConfig>& train_configs();
// The config named `name`. Throws RegistryError with the nearest known names.
const TrainConfig& train_config(const std::string& name);
// The demo's own caption templates (each with one "{}"), distinct from the evaluation prompts.
const std::vector<std::string>& demo_caption_templates();
// The config the demo trains ("demo"."config").
const std::string& demo_config_name();

}  // namespace clipbench::train
