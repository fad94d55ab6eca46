// The "webdataset" format: CLIP_benchmark's webdataset exports (wds_<name>/) of classification
// sets.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Reads request.root as CLIP_benchmark's `clip_benchmark_export_wds` writes it:
//   classnames.txt                              one class name per line, label order
//   zeroshot_classification_templates.txt       optional, not read here (prompts/ has them)
//   <split>/nshards.txt                         the shard count N (decimal); required
//   <split>/0.tar .. <split>/{N-1}.tar          uncompressed tar shards
// Members are grouped into samples by key as webdataset does: the key is the member path up to
// the first '.' of its file name, the rest is the extension. A sample has exactly one image
// member (.webp, .png, .jpg or .jpeg) and one .cls member (the label as decimal text); other
// extensions (.txt captions, .json) are not read. Samples are in shard order, then in order of
// their first member in the shard.
// Random access: open() reads every shard's headers with libarchive (archive_read_next_header;
// image data is skipped, .cls data read) and records, per sample, the shard, the byte offset of
// the image data in the tar (archive_filter_bytes after the header: the position in the
// uncompressed stream, which is the file offset because compressed shards are rejected) and its
// size; get() reads those bytes with pread into Sample::encoded, so concurrent get() calls share
// no state. Sample::name is "<shard path>:<member name>".
// Errors (DatasetError naming the file): missing classnames.txt, nshards.txt or shard; a
// compressed or unreadable tar; a sample with an image and no .cls or a .cls and no image (naming
// shard and key); two images for one key; a .cls that is not a decimal integer; a label outside
// the classes; a class count that differs from request.class_names (when given).
std::unique_ptr<Dataset> open_webdataset(const OpenRequest& request);

}  // namespace clipbench::datasets
