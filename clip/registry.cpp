// Near-match suggestions and error messages shared by every registry.
#include "clip/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "clip/errors.h"

namespace clipbench {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::string> near_matches(const std::string& name,
                                      const std::vector<std::string>& names, size_t max) {
  std::vector<std::pair<size_t, std::string>> scored;
  for (const auto& n : names) {
    size_t d = edit_distance(name, n);
    if (!name.empty() && (n.find(name) != std::string::npos || name.find(n) != std::string::npos))
      d = 0;
    if (d <= std::max<size_t>(2, name.size() / 3)) scored.emplace_back(d, n);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < max; ++i) out.push_back(scored[i].second);
  return out;
}

void throw_unknown_name(const std::string& what, const std::string& name,
                        const std::vector<std::string>& names) {
  const auto near = near_matches(name, names);
  std::string msg = fmt::format("unknown {} '{}'", what, name);
  if (!near.empty()) msg += fmt::format("; did you mean {}?", fmt::join(near, ", "));
  msg += fmt::format(" (known: {})", fmt::join(names, ", "));
  throw RegistryError(msg);
}

void throw_duplicate_name(const std::string& what, const std::string& name) {
  throw RegistryError(fmt::format("{} '{}' is registered twice", what, name));
}

}  // namespace clipbench
