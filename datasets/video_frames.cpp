// Middle frames of video clips through cv::VideoCapture, and folders of extracted frames.
#include "datasets/video_frames.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#ifdef CLIPBENCH_WITH_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <opencv2/videoio/registry.hpp>
#endif

namespace clipbench::datasets::special {

namespace fs = std::filesystem;

bool video_decoding_available() {
#ifdef CLIPBENCH_WITH_OPENCV
  return true;
#else
  return false;
#endif
}

#ifdef CLIPBENCH_WITH_OPENCV
namespace {

Image to_rgb_image(const cv::Mat& frame) {
  cv::Mat rgb;
  if (frame.channels() == 1) {
    cv::cvtColor(frame, rgb, cv::COLOR_GRAY2RGB);
  } else if (frame.channels() == 4) {
    cv::cvtColor(frame, rgb, cv::COLOR_BGRA2RGB);
  } else {
    cv::cvtColor(frame, rgb, cv::COLOR_BGR2RGB);
  }
  Image image = Image::blank(rgb.cols, rgb.rows, ImageMode::kRGB);
  for (int y = 0; y < rgb.rows; ++y) {
    std::copy(rgb.ptr<uint8_t>(y), rgb.ptr<uint8_t>(y) + static_cast<size_t>(rgb.cols) * 3,
              image.data.begin() + static_cast<std::ptrdiff_t>(y) * rgb.cols * 3);
  }
  return image;
}

cv::VideoCapture open_video(const std::string& dataset, const std::string& path) {
  // FFmpeg first (deterministic, and no GStreamer pipeline noise for a corrupt file); any other
  // backend only where this OpenCV has no FFmpeg.
  const int api = cv::videoio_registry::hasBackend(cv::CAP_FFMPEG) ? cv::CAP_FFMPEG : cv::CAP_ANY;
  cv::VideoCapture capture(path, api);
  if (!capture.isOpened()) {
    throw DatasetError(fmt::format(
        "{}: {} cannot be opened as a video (missing, corrupt, or no OpenCV backend for it)",
        dataset, path));
  }
  return capture;
}

}  // namespace
#endif

Image middle_frame(const std::string& dataset, const std::string& path) {
#ifdef CLIPBENCH_WITH_OPENCV
  cv::Mat frame;
  {
    cv::VideoCapture capture = open_video(dataset, path);
    const double count = capture.get(cv::CAP_PROP_FRAME_COUNT);
    if (count >= 1) {
      const int middle = static_cast<int>(count) / 2;
      if ((middle == 0 || capture.set(cv::CAP_PROP_POS_FRAMES, middle)) && capture.read(frame) &&
          !frame.empty()) {
        return to_rgb_image(frame);
      }
    }
  }
  // Fallback: decode everything, keep the middle frame.
  std::vector<cv::Mat> frames;
  cv::VideoCapture capture = open_video(dataset, path);
  while (capture.read(frame) && !frame.empty()) frames.push_back(frame.clone());
  if (frames.empty()) {
    throw DatasetError(fmt::format("{}: {} has no decodable frame", dataset, path));
  }
  return to_rgb_image(frames[frames.size() / 2]);
#else
  throw DatasetError(fmt::format(
      "{}: cannot decode the video {}: clipbench was built without OpenCV "
      "(CLIPBENCH_WITH_OPENCV=OFF); rebuild with it, or use the pre-extracted frames layout",
      dataset, path));
#endif
}

VideoListDataset::VideoListDataset(std::string dataset, std::string source,
                                   std::vector<std::string> classes, std::vector<FileEntry> entries)
    : dataset_(std::move(dataset)),
      source_(std::move(source)),
      classes_(std::move(classes)),
      entries_(std::move(entries)) {}

Sample VideoListDataset::get(size_t index) const {
  if (index >= entries_.size()) {
    throw DatasetError(fmt::format("{}: sample index {} is out of range (the split has {})",
                                   dataset_, index, entries_.size()));
  }
  const FileEntry& e = entries_[index];
  Sample s;
  s.name = e.path;
  s.pixels = middle_frame(dataset_, e.path);
  s.label = e.label;
  return s;
}

std::vector<FileEntry> list_class_files(const std::string& dataset, const fs::path& split_dir,
                                        const std::vector<std::string>& class_folders,
                                        const std::vector<std::string>& extensions) {
  std::map<std::string, int64_t> label_of;
  for (size_t i = 0; i < class_folders.size(); ++i) {
    label_of[class_folders[i]] = static_cast<int64_t>(i);
  }
  for (const std::string& folder : list_subfolders(dataset, split_dir)) {
    if (label_of.find(folder) == label_of.end()) {
      throw DatasetError(fmt::format("{}: the folder {} is not one of the {} classes", dataset,
                                     (split_dir / folder).string(), class_folders.size()));
    }
  }
  std::vector<FileEntry> entries;  // by label, then by path
  for (size_t label = 0; label < class_folders.size(); ++label) {
    const fs::path dir = split_dir / class_folders[label];
    if (!fs::is_directory(dir)) continue;  // a class with no clips in this split
    std::vector<std::string> files;
    for (const auto& f : fs::directory_iterator(dir)) {
      std::string ext = f.path().extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (f.is_regular_file() &&
          std::find(extensions.begin(), extensions.end(), ext) != extensions.end()) {
        files.push_back(f.path().string());
      }
    }
    std::sort(files.begin(), files.end());
    for (auto& f : files)
      entries.push_back(FileEntry{std::move(f), static_cast<int64_t>(label), {}});
  }
  return entries;
}

std::vector<std::string> read_class_index(const std::string& dataset, const fs::path& file) {
  std::vector<std::string> names;
  const auto lines = read_lines(dataset, file);
  for (size_t n = 0; n < lines.size(); ++n) {
    const auto parts = split_blanks(lines[n]);
    if (parts.empty()) continue;
    if (parts.size() != 2 || parts[0] != std::to_string(names.size() + 1)) {
      throw DatasetError(fmt::format("{}: {}:{}: '{}' is not '{} <class name>'", dataset,
                                     file.string(), n + 1, lines[n], names.size() + 1));
    }
    names.push_back(parts[1]);
  }
  if (names.empty()) {
    throw DatasetError(fmt::format("{}: {} lists no classes", dataset, file.string()));
  }
  return names;
}

std::unique_ptr<Dataset> open_frame_folders(const std::string& dataset,
                                            const OpenRequest& request) {
  const fs::path root(request.root);
  require_path(dataset, root, "the folder of extracted frames");
  const fs::path split_dir = root / request.split;
  require_path(dataset, split_dir,
               fmt::format("the '{}' folder of <class>/<video>.jpg frames", request.split));
  std::vector<std::string> classes;
  const fs::path class_ind = root / "classInd.txt";
  if (fs::exists(class_ind)) {
    classes = read_class_index(dataset, class_ind);
  } else {
    classes = order_class_folders(dataset, split_dir, list_subfolders(dataset, split_dir),
                                  request.class_names);
  }
  check_class_count(dataset, split_dir.string(), classes.size(), request.class_names);
  auto entries = list_class_files(dataset, split_dir, classes, {".jpg", ".jpeg", ".png"});
  return std::make_unique<FileListDataset>(split_dir.string(), std::move(classes),
                                           std::move(entries));
}

}  // namespace clipbench::datasets::special
