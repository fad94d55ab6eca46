// One include for Catch2 v2 (Debian) and v3 (elsewhere): tests include this, never Catch2 directly.
#pragma once

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#define CLIPBENCH_CATCH_V3 1
using Catch::Approx;
#else
#include <catch2/catch.hpp>
#endif
