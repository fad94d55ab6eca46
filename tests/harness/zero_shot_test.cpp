// Tests of the zero-shot classifier, logits, prompt modes and template-set hash on the tiny-vit
// fixture checkpoint.
#include "harness/zero_shot.h"

#include <torch/torch.h>

#include "clip/checkpoint.h"
#include "clip/errors.h"
#include "clip/load_state_dict.h"
#include "datasets/prompts.h"
#include "tests/support/catch.h"
#include "tests/support/paths.h"

using namespace clipbench;
using clipbench::test::fixture;
using clipbench::test::reference;

namespace {

CLIP tiny_vit() {
  const Checkpoint ck = read_checkpoint(fixture("models/tiny-vit/model.safetensors"));
  return build_model(ck.state_dict, ck.path);
}

const Tokenizer& tokenizer() {
  static const Tokenizer t =
      Tokenizer::from_file(reference("openai-clip/bpe_simple_vocab_16e6.txt.gz"));
  return t;
}

}  // namespace

TEST_CASE("zero_shot_classifier averages normalised name x template features per class", "[unit]") {
  CLIP model = tiny_vit();
  const std::vector<std::vector<std::string>> classes = {{"dog", "puppy"}, {"cat"}};
  const std::vector<std::string> templates = {"a photo of a {}.", "a drawing of a {}."};
  const at::Tensor w = harness::zero_shot_classifier(model, tokenizer(), classes, templates);
  REQUIRE(w.sizes() == at::IntArrayRef({model->config().embed_dim, 2}));
  CHECK(torch::allclose(w.norm(2, 0), torch::ones({2}), 1e-5, 1e-6));

  // By hand: the first class has 2 names x 2 templates = 4 texts.
  torch::NoGradGuard no_grad;
  const auto tokens = tokenizer().tokenize(
      {"a photo of a dog.", "a drawing of a dog.", "a photo of a puppy.", "a drawing of a puppy."},
      model->config().context_length, false);
  at::Tensor f = model->encode_text(tokens);
  f = f / f.norm(2, -1, true);
  at::Tensor mean = f.mean(0);
  mean = mean / mean.norm();
  CHECK(torch::allclose(w.select(1, 0), mean, 1e-5, 1e-6));

  // Batching the texts differently gives the same columns.
  const at::Tensor w1 = harness::zero_shot_classifier(model, tokenizer(), classes, templates, false,
                                                      /*text_batch=*/1);
  CHECK(torch::allclose(w, w1, 1e-5, 1e-6));
}

TEST_CASE("zero_shot_logits are 100 x cosine similarities", "[unit]") {
  const at::Tensor features = torch::tensor({{3.0f, 4.0f}, {0.0f, -2.0f}});
  const at::Tensor classifier = torch::tensor({{1.0f, 0.0f}, {0.0f, 1.0f}});
  const at::Tensor logits = harness::zero_shot_logits(features, classifier);
  const at::Tensor expected = torch::tensor({{60.0f, 80.0f}, {0.0f, -100.0f}});
  CHECK(torch::allclose(logits, expected, 1e-5, 1e-5));
}

TEST_CASE("prompt modes: raw is the bare name, single one template, ensemble the dataset's",
          "[unit]") {
  datasets::PromptSet p;
  p.templates = {"a photo of {}, a type of food.", "a {} dish."};
  CHECK(harness::prompt_mode("raw").templates(p) == std::vector<std::string>{"{}"});
  CHECK(harness::prompt_mode("single").templates(p) ==
        std::vector<std::string>{"a photo of a {}."});
  CHECK(harness::prompt_mode("ensemble").templates(p) == p.templates);
  CHECK(harness::prompt_mode_names() == std::vector<std::string>{"raw", "single", "ensemble"});
  try {
    harness::prompt_mode("ensmble");
    FAIL("no error");
  } catch (const RegistryError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("ensemble"));
  }
}

TEST_CASE("template_set_hash changes with any name or template", "[unit]") {
  const std::vector<std::vector<std::string>> a = {{"dog"}, {"cat"}};
  const std::vector<std::vector<std::string>> b = {{"dog"}, {"cats"}};
  const std::vector<std::string> t = {"a photo of a {}."};
  const std::string h = harness::template_set_hash(a, t);
  CHECK(h.rfind("sha256:", 0) == 0);
  CHECK(h.size() == 7 + 64);
  CHECK(h == harness::template_set_hash(a, t));
  CHECK(h != harness::template_set_hash(b, t));
  CHECK(h != harness::template_set_hash(a, {"a photo of the {}."}));
  // Moving a name between classes changes the hash even though the texts are the same.
  CHECK(harness::template_set_hash({{"a", "b"}, {"c"}}, t) !=
        harness::template_set_hash({{"a"}, {"b", "c"}}, t));
}
