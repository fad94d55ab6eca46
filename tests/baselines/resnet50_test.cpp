// Tests of the torchvision ResNet-50 baseline: key names, strict loading, and parity with
// torchvision on the fixture's formula weights (fixtures/models/full/torchvision-resnet50.json).
#include "baselines/resnet50.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "clip/errors.h"
#include "clip/safetensors.h"
#include "tests/support/catch.h"
#include "tests/support/formula_weights.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

using namespace clipbench;
using Catch::Contains;

namespace {

const nlohmann::json& fixture_json() {
  static const nlohmann::json j =
      test::read_json_file(test::fixture("models/full/torchvision-resnet50.json"));
  return j;
}

double relative_error(const torch::Tensor& out, const torch::Tensor& ref) {
  return ((out.to(torch::kDouble) - ref.to(torch::kDouble)).norm() / ref.to(torch::kDouble).norm())
      .item<double>();
}

torch::Tensor json_vector(const nlohmann::json& j) {
  return torch::tensor(j.get<std::vector<double>>(), torch::kDouble);
}

}  // namespace

TEST_CASE("ResNet50 has torchvision's state-dict keys and shapes", "[unit]") {
  baselines::ResNet50 model;
  std::map<std::string, std::vector<int64_t>> ours;
  for (const auto& p : model->named_parameters()) ours[p.key()] = p.value().sizes().vec();
  for (const auto& b : model->named_buffers()) ours[b.key()] = b.value().sizes().vec();
  std::map<std::string, std::vector<int64_t>> expected;
  for (const auto& [k, v] : fixture_json().at("state_dict_shapes").items())
    expected[k] = v.get<std::vector<int64_t>>();
  CHECK(ours.size() == 320);
  CHECK(ours == expected);
}

TEST_CASE("ResNet50 loading is strict and lists every bad key", "[unit]") {
  StateDict sd = test::formula_state_dict(fixture_json().at("state_dict_shapes"));
  sd.erase("layer2.0.downsample.1.running_var");
  sd["layer9.weight"] = torch::zeros({3});
  sd["layer1.0.conv1.weight"] = torch::zeros({64, 64, 3, 3});
  try {
    baselines::build_resnet50(sd, "bad.pth");
    FAIL("expected a ShapeMismatchError");
  } catch (const ShapeMismatchError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Contains("bad.pth"));
    CHECK_THAT(what, Contains("layer2.0.downsample.1.running_var"));
    CHECK_THAT(what, Contains("layer9.weight"));
    CHECK_THAT(what, Contains("layer1.0.conv1.weight"));
  }
  CHECK_THROWS_AS(baselines::build_resnet50({}, "empty.pth"), CheckpointError);
}

TEST_CASE("ResNet50 reproduces torchvision on the formula weights", "[parity]") {
  const auto& fx = fixture_json();
  const StateDict sd = test::formula_state_dict(fx.at("state_dict_shapes"));
  // Through the safetensors reader, with nn.DataParallel's "module." prefix.
  test::TempDir dir;
  StateDict prefixed;
  for (const auto& kv : sd) prefixed["module." + kv.first] = kv.second;
  write_safetensors(dir.file("resnet50.safetensors"), prefixed);
  baselines::ResNet50 model = baselines::load_resnet50(dir.file("resnet50.safetensors"));
  REQUIRE_FALSE(model->is_training());
  torch::NoGradGuard no_grad;
  const torch::Tensor image = test::formula_image(baselines::kResNet50Resolution);
  const torch::Tensor features = model->features(image);
  REQUIRE(features.sizes() == torch::IntArrayRef({1, 2048}));
  const torch::Tensor logits = model->forward(image);
  REQUIRE(logits.sizes() == torch::IntArrayRef({1, 1000}));
  const double e_features = relative_error(features[0], json_vector(fx.at("pooled_features")));
  const double e_logits =
      relative_error(logits[0].slice(0, 0, 10), json_vector(fx.at("logits_first10")));
  INFO("relative errors: pooled features " << e_features << ", logits[:10] " << e_logits);
  CHECK(e_features < 1e-4);
  CHECK(e_logits < 1e-4);
}
