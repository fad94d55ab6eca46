// The Catch2 main for every test executable (v2 needs CATCH_CONFIG_MAIN; v3 links Catch2WithMain).
#if __has_include(<catch2/catch_all.hpp>)
// Catch2 v3: main comes from Catch2::Catch2WithMain.
#else
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
