// A split given as image files with labels, and the file/folder helpers the list formats share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// One image of a split. `origin` says where the entry came from, for error messages:
// "meta/test.txt:17 entry 'apple_pie/1005649'" or "folder 101_ObjectCategories/accordion".
struct LabelledFile {
  std::string path;  // the image file
  int64_t label = -1;
  std::string origin;
};

// A split held as a list of image files with labels. Construction checks every label is in
// [0, classes.size()) (DatasetError naming the entry otherwise). get() does not read the file; it
// throws DatasetError naming the dataset, the entry and the path when the image does not exist.
// Thread-safe after construction (get() only reads).
class LabelledFiles : public Dataset {
 public:
  LabelledFiles(std::string dataset, std::string source, std::vector<std::string> classes,
                std::vector<LabelledFile> files);
  size_t size() const override { return files_.size(); }
  Sample get(size_t index) const override;
  const std::vector<std::string>& classes() const override { return classes_; }
  std::string source() const override { return source_; }
  // The entries in split order (for tests and tools).
  const std::vector<LabelledFile>& files() const { return files_; }

 private:
  std::string dataset_;
  std::string source_;
  std::vector<std::string> classes_;
  std::vector<LabelledFile> files_;
};

// The name used in messages: request.dataset, or the format name when it is empty.
std::string dataset_name(const OpenRequest& request, const std::string& format);

// Throws DatasetError "<dataset>: <what> <path> does not exist" unless `path` is a directory.
void require_directory(const std::string& dataset, const std::string& path,
                       const std::string& what);

// One non-empty line of a text file, with its 1-based line number; trailing whitespace and '\r'
// are removed.
struct TextLine {
  size_t number = 0;
  std::string text;
};
// Reads the non-empty lines of `path`. Throws DatasetError naming the dataset and the file (and
// `what` it should hold) when it cannot be opened.
std::vector<TextLine> read_text_lines(const std::string& dataset, const std::string& path,
                                      const std::string& what);

// The names of the sub-folders of `dir`, sorted by byte value (Python's sorted(os.listdir)).
// Hidden entries (".xyz") are skipped. Throws DatasetError when `dir` is not a folder.
std::vector<std::string> sorted_subfolders(const std::string& dataset, const std::string& dir);

// The names of the regular files in `dir`, hidden ones skipped, in natural order: digit runs
// compare by value ("x_2.jpg" < "x_10.jpg"), the rest by byte value.
std::vector<std::string> natural_sorted_files(const std::string& dataset, const std::string& dir);

// True when `a` sorts before `b` in natural order (see natural_sorted_files).
bool natural_less(const std::string& a, const std::string& b);

// Checks the adapter's class count against request.class_names when that is non-empty; throws
// DatasetError naming the dataset, `where` the classes came from and both counts.
void check_class_count(const OpenRequest& request, const std::string& format,
                       const std::vector<std::string>& classes, const std::string& where);

// Folder-per-class images: every file in root/<class>/ for each class, classes in the given
// order (label = position), files in natural order. Throws DatasetError when a class folder is
// missing.
std::vector<LabelledFile> class_folder_files(const std::string& dataset, const std::string& root,
                                             const std::vector<std::string>& classes);

// "a/b.jpg" relative to `base` for messages.
std::string relative_to(const std::string& path, const std::string& base);

}  // namespace clipbench::datasets
