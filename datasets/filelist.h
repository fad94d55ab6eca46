// The "filelist" format: a CSV file per split listing image paths and labels.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads <root>/<split>.csv (splits "train", "val", "test"):
//   - the first line is the header `path,label` exactly;
//   - each following line is `path,label` (RFC 4180 quoting: a field may be "double-quoted", with
//     "" for a quote inside; a trailing \r is dropped; empty lines are skipped);
//   - path is relative to <root> (the CSV's folder) or absolute;
//   - label is a class index in [0, number of classes) when it consists of digits only, else a
//     class name that must equal exactly one class.
// Classes, in label order: the lines of <root>/classes.txt when it exists (one name per line, no
// empty line; its count must equal request.class_names' when that is non-empty), else
// request.class_names.
// Throws DatasetError naming the dataset, the CSV file and line for: a missing CSV, a wrong
// header, a row without exactly two fields, a label out of range or unknown (or ambiguous), an
// image file that does not exist, no classes available; and for an empty split.
std::unique_ptr<Dataset> open_filelist(const OpenRequest& request);

}  // namespace clipbench::datasets
