// UCF101: official split-1 lists and videos (middle frames), or extracted frame folders.
#include "datasets/ucf101.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "datasets/special_support.h"
#include "datasets/video_frames.h"

namespace clipbench::datasets {

namespace fs = std::filesystem;
using special::FileEntry;

std::unique_ptr<Dataset> open_ucf101_video(const OpenRequest& request) {
  const std::string ds = special::dataset_label(request, "ucf101-video");
  const fs::path root(request.root);
  special::require_path(ds, root, "the UCF-101 folder of <Class>/<video>.avi");
  if (request.split != "train" && request.split != "test") {
    throw DatasetError(
        fmt::format("{}: unknown split '{}' (expected train or test)", ds, request.split));
  }
  fs::path lists = root / "ucfTrainTestlist";
  if (!fs::exists(lists) && fs::exists(root.parent_path() / "ucfTrainTestlist")) {
    lists = root.parent_path() / "ucfTrainTestlist";
  }
  special::require_path(ds, lists, "the ucfTrainTestlist folder (inside or next to UCF-101)");
  const fs::path class_ind = lists / "classInd.txt";
  std::vector<std::string> classes = special::read_class_index(ds, class_ind);
  special::check_class_count(ds, class_ind.string(), classes.size(), request.class_names);
  std::map<std::string, int64_t> label_of;
  for (size_t i = 0; i < classes.size(); ++i) label_of[classes[i]] = static_cast<int64_t>(i);

  const fs::path list = lists / (request.split == "train" ? "trainlist01.txt" : "testlist01.txt");
  const auto lines = special::read_lines(ds, list);
  std::vector<FileEntry> entries;
  for (size_t n = 0; n < lines.size(); ++n) {
    const auto parts = special::split_blanks(lines[n]);
    if (parts.empty()) continue;
    const std::string where = fmt::format("{}:{}", list.string(), n + 1);
    const std::string& video = parts[0];
    const size_t slash = video.find('/');
    if (slash == std::string::npos || parts.size() > 2) {
      throw DatasetError(
          fmt::format("{}: {}: '{}' is not '<Class>/<video>.avi [label]'", ds, where, lines[n]));
    }
    const std::string cls = video.substr(0, slash);
    const auto it = label_of.find(cls);
    if (it == label_of.end()) {
      throw DatasetError(
          fmt::format("{}: {}: the class '{}' is not in {}", ds, where, cls, class_ind.string()));
    }
    if (parts.size() == 2 && parts[1] != std::to_string(it->second + 1)) {
      throw DatasetError(fmt::format("{}: {}: label {} disagrees with {} (the class '{}' is {})",
                                     ds, where, parts[1], class_ind.string(), cls, it->second + 1));
    }
    FileEntry e;
    e.path = (root / video).string();
    e.label = it->second;
    special::require_image(ds, where, e.path);
    entries.push_back(std::move(e));
  }
  return std::make_unique<special::VideoListDataset>(ds, list.string(), std::move(classes),
                                                     std::move(entries));
}

std::unique_ptr<Dataset> open_ucf101_frames(const OpenRequest& request) {
  return special::open_frame_folders(special::dataset_label(request, "ucf101-frames"), request);
}

}  // namespace clipbench::datasets
