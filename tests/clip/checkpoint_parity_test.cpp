// Every checkpoint format of the tiny fixtures, through build_model, reproduces the reference
// outputs.
#include <torch/torch.h>

#include "clip/checkpoint.h"
#include "clip/clip_model.h"
#include "clip/load_state_dict.h"
#include "clip/safetensors.h"
#include "tests/support/catch.h"
#include "tests/support/paths.h"

using namespace clipbench;
using clipbench::test::fixture;

namespace {

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  REQUIRE(a.sizes() == b.sizes());
  return (a - b).abs().max().item<double>();
}

}  // namespace

// What the tiny-rn rows prove: tiny-rn's image tower is nearly independent of its input (its
// golden's three images give features within ~1e-6 of each other), so its image rows check that
// each format's ResNet weights (attention pool, biases) are read into the right parameters, not the
// input path; the ModifiedResNet's input path is checked by open_clip's RN50-quickgelu under fill
// formula 2 (clip_model_test, architecture_test). Its text rows and all tiny-vit rows check both
// encoders.
TEST_CASE("tiny checkpoints in every format reproduce golden.safetensors", "[parity]") {
  struct Case {
    std::string model, file, golden_prefix;
  };
  const std::vector<Case> cases = {
      {"tiny-vit", "tiny-vit/model.safetensors", ""},
      {"tiny-vit", "tiny-vit/state_dict.pt", ""},
      {"tiny-vit", "tiny-vit/openai-jit.pt", "fp16_weights."},
      {"tiny-vit", "tiny-vit-hf", ""},
      {"tiny-rn", "tiny-rn/model.safetensors", ""},
      {"tiny-rn", "tiny-rn/openai-jit.pt", "fp16_weights."},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    const auto golden =
        read_safetensors(fixture("models/" + c.model + "/golden.safetensors")).tensors;
    const auto ck = read_checkpoint(fixture("models/" + c.file));
    CLIP model = build_model(ck.state_dict, ck.path);
    torch::NoGradGuard no_grad;
    const auto image = model->encode_image(golden.at("input.image"));
    const auto text = model->encode_text(golden.at("input.text"));
    const double di = max_abs_diff(image, golden.at(c.golden_prefix + "image_features"));
    const double dt = max_abs_diff(text, golden.at(c.golden_prefix + "text_features"));
    UNSCOPED_INFO(c.file << ": image max abs diff " << di << ", text " << dt);
    CHECK(di < 1e-4);
    CHECK(dt < 1e-4);
    CHECK(model->logit_scale.item<double>() == Approx(golden.at("logit_scale").item<double>()));
    if (c.golden_prefix.empty()) {
      const auto img = image / image.norm(2, -1, true);
      const auto txt = text / text.norm(2, -1, true);
      const auto logits = model->logit_scale.exp() * img.matmul(txt.t());
      CHECK(max_abs_diff(logits, golden.at("logits_per_image")) < 1e-3);
    }
  }
}
