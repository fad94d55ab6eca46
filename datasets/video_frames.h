// Video datasets as images: the middle frame of each clip (the paper's protocol for UCF101 and
// Kinetics-700), decoded with OpenCV's cv::VideoCapture, or pre-extracted middle frames on disk.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "clip/image.h"
#include "datasets/dataset.h"
#include "datasets/special_support.h"

namespace clipbench::datasets::special {

// True when clipbench was built with OpenCV (CLIPBENCH_WITH_OPENCV), so videos can be decoded.
bool video_decoding_available();

// The middle frame (index frame_count / 2, 0-based) of a video as an RGB image (OpenCV's BGR
// converted). Seeks with CAP_PROP_POS_FRAMES; when the container's frame count is missing or the
// seek fails, decodes the clip from the start and takes the middle of the frames read.
// Throws DatasetError naming the dataset and the file when the video cannot be opened or has no
// frame, and when clipbench was built without OpenCV (CLIPBENCH_WITH_OPENCV=OFF).
Image middle_frame(const std::string& dataset, const std::string& path);

// A split of video files: get() decodes the middle frame into Sample::pixels (so get() is not
// cheap: it decodes a video). Thread-safe: each call opens its own cv::VideoCapture.
class VideoListDataset : public Dataset {
 public:
  VideoListDataset(std::string dataset, std::string source, std::vector<std::string> classes,
                   std::vector<FileEntry> entries);
  size_t size() const override { return entries_.size(); }
  Sample get(size_t index) const override;
  const std::vector<std::string>& classes() const override { return classes_; }
  std::string source() const override { return source_; }

 private:
  std::string dataset_;
  std::string source_;
  std::vector<std::string> classes_;
  std::vector<FileEntry> entries_;
};

// Files with one of `extensions` (lower case, with the dot) in each class folder of `split_dir`,
// in label order, then sorted by path; label = the folder's position in `class_folders` (a class
// without a folder has no samples). Folders of split_dir that are not in class_folders are an
// error (the message names the folder).
std::vector<FileEntry> list_class_files(const std::string& dataset,
                                        const std::filesystem::path& split_dir,
                                        const std::vector<std::string>& class_folders,
                                        const std::vector<std::string>& extensions);

// A folder of pre-extracted middle frames <root>/<split>/<class>/<video>.{jpg,jpeg,png}. Class
// order: <root>/classInd.txt ("<1-based index> <folder>" lines, UCF101's file) when present, else
// the class folders of the split ordered by order_class_folders() (catalogue order when
// request.class_names is given, else sorted). The split folder must exist.
std::unique_ptr<Dataset> open_frame_folders(const std::string& dataset, const OpenRequest& request);

// Reads a UCF101-style classInd.txt: line k is "<k> <name>" (k from 1, consecutive); returns the
// names in index order. Throws DatasetError naming file:line otherwise.
std::vector<std::string> read_class_index(const std::string& dataset,
                                          const std::filesystem::path& file);

}  // namespace clipbench::datasets::special
