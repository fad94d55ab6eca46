// The zero-shot classifier (class text embeddings from names x templates) and its prompt modes.
#pragma once

#include <ATen/Tensor.h>

#include <string>
#include <vector>

#include "clip/clip_model.h"
#include "clip/tokenizer.h"
#include "datasets/prompts.h"

namespace clipbench::harness {

// A way of turning a dataset's prompts into the texts of each class:
//   raw       the bare class name, "{}" (all of the class's names)
//   single    "a photo of a {}." (all names)
//   ensemble  the dataset's templates from prompts/<id>.json (all names x templates)
struct PromptMode {
  std::string name;
  std::string description;
  // The templates this mode uses for the prompt set (each with one "{}").
  std::vector<std::string> (*templates)(const datasets::PromptSet& prompts);
};

// Throws RegistryError (near matches) for an unknown mode. Order: raw, single, ensemble.
const PromptMode& prompt_mode(const std::string& name);
std::vector<std::string> prompt_mode_names();

// The zero-shot classifier of openai/CLIP's notebook, generalised to several names per class:
// for each class, encode every template filled with every name of the class, L2-normalise each
// text feature, average, L2-normalise again. Returns float32 [embed_dim, C] on the model's device
// (columns unit-norm). Texts are tokenized with context model->config().context_length (error for
// a text that does not fit, unless truncate) and encoded `text_batch` at a time.
at::Tensor zero_shot_classifier(CLIP& model, const TextTokenizer& tokenizer,
                                const std::vector<std::vector<std::string>>& class_names,
                                const std::vector<std::string>& templates, bool truncate = false,
                                int64_t text_batch = 256);

// Zero-shot logits: 100 * L2-normalised image features [B, D] @ classifier [D, C] -> [B, C]
// float32 (CLIP's fixed 100 scale, as the reference evaluation does).
at::Tensor zero_shot_logits(const at::Tensor& image_features, const at::Tensor& classifier);

// "sha256:<hex>" over the class names and templates (one canonical JSON text), so results name the
// exact prompt set they were computed with.
std::string template_set_hash(const std::vector<std::vector<std::string>>& class_names,
                              const std::vector<std::string>& templates);

}  // namespace clipbench::harness
