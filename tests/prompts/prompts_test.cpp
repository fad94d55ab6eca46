// Checks of prompts/*.json (class names and templates per dataset, see prompts/README.md): schema,
// well-formed names and templates, class counts against the paper's Table 9
// (../shared/reference/clip_paper.json), and spot checks of order against openai/CLIP prompts.md.
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/support/catch.h"
#include "tests/support/paths.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string prompts_dir() { return CLIPBENCH_PROMPTS_DIR; }

json read_json(const std::string& path) {
  std::ifstream in(path);
  INFO(path);
  REQUIRE(in.good());
  return json::parse(in);  // throws (fails the test) on a syntax error
}

// Every prompts/*.json, keyed by file stem.
std::map<std::string, json> all_prompt_files() {
  std::map<std::string, json> out;
  for (const auto& entry : fs::directory_iterator(prompts_dir())) {
    if (entry.path().extension() != ".json") continue;
    out[entry.path().stem().string()] = read_json(entry.path().string());
  }
  return out;
}

json prompts(const std::string& id) { return read_json(prompts_dir() + "/" + id + ".json"); }

// First name of each class.
std::vector<std::string> first_names(const json& j) {
  std::vector<std::string> out;
  for (const auto& names : j.at("classes")) out.push_back(names.at(0).get<std::string>());
  return out;
}

// Table 9 of the paper: dataset id -> class count.
std::map<std::string, int> paper_class_counts() {
  const json paper = read_json(clipbench::test::reference("clip_paper.json"));
  std::map<std::string, int> out;
  for (const auto& item : paper.at("datasets").at("items")) {
    out[item.at("id").get<std::string>()] = item.at("classes").get<int>();
  }
  return out;
}

// Class counts where prompts.md and Table 9 disagree (documented in prompts/README.md):
// id -> {count in prompts/, count printed in Table 9}.
const std::map<std::string, std::pair<int, int>> kCountDisagreements = {
    {"food101", {101, 102}},  // Food-101 has 101 classes; Table 9 prints 102
    {"fer2013", {7, 8}},      // prompts.md lists 7 emotions; Table 9 prints 8
};

// Names that occur twice within a dataset in the upstream source, kept unchanged
// (documented in prompts/README.md): id -> {name, 0-based class indices}.
const std::map<std::string, std::map<std::string, std::vector<size_t>>> kKnownDuplicates = {
    {"imagenet", {{"missile", {657, 744}}, {"sunglasses", {836, 837}}}},
};

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("every prompts file parses and follows schema version 1", "[unit]") {
  const auto files = all_prompt_files();
  REQUIRE(files.size() == 29);  // the paper's 27 datasets + Fashion-MNIST + aYahoo
  for (const auto& [stem, j] : files) {
    INFO(stem);
    REQUIRE(j.is_object());
    std::set<std::string> keys;
    for (const auto& item : j.items()) keys.insert(item.key());
    CHECK(keys == std::set<std::string>{"schema_version", "dataset", "display_name", "source",
                                        "classes", "templates"});
    CHECK(j.at("schema_version") == 1);
    CHECK(j.at("dataset") == stem);
    REQUIRE(j.at("display_name").is_string());
    CHECK_FALSE(j.at("display_name").get<std::string>().empty());
    REQUIRE(j.at("source").is_string());
    CHECK_FALSE(j.at("source").get<std::string>().empty());
    REQUIRE(j.at("classes").is_array());
    CHECK(j.at("classes").size() >= 2);
    REQUIRE(j.at("templates").is_array());
    CHECK_FALSE(j.at("templates").empty());
  }
}

TEST_CASE("class names are non-empty strings and unique within a dataset", "[unit]") {
  for (const auto& [stem, j] : all_prompt_files()) {
    INFO(stem);
    std::map<std::string, std::vector<size_t>> where;
    const json& classes = j.at("classes");
    for (size_t i = 0; i < classes.size(); ++i) {
      INFO("class " << i);
      REQUIRE(classes[i].is_array());
      CHECK_FALSE(classes[i].empty());
      for (const auto& name : classes[i]) {
        REQUIRE(name.is_string());
        const std::string s = name.get<std::string>();
        CHECK_FALSE(s.empty());
        CHECK(s.find_first_not_of(" \t\n") != std::string::npos);
        CHECK(s.find_first_of("{}") ==
              std::string::npos);  // a name must not look like a placeholder
        where[s].push_back(i);
      }
    }
    std::map<std::string, std::vector<size_t>> duplicates;
    for (const auto& [name, indices] : where) {
      if (indices.size() > 1) duplicates[name] = indices;
    }
    const auto known = kKnownDuplicates.find(stem);
    CHECK(duplicates == (known == kKnownDuplicates.end() ? decltype(duplicates){} : known->second));
  }
}

TEST_CASE("every template contains {} exactly once and no other brace", "[unit]") {
  for (const auto& [stem, j] : all_prompt_files()) {
    std::set<std::string> seen;
    for (const auto& t : j.at("templates")) {
      INFO(stem << ": " << t.dump());
      REQUIRE(t.is_string());
      const std::string s = t.get<std::string>();
      CHECK(count_of(s, "{}") == 1);
      CHECK(count_of(s, "{") == 1);
      CHECK(count_of(s, "}") == 1);
      CHECK(seen.insert(s).second);  // no repeated template
    }
  }
}

TEST_CASE("class counts equal Table 9 of the paper, except the documented disagreements",
          "[unit]") {
  const auto files = all_prompt_files();
  const auto paper = paper_class_counts();
  REQUIRE(paper.size() == 27);
  for (const auto& [id, count] : paper) {
    INFO(id);
    const auto file = files.find(id);
    REQUIRE(file != files.end());  // every paper dataset has a prompts file, under the paper's id
    const int ours = static_cast<int>(file->second.at("classes").size());
    const auto odd = kCountDisagreements.find(id);
    if (odd == kCountDisagreements.end()) {
      CHECK(ours == count);
    } else {
      CHECK(ours == odd->second.first);
      CHECK(count ==
            odd->second.second);  // fails if the reference table is corrected: update README
    }
  }
}

TEST_CASE("ImageNet: 1000 classes and the 80 templates from the openai/CLIP notebook", "[unit]") {
  const json j = prompts("imagenet");
  CHECK(j.at("source").get<std::string>().find("Prompt_Engineering_for_ImageNet") !=
        std::string::npos);
  REQUIRE(j.at("classes").size() == 1000);
  REQUIRE(j.at("templates").size() == 80);
  const auto names = first_names(j);
  CHECK(names.front() == "tench");
  CHECK(names[1] == "goldfish");
  CHECK(names.back() == "toilet paper");
  CHECK(j.at("templates").front() == "a bad photo of a {}.");
  CHECK(j.at("templates").back() == "a tattoo of the {}.");
  for (const auto& c : j.at("classes")) CHECK(c.size() == 1);
}

TEST_CASE("datasets from prompts.md name it as their source", "[unit]") {
  for (const auto& [stem, j] : all_prompt_files()) {
    if (stem == "imagenet" || stem == "fashion_mnist" || stem == "ayahoo") continue;
    INFO(stem);
    CHECK(j.at("source") == "openai/CLIP prompts.md");
  }
}

TEST_CASE("class order is prompts.md's, including its known traps", "[unit]") {
  SECTION(
      "Oxford Pets: prompts.md lists the 12 capitalized cat breeds first, not list.txt's order") {
    const auto n = first_names(prompts("oxford_pets"));
    REQUIRE(n.size() == 37);
    CHECK(n[0] == "Abyssinian");
    CHECK(n[1] == "Bengal");
    CHECK(n[11] == "Sphynx");
    CHECK(n[12] == "american bulldog");
    CHECK(n[36] == "yorkshire terrier");
  }
  SECTION("Caltech-101: background first, then the two face classes, 102 in all") {
    const auto n = first_names(prompts("caltech101"));
    REQUIRE(n.size() == 102);
    CHECK(n[0] == "background");
    CHECK(n[1] == "off-center face");
    CHECK(n[2] == "centered face");
    CHECK(n[3] == "leopard");
    CHECK(n[4] == "motorbike");
    CHECK(n[5] == "accordion");
    CHECK(n[101] == "yin and yang symbol");
  }
  SECTION("CLEVR Counts: string order, 10 first") {
    CHECK(first_names(prompts("clevr_counts")) ==
          std::vector<std::string>{"10", "3", "4", "5", "6", "7", "8", "9"});
  }
  SECTION("EuroSAT: not alphabetical") {
    const auto n = first_names(prompts("eurosat"));
    REQUIRE(n.size() == 10);
    CHECK(n.front() == "forest");
    CHECK(n[7] == "annual crop land");
    CHECK(n.back() == "highway or road");
  }
  SECTION("VOC 2007: sofa, diningtable, pottedplant out of the devkit's alphabetical order") {
    const auto n = first_names(prompts("voc2007"));
    REQUIRE(n.size() == 20);
    CHECK(n[10] == "dog");
    CHECK(n[15] == "sofa");
    CHECK(n[16] == "diningtable");
    CHECK(n[17] == "pottedplant");
  }
  SECTION("first and last classes of other datasets") {
    const std::map<std::string, std::pair<std::string, std::string>> ends = {
        {"birdsnap", {"Acadian Flycatcher", "Zone tailed Hawk"}},
        {"cifar10", {"airplane", "truck"}},
        {"cifar100", {"apple", "worm"}},
        {"country211", {"Andorra", "Zimbabwe"}},
        {"dtd", {"banded", "zigzagged"}},
        {"fgvc_aircraft", {"707-320", "Yak-42"}},
        {"flowers102", {"pink primrose", "blackberry lily"}},
        {"food101", {"apple pie", "waffles"}},
        {"kinetics700", {"abseiling", "zumba"}},
        {"mnist", {"0", "9"}},
        {"stanford_cars", {"AM General Hummer SUV 2000", "smart fortwo Convertible 2012"}},
        {"stl10", {"airplane", "truck"}},
        {"sun397", {"abbey", "youth hostel"}},
        {"ucf101", {"Apply Eye Makeup", "Yo Yo"}},
        {"voc2007", {"aeroplane", "tvmonitor"}},
    };
    for (const auto& [id, first_last] : ends) {
      INFO(id);
      const auto n = first_names(prompts(id));
      CHECK(n.front() == first_last.first);
      CHECK(n.back() == first_last.second);
    }
  }
}

TEST_CASE("FER2013 keeps prompts.md's several names per class", "[unit]") {
  const json classes = prompts("fer2013").at("classes");
  REQUIRE(classes.size() == 7);
  CHECK(classes[0] == json::array({"angry"}));
  CHECK(classes[3] == json::array({"happy", "smiling"}));
  CHECK(classes[5] == json::array({"surprised", "shocked", "spooked"}));
  CHECK(classes[6] == json::array({"neutral", "bored"}));
  CHECK(prompts("fer2013").at("templates").size() == 6);
}

TEST_CASE("templates that are not 'a photo of a {}.' style survive unchanged", "[unit]") {
  CHECK(prompts("kitti").at("templates") == json::array({"{}"}));
  CHECK(prompts("pcam").at("templates") == json::array({"this is a photo of {}"}));
  CHECK(prompts("oxford_pets").at("templates") == json::array({"a photo of a {}, a type of pet."}));
}

TEST_CASE("Fashion-MNIST: its documented labels in label order, templates of ours", "[unit]") {
  const json j = prompts("fashion_mnist");
  CHECK(j.at("source") == "clipbench (not from the paper)");
  CHECK(first_names(j) == std::vector<std::string>{"T-shirt/top", "Trouser", "Pullover", "Dress",
                                                   "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                                                   "Ankle boot"});
  for (const auto& c : j.at("classes")) CHECK(c.size() == 1);
  CHECK(j.at("templates").size() >= 3);
}

TEST_CASE("aYahoo: its 12 classes in sorted order, the ImageNet templates, labelled as ours",
          "[unit]") {
  const json j = prompts("ayahoo");
  CHECK(j.at("source") == "clipbench (not from the paper)");
  CHECK(first_names(j) == std::vector<std::string>{"bag", "building", "carriage", "centaur",
                                                   "donkey", "goat", "jetski", "monkey", "mug",
                                                   "statue", "wolf", "zebra"});
  CHECK(j.at("templates") == prompts("imagenet").at("templates"));
}
