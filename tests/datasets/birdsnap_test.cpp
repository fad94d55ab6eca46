// Tests of the Birdsnap adapter on a miniature birdsnap/ (species.txt, images.txt,
// test_images.txt, download/images/).
#include "datasets/birdsnap.h"

#include "datasets/format_registry.h"
#include "tests/datasets/list_layout.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;
using namespace clipbench::test;

namespace {

std::string make_birdsnap(const TestFolder& tmp) {
  const std::string root = tmp.file("birdsnap");
  write_text(root + "/species.txt",
             "id\tcommon\tscientific\tdir\n"
             "1\tAcadian Flycatcher\tEmpidonax virescens\tAcadian_Flycatcher\n"
             "2\tAcorn Woodpecker\tMelanerpes formicivorus\tAcorn_Woodpecker\n"
             "3\tAllen's Hummingbird\tSelasphorus sasin\tAllens_Hummingbird\n");
  write_text(root + "/images.txt",
             "url\tmd5\tpath\tspecies_id\tbb_x1\tbb_y1\tbb_x2\tbb_y2\n"
             "http://a/1.jpg\tx\tAcadian_Flycatcher/1.jpg\t1\t1\t2\t3\t4\n"
             "http://a/2.jpg\tx\tAllens_Hummingbird/2.jpg\t3\t1\t2\t3\t4\n"
             "http://a/3.jpg\tx\tAcorn_Woodpecker/3.jpg\t2\t1\t2\t3\t4\n"
             "http://a/4.jpg\tx\tAcorn_Woodpecker/4.jpg\t2\t1\t2\t3\t4\n");
  write_text(root + "/test_images.txt", "path\nAcorn_Woodpecker/4.jpg\nAllens_Hummingbird/2.jpg\n");
  write_solid_jpeg(root + "/download/images/Acadian_Flycatcher/1.jpg", 5, 5, 5);
  write_solid_jpeg(root + "/download/images/Acorn_Woodpecker/3.jpg", 5, 5, 5);
  write_solid_jpeg(root + "/download/images/Acorn_Woodpecker/4.jpg", 200, 100, 0, 6, 6);
  // Allens_Hummingbird/2.jpg was not downloaded.
  return root;
}

}  // namespace

TEST_CASE("birdsnap reads species ids, test_images.txt and the rest as train", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_birdsnap(tmp);
  const auto test = open_format("birdsnap", {"birdsnap", root, "test", {}});
  CHECK(test->classes() ==
        std::vector<std::string>{"Acadian Flycatcher", "Acorn Woodpecker", "Allen's Hummingbird"});
  REQUIRE(test->size() == 2);
  CHECK(test->get(0).label == 1);
  const Image img = load_sample_image(test->get(0));
  CHECK(img.width == 6);
  CHECK(std::abs(pixel(img, 3, 3, 1) - 100) < 10);
  CHECK_THROWS_WITH(test->get(1), Catch::Contains("birdsnap: ") &&
                                      Catch::Contains("test_images.txt:3 entry "
                                                      "'Allens_Hummingbird/2.jpg'") &&
                                      Catch::Contains("does not exist"));
  const auto train = open_format("birdsnap", {"birdsnap", root, "train", {}});
  REQUIRE(train->size() == 2);
  CHECK(train->get(0).label == 0);
  CHECK(train->get(1).label == 1);
  const auto downloaded = open_format("birdsnap", {"birdsnap", root, "test_downloaded", {}});
  REQUIRE(downloaded->size() == 1);
  CHECK_THAT(downloaded->source(), Catch::Contains("1 of 2 listed images"));
}

TEST_CASE("birdsnap's species.txt order is prompts/birdsnap.json's at the start", "[unit]") {
  const auto names = prompt_class_names("birdsnap");
  REQUIRE(names.size() == 500);
  CHECK(names[0] == "Acadian Flycatcher");
  CHECK(names[1] == "Acorn Woodpecker");
  CHECK(names[3] == "Allens Hummingbird");  // prompts.md drops the apostrophe
}

TEST_CASE("birdsnap bad input names the dataset, the file and the entry", "[unit]") {
  TestFolder tmp(__FILE__, __LINE__);
  const std::string root = make_birdsnap(tmp);
  write_text(root + "/test_images.txt", "path\nAcorn_Woodpecker/9.jpg\n");
  CHECK_THROWS_WITH(open_format("birdsnap", {"birdsnap", root, "test", {}}),
                    Catch::Contains("test_images.txt:2 entry 'Acorn_Woodpecker/9.jpg'") &&
                        Catch::Contains("not in"));
  write_text(root + "/images.txt",
             "url\tmd5\tpath\tspecies_id\nhttp://a/1.jpg\tx\tAcadian_Flycatcher/1.jpg\t4\n");
  CHECK_THROWS_WITH(open_format("birdsnap", {"birdsnap", root, "train", {}}),
                    Catch::Contains("images.txt:2 entry 'Acadian_Flycatcher/1.jpg'") &&
                        Catch::Contains("species id '4' is not in [1, 3]"));
  write_text(root + "/images.txt", "url\tmd5\tfile\tspecies_id\n");
  CHECK_THROWS_WITH(open_format("birdsnap", {"birdsnap", root, "train", {}}),
                    Catch::Contains("no column 'path'"));
  std::filesystem::remove(root + "/species.txt");
  CHECK_THROWS_WITH(open_format("birdsnap", {"birdsnap", root, "train", {}}),
                    Catch::Contains("birdsnap: cannot open") && Catch::Contains("species.txt"));
}
