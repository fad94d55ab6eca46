// Tests of the dataset catalogue: the embedded entries against Table 9 and prompts/, the entry
// validation, user entries from a folder, and open_dataset on a user ImageFolder entry.
#include "datasets/catalogue.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "clip/errors.h"
#include "datasets/format_registry.h"
#include "datasets/prompts.h"
#include "tests/support/catch.h"
#include "tests/support/image_files.h"
#include "tests/support/paths.h"

using namespace clipbench;
using namespace clipbench::datasets;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json read_json(const std::string& path) {
  std::ifstream in(path);
  INFO(path);
  REQUIRE(in.good());
  return json::parse(in);
}

// Table 9 rows (../shared/reference/clip_paper.json datasets.items), in order.
std::vector<json> table9() {
  const json paper = read_json(test::reference("clip_paper.json"));
  return paper.at("datasets").at("items").get<std::vector<json>>();
}

// Table 9 prints metrics as words; the catalogue uses these names (DESIGN.md, Metrics).
std::string catalogue_metric(const std::string& printed) {
  static const std::map<std::string, std::string> kNames = {
      {"accuracy", "accuracy"},
      {"mean per class", "mean_per_class_recall"},
      {"mean-per-class", "mean_per_class_recall"},
      {"11-point mAP", "11_point_map"},
      {"mean(top1, top5)", "mean_top1_top5"},
      {"ROC AUC", "roc_auc"}};
  const auto it = kNames.find(printed);
  INFO("Table 9 metric " << printed);
  REQUIRE(it != kNames.end());
  return it->second;
}

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

void write_png(const fs::path& path, uint8_t value) {
  fs::create_directories(path.parent_path());
  test::PngSpec spec;
  spec.width = 2;
  spec.height = 1;
  spec.rows = {{value, value, value, value, value, value}};
  test::write_png_file(path.string(), spec);
}

// A user entry: an ImageFolder dataset "pets_at_home" with its own prompts file.
json user_entry() {
  return json::parse(R"({
    "schema_version": 1,
    "id": "pets_at_home",
    "display_name": "Pets at home",
    "metric": "accuracy",
    "num_classes": 2,
    "prompt_classes": 2,
    "splits": ["train", "test"],
    "eval_split": "test",
    "probe_train_split": "train",
    "probe_val_split": "holdout",
    "probe_val_rule": "the last 10% of each class of train",
    "layouts": [
      {"format": "filelist", "path": "pets_lists"},
      {"format": "imagefolder", "path": "pets"}
    ],
    "source": "our photos",
    "from_paper": false,
    "prompts": "pets_prompts.json"
  })");
}

const char* kUserPrompts = R"({
  "schema_version": 1, "dataset": "pets_at_home", "display_name": "Pets at home",
  "source": "ours", "classes": [["cat"], ["dog"]], "templates": ["a photo of my {}."]
})";

std::string parse_error(const json& entry) {
  try {
    parse_dataset_info(entry.dump(), "entry.json");
  } catch (const DatasetError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("entry.json"));
    return what;
  }
  return "no error";
}

}  // namespace

TEST_CASE("every embedded catalogue entry is valid", "[unit]") {
  const Catalogue& c = Catalogue::builtin();  // parses and validates every entry
  const auto ids = dataset_ids();
  REQUIRE_FALSE(ids.empty());
  CHECK(ids == c.ids());
  for (const auto& id : ids) {
    INFO(id);
    const DatasetInfo& d = dataset_info(id);
    CHECK(d.id == id);
    CHECK(d.prompts.empty());
    CHECK_FALSE(d.source.empty());
    for (const auto& layout : d.layouts) {
      CHECK_FALSE(fs::path(layout.path).is_absolute());
      CHECK(layout.path.find("..") == std::string::npos);
    }
    CHECK(&c.prompts(id) == &prompt_set(id));
  }
}

TEST_CASE("the embedded catalogue is every datasets/catalogue/*.json file", "[unit]") {
  std::set<std::string> on_disk;
  for (const auto& entry :
       fs::directory_iterator(std::string(CLIPBENCH_SOURCE_DIR) + "/datasets/catalogue")) {
    if (entry.path().extension() == ".json") on_disk.insert(entry.path().stem().string());
  }
  const auto ids = dataset_ids();
  // A file missing here was not listed in datasets/CMakeLists.txt (clipbench_embed_files).
  CHECK(std::set<std::string>(ids.begin(), ids.end()) == on_disk);
  // Each embedded entry states its version (the default of 1 is for user entries), and the
  // embedded catalogue holds the version the file says.
  for (const auto& id : on_disk) {
    INFO(id);
    std::ifstream in(std::string(CLIPBENCH_SOURCE_DIR) + "/datasets/catalogue/" + id + ".json");
    const json j = json::parse(in);
    REQUIRE(j.contains("version"));
    CHECK(dataset_info(id).version == j.at("version").get<int64_t>());
  }
}

// Fails on a build (or branch) that lacks one of the formats the embedded entries name.
TEST_CASE("every layout of the embedded catalogue names a registered format that reads its splits",
          "[unit]") {
  for (const auto& id : dataset_ids()) {
    const DatasetInfo& d = dataset_info(id);
    for (const auto& layout : d.layouts) {
      INFO(id << ": " << layout.format);
      CHECK(layout_available(layout));
    }
    for (const auto& split : d.splits) {
      INFO(id << ": split " << split);
      bool read = false;
      for (const auto& layout : d.layouts) {
        if (!layout_available(layout)) continue;
        const auto& splits = dataset_format(layout.format).splits;
        read = read || std::find(splits.begin(), splits.end(), split) != splits.end();
      }
      CHECK(read);
    }
  }
}

TEST_CASE("dataset_ids follow Table 9, then ayahoo, then fashion_mnist", "[unit]") {
  std::vector<std::string> order;
  for (const auto& item : table9()) order.push_back(item.at("id").get<std::string>());
  REQUIRE(order.size() == 27);
  order.push_back("ayahoo");
  order.push_back("fashion_mnist");
  const json file = read_json(std::string(CLIPBENCH_SOURCE_DIR) + "/datasets/catalogue_order.json");
  CHECK(file.at("ids").get<std::vector<std::string>>() == order);
  // dataset_ids() is the catalogued subset of that order.
  std::vector<std::string> expected;
  for (const auto& id : order) {
    if (Catalogue::builtin().contains(id)) expected.push_back(id);
  }
  CHECK(dataset_ids() == expected);
  CHECK(dataset_ids().back() == "fashion_mnist");
}

TEST_CASE("each entry's metric, class count and name equal Table 9 of the paper", "[unit]") {
  std::map<std::string, json> rows;
  for (const auto& item : table9()) rows[item.at("id").get<std::string>()] = item;
  for (const auto& id : dataset_ids()) {
    INFO(id);
    const DatasetInfo& d = dataset_info(id);
    const auto row = rows.find(id);
    if (row == rows.end()) {  // ayahoo (the paper's Table 1), fashion_mnist (ours)
      CHECK((id == "ayahoo" || id == "fashion_mnist"));
      CHECK(d.from_paper == (id == "ayahoo"));
      continue;
    }
    CHECK(d.from_paper);
    CHECK(d.display_name == row->second.at("name").get<std::string>());
    CHECK(d.metric == catalogue_metric(row->second.at("metric").get<std::string>()));
    CHECK(d.num_classes == row->second.at("classes").get<int64_t>());
  }
  const DatasetInfo& fashion = dataset_info("fashion_mnist");
  CHECK(fashion.metric == "accuracy");
  CHECK(fashion.num_classes == 10);
  CHECK(fashion.layouts.front().format == "mnist-idx");
  CHECK(fashion.layouts.front().path == "fashion-mnist");
}

TEST_CASE(
    "each entry's prompt_classes is its prompts file's class count, with a note when it "
    "differs from Table 9",
    "[unit]") {
  for (const auto& id : dataset_ids()) {
    INFO(id);
    const DatasetInfo& d = dataset_info(id);
    CHECK(d.prompt_classes == static_cast<int64_t>(prompt_set(id).classes.size()));
    if (d.prompt_classes != d.num_classes) CHECK_FALSE(d.class_count_note.empty());
  }
}

// Fails until every dataset helper's entries are merged (one entry per prompts file).
TEST_CASE("every prompts file has a catalogue entry", "[unit]") {
  const auto prompt_ids = prompt_set_ids();
  const auto ids = dataset_ids();
  CHECK(std::set<std::string>(ids.begin(), ids.end()) ==
        std::set<std::string>(prompt_ids.begin(), prompt_ids.end()));
}

TEST_CASE("an unknown dataset id names near matches", "[unit]") {
  try {
    dataset_info("fashion_mnst");
    FAIL("no error");
  } catch (const RegistryError& e) {
    CHECK_THAT(std::string(e.what()),
               Catch::Contains("'fashion_mnst'") && Catch::Contains("did you mean fashion_mnist"));
  }
}

TEST_CASE("parse_dataset_info rejects invalid entries naming the entry and the field", "[unit]") {
  const DatasetInfo ok = parse_dataset_info(user_entry().dump(), "entry.json");
  CHECK(ok.id == "pets_at_home");
  CHECK(ok.layouts.size() == 2);
  CHECK(ok.layouts[1].format == "imagefolder");
  CHECK(ok.class_count_note.empty());
  CHECK(ok.version == 1);  // not given: 1

  json e = user_entry();
  e["version"] = 3;
  CHECK(parse_dataset_info(e.dump(), "entry.json").version == 3);
  e["version"] = 0;
  CHECK_THAT(parse_error(e), Catch::Contains("'version' is 0, expected a positive integer"));
  e["version"] = "2";
  CHECK_THAT(parse_error(e), Catch::Contains("'version' is \"2\", expected a positive integer"));

  e = user_entry();
  e.erase("metric");
  CHECK_THAT(parse_error(e), Catch::Contains("missing field 'metric'"));
  e = user_entry();
  e["metric"] = "top5";
  CHECK_THAT(parse_error(e), Catch::Contains("metric 'top5' is not one of accuracy"));
  e = user_entry();
  e["colour"] = "red";
  CHECK_THAT(parse_error(e), Catch::Contains("unknown field 'colour'"));
  e = user_entry();
  e["schema_version"] = 2;
  CHECK_THAT(parse_error(e), Catch::Contains("schema_version 2 is not supported"));
  e = user_entry();
  e["num_classes"] = 0;
  CHECK_THAT(parse_error(e), Catch::Contains("'num_classes' is 0, expected a positive integer"));
  e = user_entry();
  e["num_classes"] = 3;
  CHECK_THAT(parse_error(e), Catch::Contains("class_count_note must say why"));
  e["class_count_note"] = "one class was dropped";
  CHECK(parse_error(e) == "no error");
  e = user_entry();
  e["eval_split"] = "val";
  CHECK_THAT(parse_error(e), Catch::Contains("eval_split 'val' is not one of the splits"));
  e = user_entry();
  e["probe_val_rule"] = "";
  CHECK_THAT(parse_error(e), Catch::Contains("probe_val_rule must state"));
  e = user_entry();
  e["probe_train_split"] = "";
  CHECK_THAT(parse_error(e), Catch::Contains("give both, or both"));
  e["probe_val_split"] = "";
  e["probe_val_rule"] = "";
  const DatasetInfo zero_shot_only = parse_dataset_info(e.dump(), "entry.json");
  CHECK(zero_shot_only.probe_train_split.empty());
  CHECK(zero_shot_only.probe_val_split.empty());
  e.erase("probe_val_split");
  CHECK_THAT(parse_error(e),
             Catch::Contains("missing field 'probe_train_split' or 'probe_val_split'"));
  e = user_entry();
  e["probe_val_split"] = "dev";
  CHECK_THAT(parse_error(e), Catch::Contains("probe_val_split 'dev'"));
  e = user_entry();
  e["layouts"] = json::array();
  CHECK_THAT(parse_error(e), Catch::Contains("'layouts'"));
  e = user_entry();
  e["layouts"][0].erase("path");
  CHECK_THAT(parse_error(e), Catch::Contains("layout 0: missing field 'path'"));
  e = user_entry();
  e["id"] = "Pets";
  CHECK_THAT(parse_error(e), Catch::Contains("id 'Pets' must consist of"));
  e = user_entry();
  e["from_paper"] = "no";
  CHECK_THAT(parse_error(e), Catch::Contains("'from_paper' is \"no\", expected true or false"));
  CHECK_THAT(parse_error(json::array()), Catch::Contains("expected a JSON object"));
}

TEST_CASE("a user catalogue folder adds entries after the embedded ones and opens them", "[unit]") {
  const fs::path dir = test::test_dir("catalogue_user");
  const fs::path cat_dir = dir / "catalogue";
  const fs::path root = dir / "data";
  // Every *.json of the catalogue folder is an entry: the prompts file lives beside the folder.
  write_text(dir / "pets_prompts.json", kUserPrompts);
  write_text(cat_dir / "README.txt", "not an entry");
  json entry = user_entry();
  entry["prompts"] = "../pets_prompts.json";
  write_text(cat_dir / "pets_at_home.json", entry.dump(2));

  const Catalogue c = Catalogue::with_user_dir(cat_dir.string());
  std::vector<std::string> expected = dataset_ids();
  expected.push_back("pets_at_home");
  CHECK(c.ids() == expected);
  CHECK(c.prompts("pets_at_home").templates == std::vector<std::string>{"a photo of my {}."});
  CHECK(fs::equivalent(c.info("pets_at_home").prompts, dir / "pets_prompts.json"));

  // Nothing on disk yet: the error lists every path looked for.
  fs::create_directories(root);
  try {
    c.open("pets_at_home", root.string(), "test");
    FAIL("no error");
  } catch (const DatasetError& e) {
    CHECK_THAT(std::string(e.what()),
               Catch::Contains("pets_at_home") &&
                   Catch::Contains((root / "pets_lists").string() + " (filelist)") &&
                   Catch::Contains((root / "pets").string() + " (imagefolder)"));
  }
  CHECK_FALSE(find_layout(c.info("pets_at_home"), root.string()));

  write_png(root / "pets" / "test" / "cat" / "1.png", 7);
  write_png(root / "pets" / "test" / "dog" / "2.png", 8);
  write_png(root / "pets" / "test" / "dog" / "3.png", 9);
  const auto found = find_layout(c.info("pets_at_home"), root.string());
  REQUIRE(found);
  CHECK(found->format == "imagefolder");
  CHECK(layout_root(*found, root.string()) == (root / "pets").string());
  const auto ds = c.open("pets_at_home", root.string(), "test");
  REQUIRE(ds->size() == 3);
  CHECK(ds->classes() == std::vector<std::string>{"cat", "dog"});
  CHECK(ds->get(2).label == 1);
  CHECK(load_sample_image(ds->get(2)).data[0] == 9);

  CHECK_THROWS_WITH(c.open("pets_at_home", root.string(), "val"),
                    Catch::Contains("no split 'val'"));
  CHECK_THROWS_AS(c.open("pets_at_hom", root.string(), "test"), RegistryError);

  // A third class folder: the adapter's count no longer matches the prompts.
  write_png(root / "pets" / "test" / "fish" / "4.png", 1);
  CHECK_THROWS_WITH(c.open("pets_at_home", root.string(), "test"),
                    Catch::Contains("has 3 class folders, expected 2"));

  // The filelist layout comes first when present; it takes the prompts' names as its classes.
  write_text(root / "pets_lists" / "test.csv", "path,label\n../pets/test/dog/2.png,dog\n");
  const auto listed = c.open("pets_at_home", root.string(), "test");
  CHECK(listed->classes() == std::vector<std::string>{"cat", "dog"});
  REQUIRE(listed->size() == 1);
  CHECK(listed->get(0).label == 1);
  // A class count that disagrees with the prompts is caught after opening.
  write_text(root / "pets_lists" / "classes.txt", "cat\ndog\nfish\n");
  CHECK_THROWS_WITH(c.open("pets_at_home", root.string(), "test"),
                    Catch::Contains("lists 3 classes, expected 2"));
}

TEST_CASE("a user catalogue folder is validated entry by entry", "[unit]") {
  const fs::path dir = test::test_dir("catalogue_user_errors");
  write_text(dir / "pets_prompts.json", kUserPrompts);
  auto with_entry = [&](const json& entry, const std::string& name) {
    const fs::path cat_dir = dir / name;
    json e = entry;
    e["prompts"] = "../pets_prompts.json";
    write_text(cat_dir / "entry.json", e.dump(2));
    return cat_dir.string();
  };
  json e = user_entry();
  e["layouts"][1]["format"] = "imagefoldr";
  CHECK_THROWS_WITH(Catalogue::with_user_dir(with_entry(e, "bad_format")),
                    Catch::Contains("entry.json") && Catch::Contains("did you mean imagefolder"));

  e = user_entry();
  e["prompt_classes"] = 3;
  e["class_count_note"] = "x";
  CHECK_THROWS_WITH(Catalogue::with_user_dir(with_entry(e, "bad_count")),
                    Catch::Contains("prompt_classes is 3 but") &&
                        Catch::Contains("pets_prompts.json has 2 classes"));

  e = user_entry();
  e["id"] = "fashion_mnist";
  CHECK_THROWS_WITH(Catalogue::with_user_dir(with_entry(e, "duplicate")),
                    Catch::Contains("entry.json") && Catch::Contains("registered twice"));

  e = user_entry();
  e["id"] = "no_prompts_here";
  const fs::path no_prompts = dir / "no_prompts";
  e.erase("prompts");
  write_text(no_prompts / "entry.json", e.dump(2));
  CHECK_THROWS_WITH(Catalogue::with_user_dir(no_prompts.string()),
                    Catch::Contains("no 'prompts' field"));

  CHECK_THROWS_AS(Catalogue::with_user_dir((dir / "absent").string()), FileError);
}

TEST_CASE("open_dataset: a missing data root lists every layout path looked for", "[unit]") {
  try {
    open_dataset("fashion_mnist", "/nonexistent/clipbench-data", "test");
    FAIL("no error");
  } catch (const DatasetError& e) {
    CHECK_THAT(std::string(e.what()),
               Catch::Contains("fashion_mnist") &&
                   Catch::Contains("/nonexistent/clipbench-data/fashion-mnist") &&
                   Catch::Contains("no such folder"));
  }
  CHECK_THROWS_WITH(open_dataset("fashion_mnist", "/nonexistent", "val"),
                    Catch::Contains("no split 'val'"));
}
