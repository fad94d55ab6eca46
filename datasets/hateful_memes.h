// Hateful Memes (Facebook AI challenge release: hateful_memes/img/*.png + *.jsonl annotations).
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Format "hateful-memes". request.root is the hateful_memes folder of the challenge download:
//   train.jsonl                  8500 lines {"id", "img": "img/<id>.png", "label": 0|1, "text"}
//   dev.jsonl or dev_seen.jsonl  500 lines, same fields (phase 1 / phase 2 names)
//   img/<id>.png
// Splits: "train" (train.jsonl) and "test" = the labelled dev set (dev.jsonl, else
// dev_seen.jsonl): the challenge's own test sets have no public labels in phase 1, and the paper's
// 500 test images are the dev set (Table 9: 8500 / 500). "dev" is the same file under its own
// name. Label 0 = not hateful ("meme"), 1 = hateful ("hatespeech meme"), the order of
// prompts/hateful_memes.json. The text is not used (the paper evaluates the image).
// classes() are request.class_names (2) when given, else "not hateful", "hateful".
// Throws DatasetError naming file:line for a line that is not JSON, a missing "img"/"label", a
// label other than 0/1, or an image that does not exist.
std::unique_ptr<Dataset> open_hateful_memes(const OpenRequest& request);

}  // namespace clipbench::datasets
