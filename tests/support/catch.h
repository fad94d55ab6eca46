// One include for Catch2 v2 (Debian) and v3 (elsewhere): tests include this, never Catch2 directly.
#pragma once

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#define CLIPBENCH_CATCH_V3 1
using Catch::Approx;
namespace Catch {
// Catch2 v2's string matcher name; v3 calls it Matchers::ContainsSubstring.
inline Matchers::StringContainsMatcher Contains(const std::string& s,
                                                CaseSensitive cs = CaseSensitive::Yes) {
  return Matchers::ContainsSubstring(s, cs);
}
}  // namespace Catch
#else
#include <catch2/catch.hpp>
#endif
