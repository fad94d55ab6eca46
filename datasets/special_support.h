// Shared pieces of the special-format adapters: an in-memory list of image files and the checks
// (missing file, class count, label range) that name the dataset, the file and what was expected.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets::special {

// One sample of a list dataset: an image file and its label (or its multi-label targets).
struct FileEntry {
  std::string path;
  int64_t label = -1;
  std::vector<int8_t> targets;
};

// A split held as a list of image files read at open time; get() returns the path (bytes are read
// when the sample is decoded). Immutable after construction, so concurrent get() is safe.
class FileListDataset : public Dataset {
 public:
  FileListDataset(std::string source, std::vector<std::string> classes,
                  std::vector<FileEntry> entries, bool multi_label = false);
  size_t size() const override { return entries_.size(); }
  Sample get(size_t index) const override;
  const std::vector<std::string>& classes() const override { return classes_; }
  bool multi_label() const override { return multi_label_; }
  std::string source() const override { return source_; }

 private:
  std::string source_;
  std::vector<std::string> classes_;
  std::vector<FileEntry> entries_;
  bool multi_label_;
};

// The name used in messages: request.dataset, or the format name when it is empty.
std::string dataset_label(const OpenRequest& request, const std::string& format);

// Throws DatasetError "<dataset>: <path> does not exist (expected <what>)" when `path` is missing.
void require_path(const std::string& dataset, const std::filesystem::path& path,
                  const std::string& what);

// Throws DatasetError naming the annotation file when the image it names does not exist.
void require_image(const std::string& dataset, const std::string& annotation_file,
                   const std::filesystem::path& image);

// The lines of a text file without trailing "\r"; throws DatasetError when it cannot be read.
std::vector<std::string> read_lines(const std::string& dataset, const std::filesystem::path& path);

// Splits on runs of blanks (spaces, tabs).
std::vector<std::string> split_blanks(const std::string& line);

// Throws DatasetError when `label` is outside [0, num_classes): names the file and the entry.
void check_label(const std::string& dataset, const std::string& file, const std::string& entry,
                 int64_t label, size_t num_classes);

// When the catalogue's class names are given, their count must equal the adapter's.
void check_class_count(const std::string& dataset, const std::string& source, size_t count,
                       const std::vector<std::string>& catalogue_names);

// A class-name key for matching folder names to the prompts' names: lower case, letters and
// digits only ("ApplyEyeMakeup", "apply_eye_makeup" and "Apply Eye Makeup" give the same key).
std::string name_key(const std::string& name);

// Folders of `dir` (sorted by name); throws DatasetError when there are none.
std::vector<std::string> list_subfolders(const std::string& dataset,
                                         const std::filesystem::path& dir);

// Orders class folders: without catalogue names, sorted by name (label = position); with them,
// each folder is matched by name_key() to a catalogue name and label = its catalogue position
// (so the order is the prompts' order). Throws DatasetError naming a folder that matches no
// catalogue name or a catalogue name that has no folder. Returns the folder names by label.
std::vector<std::string> order_class_folders(const std::string& dataset,
                                             const std::filesystem::path& dir,
                                             std::vector<std::string> folders,
                                             const std::vector<std::string>& catalogue_names);

}  // namespace clipbench::datasets::special
