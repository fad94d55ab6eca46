// Tests for clip/clip_model.h: parity of both encoders on the nine released architectures (formula
// weights), the module layout of the tiny fixtures, and input checks.
#include "clip/clip_model.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "clip/errors.h"
#include "clip/load_state_dict.h"
#include "tests/support/catch.h"
#include "tests/support/formula_weights.h"
#include "tests/support/paths.h"

using namespace clipbench;

namespace {

double rel_err(const torch::Tensor& out, const torch::Tensor& ref) {
  const auto o = out.to(torch::kDouble), r = ref.to(torch::kDouble);
  return (o - r).norm().item<double>() / r.norm().item<double>();
}

torch::Tensor json_tensor(const nlohmann::json& j) {
  std::vector<double> flat;
  std::vector<int64_t> shape;
  if (j.at(0).is_array()) {
    shape = {static_cast<int64_t>(j.size()), static_cast<int64_t>(j.at(0).size())};
    for (const auto& row : j) {
      for (const auto& v : row) flat.push_back(v.get<double>());
    }
  } else {
    shape = {static_cast<int64_t>(j.size())};
    for (const auto& v : j) flat.push_back(v.get<double>());
  }
  return torch::tensor(flat, torch::kDouble).view(shape);
}

// Builds the architecture from formula weights, checks its config, and compares both encoders with
// the fixture's reference outputs (relative error below 1e-4).
void check_full_model(const std::string& file) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  const auto j = test::read_json_file(test::fixture("models/full/" + file + ".json"));
  CLIP model{nullptr};
  {
    const StateDict sd = test::formula_state_dict(j.at("state_dict_shapes"));
    model = build_model(sd, file);
  }  // the state dict is freed here; the model holds its own copy
  const auto t1 = clock::now();
  CHECK(to_json(model->config()) == j.at("config"));
  CHECK(model->logit_scale.item<double>() == Approx(std::log(100.0)).epsilon(1e-6));

  const auto image = test::formula_image(model->config().image_resolution);
  const auto image_features = model->encode_image(image);
  const auto t2 = clock::now();
  const auto tokens = json_tensor(j.at("text_ids")).to(torch::kLong);
  const auto text_features = model->encode_text(tokens);
  const auto t3 = clock::now();

  const auto ref_image = json_tensor(j.at("image_features")).view({1, -1});
  const auto ref_text = json_tensor(j.at("text_features"));
  REQUIRE(image_features.sizes() == ref_image.sizes());
  REQUIRE(text_features.sizes() == ref_text.sizes());
  const double image_err = rel_err(image_features, ref_image);
  const double text_err = rel_err(text_features, ref_text);
  auto secs = [](clock::duration d) { return std::chrono::duration<double>(d).count(); };
  std::printf(
      "[parity] %-15s image rel err %.3e  text rel err %.3e  (build %.1f s, image %.1f s, text "
      "%.1f s)\n",
      file.c_str(), image_err, text_err, secs(t1 - t0), secs(t2 - t1), secs(t3 - t2));
  std::fflush(stdout);
  CHECK(image_err < 1e-4);
  CHECK(text_err < 1e-4);
}

// Keys and shapes from a safetensors file's JSON header (no tensor data is read).
std::map<std::string, std::vector<int64_t>> safetensors_shapes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  unsigned char len_bytes[8];
  in.read(reinterpret_cast<char*>(len_bytes), 8);
  uint64_t len = 0;
  for (int i = 7; i >= 0; --i) len = (len << 8) | len_bytes[i];
  REQUIRE(len < (1u << 26));
  std::string header(len, '\0');
  in.read(&header[0], static_cast<std::streamsize>(len));
  REQUIRE(in);
  std::map<std::string, std::vector<int64_t>> shapes;
  const auto json = nlohmann::json::parse(header);
  for (const auto& item : json.items()) {
    if (item.key() == "__metadata__") continue;
    shapes[item.key()] = item.value().at("shape").get<std::vector<int64_t>>();
  }
  return shapes;
}

std::map<std::string, std::vector<int64_t>> module_shapes(torch::nn::Module& m) {
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& p : m.named_parameters()) shapes[p.key()] = p.value().sizes().vec();
  for (const auto& b : m.named_buffers()) shapes[b.key()] = b.value().sizes().vec();
  return shapes;
}

CLIP tiny_vit() {
  const auto j = test::read_json_file(test::fixture("models/tiny-vit/config.json"));
  CLIP model(config_from_json(j.at("config")));
  model->eval();
  return model;
}

// n rows: start token, ids 320 + i + offset, the end token at end_pos, zero padding.
torch::Tensor tokens_with_end(int64_t n, int64_t offset, int64_t end_pos) {
  auto t = torch::zeros({n, 77}, torch::kLong);
  t.select(1, 0).fill_(49406);
  for (int64_t i = 1; i < end_pos; ++i) t.select(1, i).fill_(320 + i + offset);
  t.select(1, end_pos).fill_(49407);
  return t;
}

}  // namespace

TEST_CASE("RN50 encoders match the reference (formula weights)", "[parity]") {
  check_full_model("RN50");
}
TEST_CASE("RN101 encoders match the reference (formula weights)", "[parity]") {
  check_full_model("RN101");
}
TEST_CASE("RN50x4 encoders match the reference (formula weights)", "[parity]") {
  check_full_model("RN50x4");
}
TEST_CASE("RN50x16 encoders match the reference (formula weights)", "[parity]") {
  check_full_model("RN50x16");
}
TEST_CASE("RN50x64 encoders match the reference (formula weights)", "[parity]") {
  check_full_model("RN50x64");
}
TEST_CASE("ViT-B/32 encoders match the reference (formula weights)", "[parity]") {
  check_full_model("ViT-B-32");
}
TEST_CASE("ViT-B/16 encoders match the reference (formula weights)", "[parity]") {
  check_full_model("ViT-B-16");
}
TEST_CASE("ViT-L/14 encoders match the reference (formula weights)", "[parity]") {
  check_full_model("ViT-L-14");
}
TEST_CASE("ViT-L/14@336px encoders match the reference (formula weights)", "[parity]") {
  check_full_model("ViT-L-14-336px");
}

TEST_CASE("CLIP built from the tiny configs has exactly the checkpoint's keys and shapes",
          "[unit]") {
  for (const std::string name : {"tiny-vit", "tiny-rn"}) {
    INFO(name);
    const auto j = test::read_json_file(test::fixture("models/" + name + "/config.json"));
    const CLIPConfig config = config_from_json(j.at("config"));
    CLIP model(config);
    const auto expected =
        safetensors_shapes(test::fixture("models/" + name + "/model.safetensors"));
    const auto actual = module_shapes(*model);
    for (const auto& kv : expected) {
      INFO(kv.first);
      REQUIRE(actual.count(kv.first) == 1);
      CHECK(actual.at(kv.first) == kv.second);
    }
    for (const auto& kv : actual) {
      INFO(kv.first);
      CHECK(expected.count(kv.first) == 1);
    }
    // And the config comes back from those shapes.
    StateDict shapes_only;
    for (const auto& kv : expected) shapes_only[kv.first] = torch::zeros({}).expand(kv.second);
    CHECK(infer_config(shapes_only) == config);
  }
}

TEST_CASE("build_model round-trips a model's own state dict", "[unit]") {
  CLIP source = tiny_vit();
  StateDict sd;
  for (const auto& p : source->named_parameters()) sd[p.key()] = p.value().detach();
  for (const auto& b : source->named_buffers()) sd[b.key()] = b.value();
  CLIP rebuilt = build_model(sd, "in-memory");
  CHECK_FALSE(rebuilt->is_training());
  const auto image = torch::randn({2, 3, 32, 32});
  const auto tokens = tokens_with_end(2, 3, 5);
  CHECK(torch::equal(rebuilt->encode_image(image), source->encode_image(image)));
  CHECK(torch::equal(rebuilt->encode_text(tokens), source->encode_text(tokens)));
}

TEST_CASE("encode_text pools at the end token and ignores what follows it", "[unit]") {
  CLIP model = tiny_vit();
  auto tokens = tokens_with_end(1, 4, 6);
  const auto base = model->encode_text(tokens);
  REQUIRE(base.sizes() == torch::IntArrayRef({1, 32}));
  auto padded = tokens.clone();
  padded.narrow(1, 7, 10).fill_(1000);  // after the end token: masked out by causality
  CHECK(torch::equal(model->encode_text(padded), base));
  auto earlier = tokens.clone();
  earlier[0][2] = 999;  // before the end token: changes the feature
  CHECK_FALSE(torch::allclose(model->encode_text(earlier), base));
  // Rows are independent of the batch they are in.
  auto batch = torch::cat({tokens, tokens_with_end(1, 9, 20)}, 0);
  CHECK(torch::allclose(model->encode_text(batch)[0], base[0], 1e-5, 1e-6));
  CHECK_FALSE(model->encode_text(batch).requires_grad());
}

TEST_CASE("encoders reject inputs of the wrong shape, dtype or range", "[unit]") {
  CLIP model = tiny_vit();
  CHECK_THROWS_AS(model->encode_image(torch::zeros({1, 3, 64, 64})), Error);
  CHECK_THROWS_AS(model->encode_image(torch::zeros({3, 32, 32})), Error);
  CHECK_THROWS_AS(model->encode_image(torch::zeros({1, 3, 32, 32}, torch::kLong)), Error);
  CHECK(model->encode_image(torch::zeros({0, 3, 32, 32})).sizes() == torch::IntArrayRef({0, 32}));
  CHECK_THROWS_AS(model->encode_text(torch::zeros({1, 76}, torch::kLong)), Error);
  CHECK_THROWS_AS(model->encode_text(torch::zeros({1, 77}, torch::kFloat)), Error);
  auto bad = tokens_with_end(1, 1, 3);
  bad[0][1] = 49408;
  CHECK_THROWS_AS(model->encode_text(bad), Error);
  bad[0][1] = -1;
  CHECK_THROWS_AS(model->encode_text(bad), Error);
  CHECK(model->encode_text(tokens_with_end(2, 1, 3).to(torch::kInt)).sizes() ==
        torch::IntArrayRef({2, 32}));
}
