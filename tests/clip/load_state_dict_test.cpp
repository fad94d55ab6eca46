// Tests for clip/load_state_dict.h: strict loading and its error report, dtype up-casting,
// build_model.
#include "clip/load_state_dict.h"

#include <torch/torch.h>

#include <functional>
#include <string>

#include "clip/errors.h"
#include "tests/support/catch.h"

using namespace clipbench;

namespace {

// A module with a parameter, a nested Linear and a BatchNorm (buffers, including an int64 one).
struct ToyImpl : torch::nn::Module {
  ToyImpl() {
    scale = register_parameter("scale", torch::ones({3}));
    fc = register_module("fc", torch::nn::Linear(4, 3));
    bn = register_module("bn", torch::nn::BatchNorm1d(3));
  }
  torch::Tensor scale;
  torch::nn::Linear fc{nullptr};
  torch::nn::BatchNorm1d bn{nullptr};
};
TORCH_MODULE(Toy);

StateDict toy_state(torch::Dtype dtype = torch::kFloat) {
  StateDict sd;
  sd["scale"] = torch::arange(3, dtype);
  sd["fc.weight"] = torch::arange(12, dtype).view({3, 4});
  sd["fc.bias"] = torch::full({3}, 0.5, dtype);
  sd["bn.weight"] = torch::full({3}, 2.0, dtype);
  sd["bn.bias"] = torch::full({3}, -1.0, dtype);
  sd["bn.running_mean"] = torch::full({3}, 0.25, dtype);
  sd["bn.running_var"] = torch::full({3}, 4.0, dtype);
  sd["bn.num_batches_tracked"] = torch::full({}, 7.0, dtype);
  return sd;
}

template <typename E>
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  FAIL("no exception of the expected type");
  return {};
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("load_state_dict_strict copies every parameter and buffer", "[unit]") {
  Toy toy;
  load_state_dict_strict(*toy, toy_state(), "toy.safetensors");
  CHECK(torch::equal(toy->scale, torch::arange(3, torch::kFloat)));
  CHECK(torch::equal(toy->fc->weight, torch::arange(12, torch::kFloat).view({3, 4})));
  CHECK(torch::equal(toy->bn->running_var, torch::full({3}, 4.0)));
  CHECK(toy->bn->num_batches_tracked.scalar_type() == torch::kLong);
  CHECK(toy->bn->num_batches_tracked.item<int64_t>() == 7);
  CHECK(toy->scale.requires_grad());  // still a parameter
}

TEST_CASE("load_state_dict_strict up-casts fp16 tensors to the module dtype", "[unit]") {
  Toy toy;
  StateDict half = toy_state(torch::kHalf);
  half["fc.weight"] = torch::full({3, 4}, 0.1, torch::kHalf);  // 0.1 is not exact in fp16
  load_state_dict_strict(*toy, half, "half.pt");
  CHECK(toy->fc->weight.scalar_type() == torch::kFloat);
  CHECK(toy->fc->weight[0][0].item<float>() ==
        static_cast<float>(torch::full({}, 0.1, torch::kHalf).item<at::Half>()));
  CHECK(torch::equal(toy->bn->bias, torch::full({3}, -1.0)));
}

TEST_CASE("load_state_dict_strict reports every missing, unexpected and mis-shaped key", "[unit]") {
  Toy toy;
  const auto before = toy->fc->weight.clone();
  StateDict sd = toy_state();
  sd.erase("fc.bias");
  sd.erase("bn.running_mean");
  sd["fc.extra"] = torch::zeros({5});
  sd["module.scale"] = torch::zeros({3});
  sd["fc.weight"] = torch::zeros({4, 3});
  sd["scale"] = torch::zeros({3, 1});

  const auto msg = message_of<ShapeMismatchError>(
      [&] { load_state_dict_strict(*toy, sd, "/ckpt/broken.safetensors"); });
  CHECK(contains(msg, "/ckpt/broken.safetensors"));
  CHECK(contains(msg, "2 missing, 2 unexpected, 2 mis-shaped"));
  CHECK(contains(msg, "missing: fc.bias (model [3])"));
  CHECK(contains(msg, "missing: bn.running_mean (model [3])"));
  CHECK(contains(msg, "unexpected: fc.extra (checkpoint [5])"));
  CHECK(contains(msg, "unexpected: module.scale (checkpoint [3])"));
  CHECK(contains(msg, "mis-shaped: fc.weight (checkpoint [4, 3], model [3, 4])"));
  CHECK(contains(msg, "mis-shaped: scale (checkpoint [3, 1], model [3])"));
  // Nothing was copied.
  CHECK(torch::equal(toy->fc->weight, before));
}

TEST_CASE("load_state_dict_strict without shape errors throws a plain CheckpointError", "[unit]") {
  Toy toy;
  StateDict sd = toy_state();
  sd.erase("bn.num_batches_tracked");
  bool shape_error = false;
  std::string msg;
  try {
    load_state_dict_strict(*toy, sd, "a.pt");
  } catch (const ShapeMismatchError&) {
    shape_error = true;
  } catch (const CheckpointError& e) {
    msg = e.what();
  }
  CHECK_FALSE(shape_error);
  CHECK(contains(msg, "missing: bn.num_batches_tracked (model [])"));
  CHECK(contains(msg, "'a.pt'"));
}

TEST_CASE("build_model names the source when the config cannot be inferred", "[unit]") {
  StateDict sd;
  sd["text_projection"] = torch::zeros({64, 32});
  const auto msg = message_of<CheckpointError>([&] { build_model(sd, "/models/odd.pt"); });
  CHECK(contains(msg, "/models/odd.pt"));
  CHECK(contains(msg, "visual.proj"));
}
