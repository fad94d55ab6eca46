// Hand-made result records for report and check tests.
#pragma once

#include <string>

#include "reports/result_record.h"

namespace clipbench::test {

// A complete record of one job; value in percent.
inline reports::ResultRecord make_record(const std::string& model, const std::string& dataset,
                                         const std::string& task, const std::string& prompt_mode,
                                         double value, const std::string& metric = "accuracy") {
  reports::ResultRecord r;
  r.model = model;
  r.checkpoint = "/models/" + model + ".pt";
  // One hash per model name, so records of one model share it.
  std::string hex;
  for (char c : model) hex += "0123456789abcdef"[static_cast<unsigned char>(c) % 16];
  while (hex.size() < 64) hex += "0";
  r.checkpoint_hash = "sha256:" + hex.substr(0, 64);
  r.dataset = dataset;
  r.split = "test";
  r.task = task;
  r.prompt_mode = prompt_mode;
  r.metric = metric;
  r.value = value;
  r.metrics = {{metric, value}};
  r.n = 1000;
  r.num_classes = 10;
  r.seconds = 2.0;
  r.images_per_second = 500.0;
  r.template_set_hash = task == "zero_shot" ? "sha256:abcd" : "";
  r.num_templates = prompt_mode == "ensemble" ? 8 : (task == "zero_shot" ? 1 : 0);
  r.device = "cpu";
  r.precision = "fp32";
  r.versions = {{"clipbench", "test"}};
  r.started_at = "2026-11-30T10:00:00Z";
  r.finished_at = "2026-11-30T10:00:02Z";
  return r;
}

}  // namespace clipbench::test
