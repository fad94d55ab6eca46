// The Markdown report of a results folder: per model, zero-shot raw / single / ensemble scores
// with the ensemble gain and the paper's Table 11, averages, Visual N-Grams (Table 1), linear
// probes vs Table 10 and zero-shot vs the ResNet-50 probe (Figure 5).
#pragma once

#include <string>
#include <vector>

#include "reports/paper_reference.h"
#include "reports/result_record.h"

namespace clipbench::reports {

struct MarkdownOptions {
  std::string results_dir;            // named in the header
  std::string svg_link = "gain.svg";  // embedded as an image; "" for none
};

// Sections per (model, checkpoint hash), models sorted by name:
// - "Zero-shot": | dataset | metric | n | raw | single | ensemble | gain | paper | ensemble - paper
// |
//   one row per dataset (Table 9 order), scores with one decimal, differences signed ("+1.3"),
//   "–" where missing; the paper column is Table 11 for a released model name ("ViT-B/32"), else
//   "–"; a last row "average (k datasets)".
// - "Visual N-Grams (Table 1)": when aYahoo / ImageNet / SUN397 have an ensemble score.
// - "Linear probe": | dataset | metric | this run | paper (Table 10) | difference |.
// - "Zero-shot vs ResNet-50 linear probe (Figure 5)": for models with zero-shot rows when
//   "ResNet-50" linear-probe records exist: ensemble - probe next to the paper's delta.
// Sections are headed by the model's label: "ViT-B/32", or "ViT-B/32 (bf16)" for records of a
// precision other than fp32 / fp64 (two precisions of one checkpoint are two sections).
// Then "## Precision" (precision_table.h), only when some job has fp32 and another precision:
// | model | dataset | task | prompts | metric | n | fp32 | precision | score | difference |,
// scores with two decimals, difference = score − fp32 signed ("-0.40"); n is "fp32 n / other n"
// when they differ.
// Numbers come from the records and the paper reference only.
std::string markdown_report(const std::vector<ResultRecord>& records, const PaperReference& paper,
                            const MarkdownOptions& options);

// "84.4", "–" for none; signed: "+1.3", "-0.4".
std::string format_score(std::optional<double> v);
std::string format_delta(std::optional<double> v);

}  // namespace clipbench::reports
