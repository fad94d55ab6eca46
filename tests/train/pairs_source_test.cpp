// Tests of the training pair sources: in memory, CSV and webdataset shards, and their errors.
#include "train/pairs_source.h"

#include <fstream>

#include "clip/errors.h"
#include "tests/support/catch.h"
#include "tests/support/image_files.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace t = clipbench::train;
using clipbench::test::run_command;
using clipbench::test::TempDir;

namespace {

// A w x h gray-ish RGB PNG whose first pixel is `value`.
void write_png(const std::string& path, uint32_t w, uint32_t h, uint8_t value) {
  clipbench::test::PngSpec s;
  s.width = w;
  s.height = h;
  s.rows.assign(h, std::vector<uint8_t>(w * 3, 10));
  s.rows[0][0] = value;
  clipbench::test::write_png_file(path, s);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("in-memory pairs return their images and captions", "[unit]") {
  std::vector<clipbench::Image> images(2, clipbench::Image::blank(4, 3, clipbench::ImageMode::kL));
  images[1].data[0] = 7;
  t::InMemoryPairs pairs(images, {"a", "b"}, "test");
  REQUIRE(pairs.size() == 2);
  CHECK(pairs.get(1).caption == "b");
  CHECK(pairs.get(1).image.data[0] == 7);
  CHECK(pairs.describe() == "test (2 pairs)");
  CHECK_THROWS_AS(pairs.get(2), std::out_of_range);
  CHECK_THROWS_AS(t::InMemoryPairs(images, {"a"}), clipbench::Error);
}

TEST_CASE("CSV pairs: header columns, quoting, relative paths", "[unit]") {
  TempDir dir;
  std::filesystem::create_directories(dir.file("img"));
  write_png(dir.file("img/a.png"), 5, 4, 200);
  write_png(dir.file("img/b.png"), 6, 6, 100);
  write_text(dir.file("pairs.csv"),
             "id,caption,image\r\n"
             "1,\"a photo, with a comma\",img/a.png\r\n"
             "2,\"two\nlines and \"\"quotes\"\"\"," +
                 dir.file("img/b.png") + "\n");
  const t::CsvPairs pairs(dir.file("pairs.csv"));
  REQUIRE(pairs.size() == 2);
  const auto a = pairs.get(0);
  CHECK(a.caption == "a photo, with a comma");
  CHECK(a.image.width == 5);
  CHECK(a.image.height == 4);
  CHECK(a.image.data[0] == 200);
  CHECK(pairs.get(1).caption == "two\nlines and \"quotes\"");
  CHECK(pairs.get(1).image.width == 6);
  CHECK(t::open_pairs_source(dir.file("pairs.csv"))->size() == 2);
}

TEST_CASE("CSV pairs reject malformed files with the file and line", "[unit]") {
  TempDir dir;
  write_text(dir.file("nocol.csv"), "image,text\nx.png,a\n");
  CHECK_THROWS_WITH(t::CsvPairs(dir.file("nocol.csv")), Catch::Contains("no `caption` column"));
  write_text(dir.file("short.csv"), "image,caption\nx.png,a\ny.png\n");
  CHECK_THROWS_WITH(t::CsvPairs(dir.file("short.csv")), Catch::Contains("line 3"));
  write_text(dir.file("quote.csv"), "image,caption\nx.png,\"open\n");
  CHECK_THROWS_WITH(t::CsvPairs(dir.file("quote.csv")), Catch::Contains("unterminated"));
  write_text(dir.file("empty.csv"), "image,caption\n");
  CHECK_THROWS_WITH(t::CsvPairs(dir.file("empty.csv")), Catch::Contains("no rows"));
  CHECK_THROWS_AS(t::CsvPairs(dir.file("missing.csv")), clipbench::FileError);
  // A listed image that does not exist fails when read, naming the file.
  write_text(dir.file("gone.csv"), "image,caption\ngone.png,a\n");
  CHECK_THROWS_WITH(t::CsvPairs(dir.file("gone.csv")).get(0), Catch::Contains("gone.png"));
}

TEST_CASE("webdataset shards group members by key", "[unit]") {
  TempDir dir;
  std::filesystem::create_directories(dir.file("s/sub"));
  write_png(dir.file("s/000.png"), 3, 3, 50);
  write_text(dir.file("s/000.txt"), "first caption\n");
  write_png(dir.file("s/sub/001.png"), 4, 2, 60);
  write_text(dir.file("s/sub/001.txt"), "second");
  write_text(dir.file("s/sub/001.json"), "{}");  // ignored field
  REQUIRE(run_command("cd " + dir.file("s") +
                      " && tar -cf ../shard.tar 000.png 000.txt sub/001.txt sub/001.json "
                      "sub/001.png && gzip -c ../shard.tar > ../shard.tar.gz")
              .exit_code == 0);
  for (const char* shard : {"shard.tar", "shard.tar.gz"}) {
    const auto pairs = t::open_pairs_source(dir.file(shard));
    REQUIRE(pairs->size() == 2);
    CHECK(pairs->get(0).caption == "first caption");
    CHECK(pairs->get(0).image.width == 3);
    CHECK(pairs->get(1).caption == "second");
    CHECK(pairs->get(1).image.data[0] == 60);
  }
}

TEST_CASE("webdataset shards with incomplete samples are rejected", "[unit]") {
  TempDir dir;
  std::filesystem::create_directories(dir.file("s"));
  write_png(dir.file("s/a.png"), 2, 2, 1);
  write_text(dir.file("s/b.txt"), "caption without image");
  REQUIRE(run_command("cd " + dir.file("s") + " && tar -cf ../noimg.tar a.png b.txt").exit_code ==
          0);
  CHECK_THROWS_WITH(t::WebDatasetPairs(dir.file("noimg.tar")), Catch::Contains("'a'"));
  CHECK_THROWS_AS(t::WebDatasetPairs(dir.file("none.tar")), clipbench::FileError);
  CHECK_THROWS_AS(t::open_pairs_source(dir.file("pairs.json")), clipbench::Error);
}
