// Kinetics-700: <split>/<class>/<clip> videos (middle frames) or extracted frame folders.
#include "datasets/kinetics700.h"

#include <fmt/format.h>

#include <filesystem>

#include "datasets/special_support.h"
#include "datasets/video_frames.h"

namespace clipbench::datasets {

namespace fs = std::filesystem;

std::unique_ptr<Dataset> open_kinetics700_video(const OpenRequest& request) {
  const std::string ds = special::dataset_label(request, "kinetics700-video");
  const fs::path root(request.root);
  special::require_path(ds, root, "the kinetics700 folder of <split>/<class>/<clip>.mp4");
  const fs::path split_dir = root / request.split;
  special::require_path(ds, split_dir,
                        fmt::format("the '{}' folder of <class>/<clip> videos", request.split));
  std::vector<std::string> classes = special::order_class_folders(
      ds, split_dir, special::list_subfolders(ds, split_dir), request.class_names);
  auto entries =
      special::list_class_files(ds, split_dir, classes, {".mp4", ".mkv", ".webm", ".avi"});
  return std::make_unique<special::VideoListDataset>(ds, split_dir.string(), std::move(classes),
                                                     std::move(entries));
}

std::unique_ptr<Dataset> open_kinetics700_frames(const OpenRequest& request) {
  return special::open_frame_folders(special::dataset_label(request, "kinetics700-frames"),
                                     request);
}

}  // namespace clipbench::datasets
