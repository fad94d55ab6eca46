// An SVG bar chart (plain SVG text) of the ensemble - raw prompt gain per dataset.
#pragma once

#include <string>
#include <vector>

#include "reports/summary.h"

namespace clipbench::reports {

struct Bar {
  std::string label;  // "food101", or "food101 (ViT-B/32)" with several models
  double value;       // percentage points, may be negative
};

// One bar per zero-shot row that has both raw and ensemble scores, in the summaries' order;
// labels carry the model when there are several models.
std::vector<Bar> gain_bars(const std::vector<ModelSummary>& models);

// A horizontal bar chart: one row per bar (label on the left, the bar from a zero line, positive
// to the right in green, negative to the left in red, the value printed at its end), a title and
// an axis in points. Labels are XML-escaped. An empty `bars` gives a chart saying "no data".
std::string svg_bar_chart(const std::vector<Bar>& bars, const std::string& title);

}  // namespace clipbench::reports
