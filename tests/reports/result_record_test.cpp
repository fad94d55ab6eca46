// Tests for reports/result_record: JSON round trip, atomic storage, strict reading.
#include "reports/result_record.h"

#include <filesystem>
#include <fstream>

#include "tests/support/catch.h"
#include "tests/support/temp_dir.h"

using namespace clipbench::reports;
using Catch::Contains;
using clipbench::test::read_file;
using clipbench::test::TempDir;

namespace {

ResultRecord sample_record() {
  ResultRecord r;
  r.model = "ViT-B/32";
  r.checkpoint = "/models/ViT-B-32.pt";
  r.checkpoint_hash = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  r.dataset = "food101";
  r.split = "test";
  r.task = "zero_shot";
  r.prompt_mode = "ensemble";
  r.metric = "accuracy";
  r.value = 84.4;
  r.metrics = {{"top1", 84.4}, {"top5", 97.1}, {"accuracy", 84.4}};
  r.n = 25250;
  r.num_classes = 101;
  r.seconds = 93.5;
  r.images_per_second = 270.1;
  r.template_set_hash = "sha256:feedbeef";
  r.num_templates = 1;
  r.device = "cuda:0 (NVIDIA H200)";
  r.precision = "fp32";
  r.versions = {{"clipbench", "abc123"}, {"libtorch", "2.1.0"}};
  r.started_at = "2026-11-30T10:04:25Z";
  r.finished_at = "2026-11-30T10:05:58Z";
  r.extra = {{"note", "x"}};
  return r;
}

}  // namespace

TEST_CASE("a result record survives to_json / record_from_json and a file round trip", "[unit]") {
  ResultRecord r = sample_record();
  r.metrics["top5"] = std::nullopt;  // undefined metrics are JSON null
  const auto j = to_json(r);
  CHECK(j.at("metrics").at("top5").is_null());
  CHECK(j.at("schema_version") == kResultSchemaVersion);
  const ResultRecord back = record_from_json(j, "mem");
  CHECK(to_json(back) == j);
  CHECK_FALSE(back.metrics.at("top5").has_value());

  TempDir dir;
  const std::string results = dir.file("results");  // created by write_record
  const std::string path = write_record(results, r);
  CHECK(path == results + "/food101__test__zero_shot__ensemble__0123456789abcdef.json");
  CHECK(record_exists(results, r));
  ResultRecord other = r;
  other.dataset = "cifar10";
  CHECK_FALSE(record_exists(results, other));
  const auto records = read_results(results);
  REQUIRE(records.size() == 1);
  CHECK(to_json(records[0]) == j);
}

TEST_CASE("write_record is atomic and leaves no .tmp file; read_results sorts and skips others",
          "[unit]") {
  TempDir dir;
  ResultRecord a = sample_record();
  ResultRecord b = sample_record();
  b.dataset = "cifar10";
  ResultRecord probe = sample_record();
  probe.task = "linear_probe";
  probe.prompt_mode = "";
  probe.seed = 7;
  write_record(dir.path(), a);
  write_record(dir.path(), b);
  CHECK(std::filesystem::path(write_record(dir.path(), probe)).filename() ==
        "food101__test__linear_probe__seed7__0123456789abcdef.json");
  a.value = 50.0;
  write_record(dir.path(), a);  // overwrite in place
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    CHECK(e.path().extension() != ".tmp");
  dir.write("food101__test__zero_shot__raw__0123456789abcdef.json.123.tmp", "{\"trunc");
  dir.write("report.json", "{\"not\": \"a record\"}");
  dir.write("my_best_run.json", "{}");  // renamed by hand: not read, but named to the caller
  dir.write("notes.txt", "");
  std::vector<std::string> not_records{"stale"};
  const auto records = read_results(dir.path(), &not_records);
  CHECK(not_records == std::vector<std::string>{"my_best_run.json"});
  REQUIRE(records.size() == 3);
  CHECK(records[0].dataset == "cifar10");
  CHECK(records[1].task == "linear_probe");
  CHECK(records[2].value == 50.0);
}

TEST_CASE("another schema version, truncated JSON and bad fields are ResultsErrors naming the file",
          "[unit]") {
  TempDir dir;
  const std::string path = write_record(dir.path(), sample_record());
  const std::string text = read_file(path);

  SECTION("another schema version") {
    auto j = to_json(sample_record());
    j["schema_version"] = 3;
    dir.write(std::filesystem::path(path).filename().string(), j.dump());
    CHECK_THROWS_AS(read_results(dir.path()), ResultsError);
    CHECK_THROWS_WITH(read_results(dir.path()), Contains(path) && Contains("schema_version 3") &&
                                                    Contains("versions 1 to 2"));
  }
  SECTION("truncated JSON") {
    dir.write(std::filesystem::path(path).filename().string(), text.substr(0, text.size() / 2));
    CHECK_THROWS_AS(read_results(dir.path()), ResultsError);
    CHECK_THROWS_WITH(read_results(dir.path()), Contains(path) && Contains("not valid JSON"));
  }
  SECTION("a missing, mistyped or unknown field, a fraction where percent is expected") {
    auto j = to_json(sample_record());
    j.erase("dataset");
    CHECK_THROWS_WITH(record_from_json(j, "f.json"),
                      Contains("f.json") && Contains("missing field 'dataset'"));
    j = to_json(sample_record());
    j["n"] = "25250";
    CHECK_THROWS_WITH(record_from_json(j, "f.json"), Contains("field 'n' is string"));
    j = to_json(sample_record());
    j["colour"] = "blue";
    CHECK_THROWS_WITH(record_from_json(j, "f.json"), Contains("unknown field 'colour'"));
    j = to_json(sample_record());
    j["value"] = 140.0;
    CHECK_THROWS_WITH(record_from_json(j, "f.json"), Contains("percentage in [0, 100]"));
    j = to_json(sample_record());
    j["metrics"]["top1"] = "high";
    CHECK_THROWS_WITH(record_from_json(j, "f.json"), Contains("metrics['top1']"));
    CHECK_THROWS_AS(record_from_json(nlohmann::json::array(), "f.json"), ResultsError);
  }
  SECTION("no such folder") {
    CHECK_THROWS_WITH(read_results(dir.file("nope")), Contains("nope") && Contains("not a folder"));
  }
}

TEST_CASE("record_file_name rejects names that cannot be file names", "[unit]") {
  ResultRecord r = sample_record();
  r.checkpoint_hash = "md5:abc";
  CHECK_THROWS_WITH(record_file_name(r), Contains("checkpoint_hash 'md5:abc'"));
  r = sample_record();
  r.dataset = "../etc";
  CHECK_THROWS_WITH(record_file_name(r), Contains("dataset '../etc'"));
  r = sample_record();
  r.split = "a__b";
  CHECK_THROWS_AS(record_file_name(r), ResultsError);
}

TEST_CASE("an unreadable record is not a finished job; read_results lists every bad file",
          "[unit]") {
  clipbench::test::TempDir dir;
  const std::string results = dir.file("results");
  ResultRecord r = sample_record();
  const std::string path = write_record(results, r);
  const std::string name = record_file_name(r);
  REQUIRE(record_exists(results, r));
  std::filesystem::resize_file(path, 40);  // truncated by a crash
  std::string why;
  CHECK_FALSE(record_exists(results, r, &why));
  CHECK_THAT(why, Contains(path) && Contains("not a readable record"));
  r.prompt_mode = "raw";
  const std::string other = write_record(results, r);
  std::ofstream(other) << R"({"foo": 1})";
  CHECK_THROWS_WITH(read_results(results), Contains("2 unreadable result record(s)") &&
                                               Contains(name) && Contains("schema_version") &&
                                               Contains("Re-run their jobs"));
  write_record(results, sample_record());  // the re-run replaces the truncated file
  CHECK(record_exists(results, sample_record(), &why));
  CHECK(why.empty());
}

TEST_CASE("few-shot record names carry k and the seed", "[unit]") {
  ResultRecord r = sample_record();
  r.task = "few_shot";
  r.prompt_mode = "";
  r.seed = 2;
  CHECK_THROWS_WITH(record_file_name(r), Contains("extra.shots"));
  r.extra["shots"] = 4;
  const std::string name = record_file_name(r);
  CHECK_THAT(name, Contains("__few_shot__4shot-seed2__"));
  r.extra["shots"] = 8;
  CHECK(record_file_name(r) != name);
}

TEST_CASE("precision is part of a record's name; fp32 and fp64 names are unchanged", "[unit]") {
  ResultRecord r = sample_record();
  // The names earlier runs wrote: resume keeps finding them.
  CHECK(record_file_name(r) == "food101__test__zero_shot__ensemble__0123456789abcdef.json");
  r.precision = "bf16";
  CHECK(record_file_name(r) == "food101__test__zero_shot__ensemble-bf16__0123456789abcdef.json");
  r.precision = "fp16";
  CHECK(record_file_name(r) == "food101__test__zero_shot__ensemble-fp16__0123456789abcdef.json");
  ResultRecord probe = sample_record();
  probe.task = "linear_probe";
  probe.prompt_mode = "";
  probe.seed = 1;
  probe.precision = "fp64";
  CHECK(record_file_name(probe) == "food101__test__linear_probe__seed1__0123456789abcdef.json");
  CHECK(record_precision_variant(probe).empty());
  CHECK(model_label("ViT-B/32", "") == "ViT-B/32");
  CHECK(model_label("ViT-B/32", "bf16") == "ViT-B/32 (bf16)");

  r.precision = "int8";
  CHECK_THROWS_WITH(record_file_name(r), Contains("precision 'int8'") && Contains("bf16"));
  r.precision = "";
  CHECK_THROWS_WITH(record_file_name(r), Contains("precision ''"));
  r.precision = "../x";
  CHECK_THROWS_WITH(record_file_name(r), Contains("precision '../x'"));
  auto j = to_json(sample_record());
  j["precision"] = "fp8";
  CHECK_THROWS_WITH(record_from_json(j, "r.json"),
                    Contains("r.json") && Contains("'precision'") && Contains("fp8"));

  // Both precisions live side by side in one folder, each a finished job of its own.
  TempDir dir;
  const std::string results = dir.file("results");
  ResultRecord fp32 = sample_record(), bf16 = sample_record();
  bf16.precision = "bf16";
  bf16.value = 83.9;
  write_record(results, fp32);
  CHECK_FALSE(record_exists(results, bf16));
  write_record(results, bf16);
  CHECK(record_exists(results, fp32));
  const auto back = read_results(results);
  REQUIRE(back.size() == 2);
  // Sorted by file name: '-' (0x2d) sorts before '_' (0x5f).
  CHECK(back[0].precision == "bf16");
  CHECK(back[0].value == 83.9);
  CHECK(back[1].precision == "fp32");
  CHECK(back[1].value == 84.4);
}

TEST_CASE("utc_timestamp writes ISO 8601 UTC to the second", "[unit]") {
  // 2026-11-30T10:04:25Z is 1796033065 seconds after the epoch.
  const auto t = std::chrono::system_clock::from_time_t(1796033065);
  CHECK(utc_timestamp(t) == "2026-11-30T10:04:25Z");
}

TEST_CASE("a record of another dataset version is not a finished job; version 1 reads as 1",
          "[unit]") {
  TempDir dir;
  const std::string results = dir.file("results");
  ResultRecord r = sample_record();
  r.dataset_version = 2;
  const std::string path = write_record(results, r);
  CHECK(to_json(r).at("dataset_version") == 2);
  CHECK(record_exists(results, r));
  // The catalogue's entry moved on (its adapter or split rule changed): the job re-runs.
  ResultRecord newer = r;
  newer.dataset_version = 3;
  std::string why;
  CHECK_FALSE(record_exists(results, newer, &why));
  CHECK_THAT(why, Contains(path) && Contains("food101 version 2") &&
                      Contains("the catalogue's entry is version 3"));

  // A record written by schema version 1 (no dataset_version) is read as dataset version 1, the
  // version of every catalogue entry then; in version 1 the field is unknown.
  auto v1 = to_json(sample_record());
  v1["schema_version"] = 1;
  v1.erase("dataset_version");
  const ResultRecord old = record_from_json(v1, "v1.json");
  CHECK(old.dataset_version == 1);
  CHECK(old.schema_version == kResultSchemaVersion);
  CHECK(to_json(old).at("dataset_version") == 1);
  v1["dataset_version"] = 1;
  CHECK_THROWS_WITH(record_from_json(v1, "v1.json"),
                    Contains("unknown field 'dataset_version' in schema version 1"));
  // Version 2 requires it, as an integer >= 1.
  auto v2 = to_json(sample_record());
  v2.erase("dataset_version");
  CHECK_THROWS_WITH(record_from_json(v2, "v2.json"), Contains("missing field 'dataset_version'"));
  v2["dataset_version"] = 0;
  CHECK_THROWS_WITH(record_from_json(v2, "v2.json"),
                    Contains("'dataset_version'") && Contains("integer >= 1"));
}
