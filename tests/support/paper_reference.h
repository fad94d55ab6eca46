// The repository's paper reference (baselines/paper_reference.json), loaded once, for report tests.
#pragma once

#include <string>

#include "reports/paper_reference.h"

namespace clipbench::test {

inline const reports::PaperReference& paper() {
  static const reports::PaperReference p = reports::load_paper_reference(
      std::string(CLIPBENCH_SOURCE_DIR) + "/baselines/paper_reference.json");
  return p;
}

}  // namespace clipbench::test
