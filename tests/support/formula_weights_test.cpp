// Tests for tests/support/formula_weights.h (the fixtures' formula, checked against hand-computed
// values).
#include "tests/support/formula_weights.h"

#include <cmath>

#include "tests/support/catch.h"

using namespace clipbench::test;

TEST_CASE("fnv1a32 matches the published FNV-1a test values", "[unit]") {
  CHECK(fnv1a32("") == 0x811C9DC5u);
  CHECK(fnv1a32("a") == 0xE40C292Cu);
  CHECK(fnv1a32("visual.proj") == 0x70DA7C66u);
}

TEST_CASE("formula_u follows the README's definition", "[unit]") {
  const uint32_t h = fnv1a32("visual.proj");
  CHECK(formula_u(0, h) == Approx(0.43330418108962476).epsilon(1e-15));
  CHECK(formula_u(5, h) == Approx(0.2718299776315689).epsilon(1e-15));
  // (i + 1) * 2654435761 exceeds 2^32 many times over here; only its low 32 bits count.
  CHECK(formula_u(1000000000, fnv1a32("x")) == Approx(0.12004776066169143).epsilon(1e-15));
}

TEST_CASE("fnv1a64 and splitmix64_u follow the README's formula 2", "[unit]") {
  CHECK(fnv1a64("") == 0xCBF29CE484222325ull);
  CHECK(fnv1a64("a") == 0xAF63DC4C8601EC8Cull);  // the published FNV-1a 64 test value
  CHECK(fnv1a64("visual.proj") == 0x379D870311AC6766ull);
  // Values from an independent Python implementation of the README's definition (integers mod
  // 2^64).
  const uint64_t h = fnv1a64("visual.proj");
  CHECK(splitmix64_u(0, h) == Approx(0.004138220308433249).epsilon(1e-15));
  CHECK(splitmix64_u(5, h) == Approx(-0.26591459526637085).epsilon(1e-15));
  CHECK(splitmix64_u(1000000000, fnv1a64("x")) == Approx(0.03612283441153685).epsilon(1e-15));
  const auto proj = formula_tensor("visual.proj", {768, 512}, Fill::kSplitmix64);
  CHECK(proj.view(-1)[3].item<float>() == Approx(0.05387671028208098).epsilon(1e-6));
  CHECK(formula_image(4, Fill::kSplitmix64).view(-1)[7].item<float>() ==
        Approx(-0.8107831943224619).epsilon(1e-6));
}

TEST_CASE("fill_of reads an entry's fill field", "[unit]") {
  CHECK(fill_of(nlohmann::json::object()) == Fill::kFormula1);
  CHECK(fill_of(nlohmann::json{{"fill", "splitmix64"}}) == Fill::kSplitmix64);
  CHECK_THROWS_WITH(fill_of(nlohmann::json{{"fill", "xorshift"}}), Catch::Contains("xorshift"));
}

TEST_CASE("formula_tensor applies the per-key rules", "[unit]") {
  const float ln100 = static_cast<float>(std::log(100.0));
  CHECK(formula_tensor("logit_scale", {}).item<float>() == ln100);
  CHECK(formula_tensor("visual.bn1.num_batches_tracked", {}).item<float>() == 0.0f);

  const auto proj = formula_tensor("visual.proj", {768, 512});
  CHECK(proj.scalar_type() == torch::kFloat);
  CHECK(proj.sizes() == torch::IntArrayRef({768, 512}));
  // u_3 * sqrt(12 / fan_in), fan_in = 512
  CHECK(proj.view(-1)[3].item<float>() == Approx(-0.07174463166615895).epsilon(1e-6));

  const auto var = formula_tensor("visual.bn1.running_var", {1000});
  CHECK(var.min().item<float>() >= 1.0f);
  CHECK(var.max().item<float>() <= 1.5f);
  const auto mean = formula_tensor("visual.bn1.running_mean", {1000});
  CHECK(mean.abs().max().item<float>() <= 0.05f);
  const auto bias = formula_tensor("transformer.resblocks.0.attn.in_proj_bias", {1000});
  CHECK(bias.abs().max().item<float>() <= 0.05f);
  const auto ln = formula_tensor("ln_final.weight", {1000});
  CHECK(ln.min().item<float>() >= 0.9f);
  CHECK(ln.max().item<float>() <= 1.1f);
  const auto cls = formula_tensor("visual.class_embedding", {1000});
  CHECK(cls.abs().max().item<float>() <= 0.25f);
  CHECK(cls.abs().max().item<float>() > 0.2f);
}

TEST_CASE("formula_image is 2 * u_i of the key input.image", "[unit]") {
  const auto img = formula_image(4);
  REQUIRE(img.sizes() == torch::IntArrayRef({1, 3, 4, 4}));
  const uint32_t h = fnv1a32("input.image");
  CHECK(img.view(-1)[7].item<float>() == static_cast<float>(2.0 * formula_u(7, h)));
  CHECK(img.abs().max().item<float>() <= 1.0f);
}
