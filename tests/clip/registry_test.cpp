// Tests for clip/registry.h.
#include "clip/registry.h"

#include "clip/errors.h"
#include "tests/support/catch.h"

using clipbench::Registry;
using clipbench::RegistryError;

TEST_CASE("a registry rejects duplicates and suggests near matches for unknown names", "[unit]") {
  Registry<int> r("dataset");
  r.add("cifar10", 1);
  r.add("cifar100", 2);
  r.add("imagenet1k", 3);
  CHECK(r.at("cifar100") == 2);
  CHECK(r.names() == std::vector<std::string>{"cifar10", "cifar100", "imagenet1k"});
  CHECK_THROWS_AS(r.add("cifar10", 4), RegistryError);
  try {
    r.at("cifar-10");
    FAIL("expected RegistryError");
  } catch (const RegistryError& e) {
    const std::string msg = e.what();
    CHECK(msg.find("unknown dataset 'cifar-10'") != std::string::npos);
    CHECK(msg.find("did you mean cifar10") != std::string::npos);
    CHECK(msg.find("imagenet1k") != std::string::npos);  // the known list
  }
  CHECK(clipbench::edit_distance("kitten", "sitting") == 3);
}
