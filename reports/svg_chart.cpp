// An SVG horizontal bar chart written as text (no library).
#include "reports/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace clipbench::reports {
namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::vector<Bar> gain_bars(const std::vector<ModelSummary>& models) {
  std::set<std::string> names;
  for (const auto& m : models)
    if (!m.zero_shot.empty()) names.insert(m.model + " " + m.checkpoint_hash + " " + m.precision);
  std::vector<Bar> bars;
  for (const auto& m : models)
    for (const auto& row : m.zero_shot) {
      const auto g = row.gain();
      if (!g) continue;
      std::string label = row.split == "test" ? row.dataset : row.dataset + "/" + row.split;
      if (names.size() > 1) label += " (" + m.label() + ")";
      bars.push_back({label, *g});
    }
  return bars;
}

std::string svg_bar_chart(const std::vector<Bar>& bars, const std::string& title) {
  constexpr double kLabelWidth = 230, kPlotWidth = 420, kRow = 22, kTop = 40, kBottom = 40;
  const double height = kTop + kRow * std::max<size_t>(bars.size(), 1) + kBottom;
  const double width = kLabelWidth + kPlotWidth + 70;
  double lo = 0.0, hi = 0.0;
  for (const auto& b : bars) {
    lo = std::min(lo, b.value);
    hi = std::max(hi, b.value);
  }
  if (hi - lo < 1e-9) hi = lo + 1.0;  // all zero: an axis of one point
  const auto x_of = [&](double v) { return kLabelWidth + (v - lo) / (hi - lo) * kPlotWidth; };
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
      "viewBox=\"0 0 {0:.0f} {1:.0f}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2:.1f}\" y=\"22\" font-size=\"14\" font-weight=\"bold\" "
      "text-anchor=\"middle\">{3}</text>\n",
      width, height, width / 2, xml_escape(title));
  if (bars.empty()) {
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">no data</text>\n",
                     width / 2, kTop + kRow * 0.7);
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double y = kTop + kRow * static_cast<double>(i);
    const double x0 = x_of(0.0), x1 = x_of(b.value);
    const bool up = b.value >= 0;
    s += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n"
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">"
        "<title>{}: {:+.1f}</title></rect>\n"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">{:+.1f}</text>\n",
        kLabelWidth - 8, y + 15, xml_escape(b.label), std::min(x0, x1), y + 3,
        std::max(std::fabs(x1 - x0), 0.5), kRow - 6, up ? "#2e7d32" : "#c62828",
        xml_escape(b.label), b.value, up ? x1 + 4 : x1 - 4, y + 15, up ? "start" : "end", b.value);
  }
  const double axis_y = kTop + kRow * std::max<size_t>(bars.size(), 1) + 6;
  s += fmt::format(
      "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"black\"/>\n"
      "<line x1=\"{3:.1f}\" y1=\"{2:.1f}\" x2=\"{4:.1f}\" y2=\"{2:.1f}\" stroke=\"black\"/>\n"
      "<text x=\"{3:.1f}\" y=\"{5:.1f}\" text-anchor=\"middle\">{6:+.1f}</text>\n"
      "<text x=\"{4:.1f}\" y=\"{5:.1f}\" text-anchor=\"middle\">{7:+.1f}</text>\n"
      "<text x=\"{8:.1f}\" y=\"{9:.1f}\" text-anchor=\"middle\">percentage points</text>\n",
      x_of(0.0), kTop - 4, axis_y, x_of(lo), x_of(hi), axis_y + 14, lo, hi,
      kLabelWidth + kPlotWidth / 2, axis_y + 28);
  s += "</svg>\n";
  return s;
}

}  // namespace clipbench::reports
