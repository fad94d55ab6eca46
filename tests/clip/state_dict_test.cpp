// Tests for clip/state_dict.h.
#include "clip/state_dict.h"

#include <torch/torch.h>

#include "tests/support/catch.h"

using clipbench::shape_string;

TEST_CASE("shape_string formats shapes like the checkpoint error messages", "[unit]") {
  CHECK(shape_string(torch::zeros({768, 3, 32, 32}).sizes()) == "[768, 3, 32, 32]");
  CHECK(shape_string(torch::zeros({}).sizes()) == "[]");
  CHECK(shape_string(torch::zeros({5}).sizes()) == "[5]");
}
