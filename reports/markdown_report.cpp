// The Markdown report of a results folder (see markdown_report.h for its sections).
#include "reports/markdown_report.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "reports/precision_table.h"
#include "reports/report_tables.h"
#include "reports/summary.h"

namespace clipbench::reports {
namespace {

constexpr const char* kNone = "–";

// A record's free text in a table cell: "|" would end the cell.
std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string short_hash(const std::string& h) { return h.size() > 23 ? h.substr(0, 23) + "…" : h; }

std::string dataset_label(const PaperReference& paper, const std::string& id,
                          const std::string& split) {
  auto it = paper.dataset_names.find(id);
  std::string label = it == paper.dataset_names.end() ? id : it->second + " (`" + id + "`)";
  if (split != "test") label += " [" + split + "]";
  return label;
}

void zero_shot_section(std::string& s, const ModelSummary& m, const PaperReference& paper) {
  const bool released = paper.zero_shot.count(m.model) > 0;
  s += "### Zero-shot\n\n";
  s += fmt::format(
      "Headline metric per dataset (Table 9), percent. raw: the class name alone; single: \"a "
      "photo of a {{}}.\"; ensemble: the dataset's templates. gain = ensemble − raw. {}\n\n",
      released ? fmt::format("paper: Table 11 for {}.", m.model)
               : fmt::format("`{}` is not a released CLIP model: no paper column.", m.model));
  // One column per prompt mode (the standard three, then any other the records name).
  std::string header = "| dataset | metric | n |", rule = "|---|---|---:|";
  for (const auto& mode : m.prompt_modes) {
    header += " " + markdown_cell(mode) + " |";
    rule += "---:|";
  }
  s += header + " gain | paper | ensemble − paper |\n" + rule + "---:|---:|---:|\n";
  for (const auto& row : m.zero_shot) {
    const auto p = paper.zero_shot_score(m.model, row.dataset);
    std::string line = fmt::format("| {} | {} | {} |", dataset_label(paper, row.dataset, row.split),
                                   row.metric, row.n);
    for (const auto& mode : m.prompt_modes) line += " " + format_score(row.score(mode)) + " |";
    s += line + fmt::format(" {} | {} | {} |\n", format_delta(row.gain()), format_score(p),
                            format_delta(difference(row.score("ensemble"), p)));
  }
  const auto a = zero_shot_averages(m, paper);
  std::string average = fmt::format("| **average ({} datasets)** | | |", a.datasets);
  for (const auto& mode : m.prompt_modes) average += " " + format_score(a.mode(mode)) + " |";
  s += average + fmt::format(" {} | {} | {} |\n\n", format_delta(a.gain), format_score(a.paper),
                             format_delta(a.ensemble_minus_paper()));
  if (a.paper)
    s += fmt::format(
        "The paper average is over the {} datasets with both an ensemble score and a Table 11 "
        "number; the ensemble averages {} on them.\n\n",
        a.paper_datasets, format_score(a.ensemble_on_paper_datasets));
}

void visual_ngrams_section(std::string& s, const ModelSummary& m, const PaperReference& paper) {
  std::string rows;
  for (const auto& row : m.zero_shot) {
    auto it = paper.visual_ngrams.find(row.dataset);
    const auto ensemble = row.score("ensemble");
    if (it == paper.visual_ngrams.end() || !ensemble || row.split != "test") continue;
    const auto& vn = it->second;
    rows += fmt::format("| {} (`{}`) | {} | {} | {} | {} |\n", vn.column, row.dataset,
                        format_score(vn.visual_ngrams), format_score(vn.clip),
                        format_score(ensemble), format_delta(*ensemble - vn.visual_ngrams));
  }
  if (rows.empty()) return;
  s += "### Visual N-Grams (Table 1)\n\n";
  s += "| dataset | Visual N-Grams | CLIP (paper, best model) | this run (ensemble) | this run − "
       "Visual N-Grams |\n|---|---:|---:|---:|---:|\n";
  s += rows + "\n";
  s += "Table 1's SUN column is not Table 11's SUN397 column; the comparison uses SUN397.\n\n";
}

void probe_section(std::string& s, const ModelSummary& m, const PaperReference& paper) {
  if (m.linear_probe.empty()) return;
  s += "### Linear probe\n\n";
  s += "| dataset | metric | seeds | this run | paper (Table 10) | difference |\n";
  s += "|---|---|---:|---:|---:|---:|\n";
  std::vector<std::optional<double>> values, on_paper, papers;
  for (const auto& row : m.linear_probe) {
    const auto p = paper.probe_score(m.model, row.dataset);
    s += fmt::format("| {} | {} | {} | {} | {} | {} |\n",
                     dataset_label(paper, row.dataset, row.split), row.metric, row.seeds,
                     format_score(row.value), format_score(p),
                     format_delta(difference(row.value, p)));
    values.push_back(row.value);
    if (p) {
      on_paper.push_back(row.value);
      papers.push_back(p);
    }
  }
  s += fmt::format("| **average ({} datasets)** | | | {} | {} | {} |\n\n", m.linear_probe.size(),
                   format_score(mean_of(values)), format_score(mean_of(papers)),
                   format_delta(difference(mean_of(on_paper), mean_of(papers))));
}

void few_shot_section(std::string& s, const ModelSummary& m, const PaperReference& paper) {
  if (m.few_shot.empty()) return;
  s += "### Few-shot linear probe\n\n";
  s += "k labelled examples per class, C chosen on validation, no refit; mean over seeds.\n\n";
  s += "| dataset | metric | k | seeds | this run |\n|---|---|---:|---:|---:|\n";
  for (const auto& row : m.few_shot)
    s += fmt::format("| {} | {} | {} | {} | {} |\n", dataset_label(paper, row.dataset, row.split),
                     row.metric, row.shots, row.seeds, format_score(row.value));
  s += "\n";
}

void figure5_section(std::string& s, const ModelSummary& m, const ModelSummary* resnet,
                     const PaperReference& paper) {
  if (!resnet || m.zero_shot.empty()) return;
  std::map<std::string, double> probe;
  for (const auto& row : resnet->linear_probe)
    if (row.split == "test") probe[row.dataset] = row.value;
  std::string rows;
  for (const auto& row : m.zero_shot) {
    auto it = probe.find(row.dataset);
    const auto ensemble = row.score("ensemble");
    if (it == probe.end() || !ensemble || row.split != "test") continue;
    const double delta = *ensemble - it->second;
    auto pd = paper.figure5_delta.find(row.dataset);
    const std::optional<double> paper_delta =
        pd == paper.figure5_delta.end() ? std::nullopt : std::optional<double>(pd->second);
    rows += fmt::format("| {} | {} | {} | {} | {} |\n", dataset_label(paper, row.dataset, "test"),
                        format_score(ensemble), format_score(it->second), format_delta(delta),
                        format_delta(paper_delta));
  }
  if (rows.empty()) return;
  s += "### Zero-shot vs ResNet-50 linear probe (Figure 5)\n\n";
  s += "| dataset | zero-shot (ensemble) | ResNet-50 probe | delta | paper delta (Figure 5) |\n";
  s += "|---|---:|---:|---:|---:|\n" + rows + "\n";
  s += "Figure 5 does not name its CLIP model (its bars match ViT-L/14@336px minus Table 10's "
       "ResNet-50 for most datasets).\n\n";
}

void precision_section(std::string& s, const std::vector<PrecisionRow>& rows,
                       const PaperReference& paper) {
  if (rows.empty()) return;
  s += "## Precision\n\n";
  s += "The same job evaluated in fp32 and in another precision (`clipbench eval --precision`). "
       "Scores in percent with two decimals; difference = the other precision − fp32, in "
       "points.\n\n";
  s += "| model | dataset | task | prompts | metric | n | fp32 | precision | score | difference "
       "|\n|---|---|---|---|---|---:|---:|---|---:|---:|\n";
  for (const auto& r : rows) {
    const std::string n =
        r.n == r.n_fp32 ? fmt::format("{}", r.n) : fmt::format("{} / {}", r.n_fp32, r.n);
    const double d = std::abs(r.difference()) < 0.005 ? 0.0 : r.difference();  // no "-0.00"
    s += fmt::format("| {} (`{}`) | {} | {} | {} | {} | {} | {:.2f} | {} | {:.2f} | {:+.2f} |\n",
                     r.model, short_hash(r.checkpoint_hash),
                     dataset_label(paper, r.dataset, r.split), r.task, r.prompt_mode, r.metric, n,
                     r.fp32, r.precision, r.value, d);
  }
  s += "\n";
}

}  // namespace

std::string format_score(std::optional<double> v) {
  return v ? fmt::format("{:.1f}", *v) : std::string(kNone);
}
std::string format_delta(std::optional<double> v) {
  if (!v) return kNone;
  const double r = std::abs(*v) < 0.05 ? 0.0 : *v;  // no "-0.0"
  return fmt::format("{:+.1f}", r);
}

std::string markdown_report(const std::vector<ResultRecord>& records, const PaperReference& paper,
                            const MarkdownOptions& options) {
  auto models = summarize(records, paper);
  const ModelSummary* resnet = nullptr;
  for (const auto& m : models)
    if (m.model == "ResNet-50" && m.precision.empty() && !m.linear_probe.empty()) resnet = &m;
  std::string s = "# clipbench report\n\n";
  s += fmt::format("{} result records from `{}`; {} model(s). Scores in percent.\n\n",
                   records.size(), options.results_dir, models.size());
  if (!options.svg_link.empty())
    s += fmt::format("![Prompt ensembling gain (ensemble − raw) per dataset]({})\n\n",
                     options.svg_link);
  for (const auto& m : models) {
    s += fmt::format("## {} (`{}`)\n\n", m.label(), short_hash(m.checkpoint_hash));
    if (!m.zero_shot.empty()) zero_shot_section(s, m, paper);
    visual_ngrams_section(s, m, paper);
    probe_section(s, m, paper);
    few_shot_section(s, m, paper);
    figure5_section(s, m, resnet, paper);
  }
  precision_section(s, precision_rows(records), paper);
  s += "## Sources\n\n";
  s += "- Table 11 (zero-shot): " + paper.zero_shot_source + "\n";
  s += "- Table 10 (linear probe): " + paper.linear_probe_source + "\n";
  s += "- Figure 5: " + paper.figure5_source + "\n";
  s += "- Table 1 (Visual N-Grams): " + paper.visual_ngrams_source + "\n";
  return s;
}

}  // namespace clipbench::reports
