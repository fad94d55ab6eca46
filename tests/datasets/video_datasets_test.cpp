// Tests of the UCF101 and Kinetics-700 adapters: tiny MJPG videos written with cv::VideoWriter
// (when built with OpenCV) and folders of extracted middle frames.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "datasets/format_registry.h"
#include "datasets/kinetics700.h"
#include "datasets/ucf101.h"
#include "datasets/video_frames.h"
#include "tests/datasets/special_test_files.h"
#include "tests/support/catch.h"

#ifdef CLIPBENCH_WITH_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>
#endif

using namespace clipbench;
using namespace clipbench::datasets;
namespace fs = std::filesystem;

namespace {

// A video (.avi: MJPG, .mp4: mp4v) of `frames` 32x24 frames; frame k is filled with RGB (10 * k,
// 200 - 10 * k, 60). Returns false when this build has no OpenCV (the file is then an empty
// placeholder).
bool write_video(const std::string& path, int frames) {
  fs::create_directories(fs::path(path).parent_path());
#ifdef CLIPBENCH_WITH_OPENCV
  // .mp4: MPEG-4 part 2 ('mp4v', FFmpeg's own encoder); else Motion JPEG in AVI.
  const bool mp4 = fs::path(path).extension() == ".mp4";
  const int fourcc = mp4 ? cv::VideoWriter::fourcc('m', 'p', '4', 'v')
                         : cv::VideoWriter::fourcc('M', 'J', 'P', 'G');
  cv::VideoWriter writer(path, fourcc, 25.0, cv::Size(32, 24));
  if (!writer.isOpened()) throw std::runtime_error("cv::VideoWriter cannot write " + path);
  for (int k = 0; k < frames; ++k) {
    // OpenCV frames are BGR.
    writer.write(cv::Mat(24, 32, CV_8UC3, cv::Scalar(60, 200 - 10 * k, 10 * k)));
  }
  return true;
#else
  std::ofstream(path) << "";
  (void)frames;
  return false;
#endif
}

// UCF-101 + ucfTrainTestlist (next to it, as the two downloads extract) with 3 classes.
std::string write_ucf(const test::Folder& tmp) {
  const std::string root = tmp.file("UCF-101");
  const std::string lists = tmp.file("ucfTrainTestlist");
  fs::create_directories(lists);
  std::ofstream(lists + "/classInd.txt") << "1 ApplyEyeMakeup\r\n2 Archery\r\n3 YoYo\r\n";
  std::ofstream(lists + "/trainlist01.txt")
      << "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1\r\nYoYo/v_YoYo_g08_c01.avi 3\r\n";
  std::ofstream(lists + "/testlist01.txt")
      << "Archery/v_Archery_g01_c01.avi\r\nYoYo/v_YoYo_g01_c01.avi\r\n";
  write_video(root + "/ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi", 5);
  write_video(root + "/YoYo/v_YoYo_g08_c01.avi", 4);
  write_video(root + "/Archery/v_Archery_g01_c01.avi", 7);
  write_video(root + "/YoYo/v_YoYo_g01_c01.avi", 3);
  return root;
}

}  // namespace

TEST_CASE("ucf101-video reads split 1 with classInd labels and decodes the middle frame",
          "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_ucf(tmp);
  const auto test = open_format("ucf101-video", {"ucf101", root, "test", {}});
  REQUIRE(test->size() == 2);
  CHECK(test->classes() == std::vector<std::string>{"ApplyEyeMakeup", "Archery", "YoYo"});
  const auto train = open_format("ucf101-video", {"ucf101", root, "train", {}});
  REQUIRE(train->size() == 2);
  CHECK(train->get(0).label == 0);
  CHECK(train->get(1).label == 2);
  if (special::video_decoding_available()) {
    const Sample s = test->get(0);
    CHECK(s.label == 1);
    REQUIRE(s.pixels.has_value());
    CHECK(s.pixels->width == 32);
    CHECK(s.pixels->height == 24);
    // 7 frames: the middle one is frame 3, RGB (30, 170, 60) (MJPG is lossy).
    CHECK(test::pixel_near(*s.pixels, 30, 170, 60, 8));
    CHECK(test::pixel_near(*test->get(1).pixels, 10, 190, 60, 8));  // 3 frames: frame 1
  } else {
    CHECK_THROWS_WITH(test->get(0), Catch::Contains("without OpenCV") &&
                                        Catch::Contains("v_Archery_g01_c01.avi"));
  }
}

TEST_CASE("ucf101-video bad input names the dataset, the file and the expectation", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = write_ucf(tmp);
  SECTION("missing list file") {
    fs::remove(tmp.file("ucfTrainTestlist/testlist01.txt"));
    CHECK_THROWS_WITH(open_format("ucf101-video", {"ucf101", root, "test", {}}),
                      Catch::Contains("ucf101") && Catch::Contains("testlist01.txt") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("list names a missing video") {
    fs::remove(root + "/YoYo/v_YoYo_g01_c01.avi");
    CHECK_THROWS_WITH(open_format("ucf101-video", {"ucf101", root, "test", {}}),
                      Catch::Contains("testlist01.txt:2") &&
                          Catch::Contains("v_YoYo_g01_c01.avi") &&
                          Catch::Contains("does not exist"));
  }
  SECTION("label disagrees with classInd") {
    std::ofstream(tmp.file("ucfTrainTestlist/trainlist01.txt")) << "YoYo/v_YoYo_g08_c01.avi 4\n";
    CHECK_THROWS_WITH(open_format("ucf101-video", {"ucf101", root, "train", {}}),
                      Catch::Contains("trainlist01.txt:1") && Catch::Contains("label 4"));
  }
  SECTION("class not in classInd") {
    std::ofstream(tmp.file("ucfTrainTestlist/testlist01.txt")) << "Surfing/v_Surfing_g01.avi\n";
    CHECK_THROWS_WITH(open_format("ucf101-video", {"ucf101", root, "test", {}}),
                      Catch::Contains("'Surfing'") && Catch::Contains("classInd.txt"));
  }
  SECTION("class count differs from the catalogue") {
    CHECK_THROWS_WITH(open_format("ucf101-video", {"ucf101", root, "test", {"a"}}),
                      Catch::Contains("3 classes, expected 1"));
  }
#ifdef CLIPBENCH_WITH_OPENCV
  SECTION("corrupt video") {
    std::ofstream(root + "/Archery/v_Archery_g01_c01.avi") << "not a video";
    const auto test = open_format("ucf101-video", {"ucf101", root, "test", {}});
    CHECK_THROWS_WITH(test->get(0),
                      Catch::Contains("ucf101") && Catch::Contains("v_Archery_g01_c01.avi"));
  }
#endif
}

TEST_CASE("ucf101-frames orders class folders by the catalogue's names", "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = tmp.file("ucf101_frames");
  test::write_solid_image(root + "/test/YoYo/v_YoYo_g01_c01.jpg", 8, 8, 0, 0, 255);
  test::write_solid_image(root + "/test/ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.jpg", 8, 8, 255, 0,
                          0);
  test::write_solid_image(root + "/test/Archery/v_Archery_g01_c01.jpg", 8, 8, 0, 255, 0);
  const std::vector<std::string> names = {"Apply Eye Makeup", "Archery", "Yo Yo"};
  const auto test = open_format("ucf101-frames", {"ucf101", root, "test", names});
  REQUIRE(test->size() == 3);
  CHECK(test->classes() == std::vector<std::string>{"ApplyEyeMakeup", "Archery", "YoYo"});
  CHECK(test->get(2).label == 2);
  CHECK(test::pixel_near(load_sample_image(test->get(2)), 0, 0, 255));
  // A folder that matches no catalogue name.
  CHECK_THROWS_WITH(open_format("ucf101-frames", {"ucf101", root, "test", {"a", "b", "c"}}),
                    Catch::Contains("matches none of the catalogue's 3 class names"));
  CHECK_THROWS_WITH(open_format("ucf101-frames", {"ucf101", root, "train", names}),
                    Catch::Contains("'train' folder") && Catch::Contains("does not exist"));

  // With UCF101's classInd.txt next to the splits, its order wins over folder names.
  test::write_bytes(
      root + "/classInd.txt",
      {'1', ' ', 'Y', 'o', 'Y', 'o', '\n', '2', ' ', 'A', 'r', 'c', 'h', 'e', 'r', 'y', '\n',
       '3', ' ', 'A', 'p', 'p', 'l', 'y',  'E', 'y', 'e', 'M', 'a', 'k', 'e', 'u', 'p', '\n'});
  const auto indexed = open_format("ucf101-frames", {"ucf101", root, "test", {}});
  CHECK(indexed->classes() == std::vector<std::string>{"YoYo", "Archery", "ApplyEyeMakeup"});
  CHECK(fs::path(indexed->get(0).path).parent_path().filename() == "YoYo");
  CHECK(indexed->get(0).label == 0);
  CHECK(indexed->get(2).label == 2);
}

TEST_CASE("kinetics700-video and -frames read <split>/<class>/<clip> in catalogue order",
          "[unit]") {
  test::Folder tmp(__FILE__, __LINE__);
  const std::string root = tmp.file("kinetics700");
  write_video(root + "/val/air_drumming/abc_000010_000020.mp4", 6);
  write_video(root + "/val/abseiling/xyz_000001_000011.mp4", 5);
  write_video(root + "/val/abseiling/aaa_000001_000011.mp4", 5);
  const std::vector<std::string> names = {"abseiling", "acting in play", "air drumming"};
  // "acting in play" has no folder: every catalogue class must be present.
  CHECK_THROWS_WITH(open_format("kinetics700-video", {"kinetics700", root, "val", names}),
                    Catch::Contains("no folder for the class 'acting in play'"));
  const std::vector<std::string> two = {"abseiling", "air drumming"};
  const auto val = open_format("kinetics700-video", {"kinetics700", root, "val", two});
  REQUIRE(val->size() == 3);
  CHECK(val->classes() == std::vector<std::string>{"abseiling", "air_drumming"});
  CHECK(val->get(0).label == 0);
  CHECK(val->get(2).label == 1);
  if (special::video_decoding_available()) {
    const Sample s = val->get(2);
    REQUIRE(s.pixels.has_value());
    CHECK(test::pixel_near(*s.pixels, 30, 170, 60, 8));  // 6 frames: frame 3
    CHECK_THAT(s.name, Catch::Contains("abc_000010_000020.mp4"));
  }
  CHECK_THROWS_WITH(open_format("kinetics700-video", {"kinetics700", root, "train", two}),
                    Catch::Contains("kinetics700") && Catch::Contains("does not exist"));

  const std::string frames = tmp.file("kinetics700_frames");
  test::write_solid_image(frames + "/test/air drumming/abc.jpg", 4, 4, 9, 9, 9);
  test::write_solid_image(frames + "/test/abseiling/xyz.jpg", 4, 4, 9, 9, 9);
  const auto test = open_format("kinetics700-frames", {"kinetics700", frames, "test", two});
  REQUIRE(test->size() == 2);
  CHECK(test->get(1).label == 1);
  CHECK(load_sample_image(test->get(1)).width == 4);
}
