// Zero-shot class embeddings, logits, the prompt-mode registry and the template-set hash.
#include "harness/zero_shot.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "clip/errors.h"
#include "clip/registry.h"
#include "harness/sha256.h"

namespace clipbench::harness {
namespace {

std::vector<std::string> raw_templates(const datasets::PromptSet&) { return {"{}"}; }
std::vector<std::string> single_templates(const datasets::PromptSet&) {
  return {"a photo of a {}."};
}
std::vector<std::string> ensemble_templates(const datasets::PromptSet& prompts) {
  return prompts.templates;
}

const Registry<PromptMode>& modes() {
  static const Registry<PromptMode> registry = [] {
    Registry<PromptMode> r("prompt mode");
    r.add("raw", {"raw", "the bare class name", raw_templates});
    r.add("single", {"single", "one template, \"a photo of a {}.\"", single_templates});
    r.add("ensemble",
          {"ensemble", "the dataset's templates from prompts/<id>.json", ensemble_templates});
    return r;
  }();
  return registry;
}

}  // namespace

const PromptMode& prompt_mode(const std::string& name) { return modes().at(name); }
std::vector<std::string> prompt_mode_names() { return modes().names(); }

at::Tensor zero_shot_classifier(CLIP& model, const TextTokenizer& tokenizer,
                                const std::vector<std::vector<std::string>>& class_names,
                                const std::vector<std::string>& templates, bool truncate,
                                int64_t text_batch) {
  if (class_names.empty()) throw Error("zero_shot_classifier: no classes");
  if (templates.empty()) throw Error("zero_shot_classifier: no templates");
  if (text_batch < 1) throw Error("zero_shot_classifier: text batch must be at least 1");
  torch::NoGradGuard no_grad;
  std::vector<at::Tensor> columns;
  columns.reserve(class_names.size());
  for (size_t c = 0; c < class_names.size(); ++c) {
    if (class_names[c].empty())
      throw Error(fmt::format("zero_shot_classifier: class {} has no name", c));
    std::vector<std::string> texts;
    for (const auto& name : class_names[c])
      for (const auto& t : templates) texts.push_back(datasets::fill_template(t, name));
    std::vector<at::Tensor> feats;
    for (size_t start = 0; start < texts.size(); start += static_cast<size_t>(text_batch)) {
      const size_t end = std::min(texts.size(), start + static_cast<size_t>(text_batch));
      std::vector<std::string> chunk(texts.begin() + start, texts.begin() + end);
      const auto tokens = tokenizer.tokenize(chunk, model->config().context_length, truncate);
      feats.push_back(model->encode_text(tokens).to(torch::kFloat32));
    }
    at::Tensor f = torch::cat(feats, 0);
    f = f / f.norm(2, -1, true);
    at::Tensor mean = f.mean(0);
    columns.push_back(mean / mean.norm());
  }
  return torch::stack(columns, 1);
}

at::Tensor zero_shot_logits(const at::Tensor& image_features, const at::Tensor& classifier) {
  const at::Tensor f = image_features.to(torch::kFloat32);
  return 100.0 * (f / f.norm(2, -1, true)).matmul(classifier.to(f.device()));
}

std::string template_set_hash(const std::vector<std::vector<std::string>>& class_names,
                              const std::vector<std::string>& templates) {
  const nlohmann::json j = {{"classes", class_names}, {"templates", templates}};
  return sha256_string(j.dump());
}

}  // namespace clipbench::harness
