// Tests for `clipbench datasets` as a user runs it: the catalogue as a table or JSON, and where
// each dataset was found under --data-root.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/catch.h"
#include "tests/support/image_files.h"
#include "tests/support/run_command.h"

using Catch::Contains;
using clipbench::test::clipbench_exe;
using clipbench::test::run_command;
namespace fs = std::filesystem;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A user catalogue folder with one ImageFolder entry, and a data root holding it.
struct UserSetup {
  fs::path catalogue, data;
};

UserSetup user_setup() {
  const fs::path dir = clipbench::test::test_dir("cli_datasets");
  UserSetup s{dir / "catalogue", dir / "data"};
  write_text(dir / "prompts.json", R"({"schema_version": 1, "dataset": "mine",
    "display_name": "Mine", "source": "ours", "classes": [["cat"], ["dog"], ["bird"]],
    "templates": ["a photo of a {}."]})");
  write_text(s.catalogue / "mine.json", R"({"schema_version": 1, "id": "mine",
    "display_name": "Mine", "metric": "mean_per_class_recall", "num_classes": 4,
    "prompt_classes": 3, "class_count_note": "one class has no images yet",
    "splits": ["all"], "eval_split": "all", "probe_train_split": "all",
    "probe_val_split": "holdout", "probe_val_rule": "every tenth image",
    "layouts": [{"format": "imagefolder", "path": "my_photos"}],
    "source": "our photos", "from_paper": false, "prompts": "../prompts.json"})");
  fs::create_directories(s.data / "my_photos" / "cat");
  return s;
}

}  // namespace

TEST_CASE("clipbench datasets lists the catalogue as a table", "[unit]") {
  const auto r = run_command(clipbench_exe() + " datasets");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("id") && Contains("metric") && Contains("layouts"));
  CHECK_THAT(r.out, Contains("fashion_mnist") && Contains("Fashion-MNIST (not in paper)") &&
                        Contains("accuracy") && Contains("train,test") &&
                        Contains("mnist-idx:fashion-mnist"));
  CHECK_THAT(r.out, Contains("Layout formats"));
  // Without --data-root there is no "found" column.
  const std::string header = r.out.substr(
      r.out.find("\nid ") + 1, r.out.find('\n', r.out.find("\nid ") + 1) - r.out.find("\nid ") - 1);
  CHECK_THAT(header, Contains("layouts") && !Contains("found"));
}

TEST_CASE("clipbench datasets --json prints every entry", "[unit]") {
  const auto r = run_command(clipbench_exe() + " datasets --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.at("datasets").is_array());
  const auto& last = j.at("datasets").back();
  CHECK(last.at("id") == "fashion_mnist");
  CHECK(last.at("display_name") == "Fashion-MNIST");
  CHECK(last.at("metric") == "accuracy");
  CHECK(last.at("num_classes") == 10);
  CHECK(last.at("prompt_classes") == 10);
  CHECK(last.at("splits") == nlohmann::json{"train", "test"});
  CHECK(last.at("probe_val_split") == "holdout");
  CHECK(last.at("from_paper") == false);
  REQUIRE(last.at("layouts").size() == 1);
  CHECK(last.at("layouts")[0].at("format") == "mnist-idx");
  CHECK(last.at("layouts")[0].at("path") == "fashion-mnist");
  CHECK_FALSE(last.contains("found"));
  CHECK_FALSE(j.contains("data_root"));
}

TEST_CASE("clipbench datasets --data-root shows where each dataset was found", "[unit]") {
  const UserSetup s = user_setup();
  const std::string base = clipbench_exe() + " datasets --catalogue-dir " + s.catalogue.string() +
                           " --data-root " + s.data.string();
  const auto table = run_command(base);
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Contains("found") && Contains("not found"));
  CHECK_THAT(table.out, Contains((s.data / "my_photos").string() + " (imagefolder)"));
  CHECK_THAT(table.out, Contains("4 (prompts 3)*") && Contains("one class has no images yet"));
  CHECK_THAT(table.out, Contains("found 1 of"));

  const auto r = run_command(base + " --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("data_root") == s.data.string());
  bool seen_mine = false;
  for (const auto& d : j.at("datasets")) {
    INFO(d.at("id"));
    REQUIRE(d.contains("found"));
    if (d.at("id") == "mine") {
      seen_mine = true;
      CHECK(d.at("found").at("format") == "imagefolder");
      CHECK(d.at("found").at("path") == (s.data / "my_photos").string());
      CHECK(d.at("layouts")[0].at("available") == true);
      CHECK_THAT(d.at("layouts")[0].at("description").get<std::string>(), Contains("torchvision"));
    } else {
      CHECK(d.at("found").is_null());
    }
  }
  CHECK(seen_mine);
}

TEST_CASE("clipbench datasets: a missing --data-root or a bad catalogue entry exits 2", "[unit]") {
  const auto missing =
      run_command(clipbench_exe() + " datasets --data-root /nonexistent/clipbench 2>&1");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.out, Contains("/nonexistent/clipbench") && Contains("no such folder"));

  const fs::path dir = clipbench::test::test_dir("cli_datasets_bad");
  write_text(dir / "bad.json", R"({"schema_version": 1, "id": "bad"})");
  const auto bad =
      run_command(clipbench_exe() + " datasets --catalogue-dir " + dir.string() + " 2>&1");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.out, Contains((dir / "bad.json").string()) && Contains("missing field"));
}
