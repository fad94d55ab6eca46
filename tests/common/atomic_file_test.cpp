// Tests for common/atomic_file.h: whole files or nothing, and errors that name the file.
#include "common/atomic_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "clip/errors.h"
#include "tests/support/catch.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using Catch::Contains;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Entries of a folder (the temporary files must not stay behind).
int entries(const std::string& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.exists();
  return n;
}

}  // namespace

TEST_CASE("write_file_atomically writes, replaces, and leaves nothing behind on failure",
          "[unit]") {
  clipbench::test::TempDir dir;
  const std::string file = dir.file("sub/folder/out.bin");
  clipbench::write_file_atomically(file, std::string("first\0bytes", 11));
  CHECK(read(file) == std::string("first\0bytes", 11));  // parents created, bytes as given
  clipbench::write_file_atomically(file, [](std::ostream& out) { out << "second"; });
  CHECK(read(file) == "second");
  CHECK(entries(dir.file("sub/folder")) == 1);
  // A writer that fails: the old file stays whole, the temporary file is gone, the error is the
  // writer's own.
  CHECK_THROWS_WITH(clipbench::write_file_atomically(file,
                                                     [](std::ostream& out) {
                                                       out << "half";
                                                       throw std::runtime_error("disk gone");
                                                     }),
                    Contains("disk gone"));
  CHECK(read(file) == "second");
  CHECK(entries(dir.file("sub/folder")) == 1);
  // A writer that opens the temporary file itself.
  std::string used;
  clipbench::write_file_atomically_with(file, [&](const std::string& tmp) {
    used = tmp;
    std::ofstream(tmp) << "third";
  });
  CHECK(read(file) == "third");
  CHECK(used.rfind(file + ".", 0) == 0);  // beside the target: the rename stays in one folder
  CHECK_FALSE(fs::exists(used));
}

TEST_CASE("write_file_atomically errors name the file and what it is", "[unit]") {
  clipbench::test::TempDir dir;
  fs::create_directories(dir.file("a_folder"));
  CHECK_THROWS_AS(clipbench::write_file_atomically(dir.file("a_folder"), "x"),
                  clipbench::FileError);
  CHECK_THROWS_WITH(clipbench::write_file_atomically(dir.file("a_folder"), "x", "the record"),
                    Contains("the record " + dir.file("a_folder")) && Contains("it is a folder"));
  const std::string blocker = dir.file("plain_file");
  std::ofstream(blocker) << "x";
  CHECK_THROWS_WITH(clipbench::write_file_atomically(blocker + "/inside.json", "x"),
                    Contains(blocker + "/inside.json"));
}
