// The registry of on-disk dataset formats, filled once from the three group files.
#include "datasets/format_registry.h"

#include <fmt/format.h>

#include <algorithm>

namespace clipbench::datasets {
namespace {

const detail::FormatRegistry& registry() {
  static const detail::FormatRegistry instance = [] {
    detail::FormatRegistry r("dataset format");
    detail::register_generic_formats(r);
    detail::register_list_formats(r);
    detail::register_special_formats(r);
    return r;
  }();
  return instance;
}

}  // namespace

const DatasetFormat& dataset_format(const std::string& name) { return registry().at(name); }

std::vector<std::string> dataset_format_names() { return registry().names(); }

std::unique_ptr<Dataset> open_format(const std::string& format, const OpenRequest& request) {
  const DatasetFormat& f = dataset_format(format);
  if (std::find(f.splits.begin(), f.splits.end(), request.split) == f.splits.end()) {
    throw DatasetError(fmt::format("{}: format '{}' has no split '{}' (it has: {})",
                                   request.dataset.empty() ? format : request.dataset, format,
                                   request.split, fmt::join(f.splits, ", ")));
  }
  return f.open(request);
}

}  // namespace clipbench::datasets
