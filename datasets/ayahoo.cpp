// The aYahoo test set (Farhadi et al. 2009) with its attribute annotation file.
#include "datasets/ayahoo.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "datasets/labelled_files.h"

namespace fs = std::filesystem;

namespace clipbench::datasets {

std::unique_ptr<Dataset> open_ayahoo(const OpenRequest& request) {
  const std::string name = dataset_name(request, "ayahoo");
  const fs::path root(request.root);
  require_directory(name, root.string(), "the aYahoo folder");
  std::error_code ec;
  std::string list_file = (root / "ayahoo_test.txt").string();
  if (!fs::is_regular_file(list_file, ec)) {
    list_file = (root / "attribute_data" / "ayahoo_test.txt").string();
  }
  struct Entry {
    std::string image, cls, origin;
  };
  std::vector<Entry> entries;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& line : read_text_lines(
           name, list_file, "'<image> <class> <x1> <y1> <x2> <y2> <attributes...>' lines")) {
    std::istringstream in(line.text);
    std::string image, cls;
    double box[4];
    if (!(in >> image >> cls >> box[0] >> box[1] >> box[2] >> box[3])) {
      throw DatasetError(fmt::format(
          "{}: {}:{} entry '{}': expected '<image> <class> <x1> <y1> <x2> <y2> <attributes...>'",
          name, list_file, line.number, line.text));
    }
    const std::string origin =
        fmt::format("{}:{} entry '{} {}'", list_file, line.number, image, cls);
    if (seen.emplace(image, cls).second) entries.push_back({image, cls, origin});
  }
  std::vector<std::string> classes;
  for (const auto& e : entries) classes.push_back(e.cls);
  std::sort(classes.begin(), classes.end());
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
  check_class_count(request, "ayahoo", classes, list_file);
  std::vector<LabelledFile> files;
  for (const auto& e : entries) {
    const auto label = std::lower_bound(classes.begin(), classes.end(), e.cls) - classes.begin();
    files.push_back({(root / "ayahoo_test_images" / e.image).string(), label, e.origin});
  }
  return std::make_unique<LabelledFiles>(name, list_file, std::move(classes), std::move(files));
}

}  // namespace clipbench::datasets
