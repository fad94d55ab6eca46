// Tests of the strict protocol-2 pickle reader: the values it builds, memo references, numpy
// arrays, and the errors for anything outside its subset.
#include "datasets/python_pickle.h"

#include <string>

#include "datasets/format_registry.h"
#include "tests/datasets/pickle_writer.h"
#include "tests/support/catch.h"

using namespace clipbench;
using namespace clipbench::datasets;

namespace {

pickle::ValuePtr parse(const std::string& s) {
  return pickle::parse(reinterpret_cast<const uint8_t*>(s.data()), s.size(), "x.pkl");
}

// The bytes of a string literal (which may hold NUL bytes), without its terminator.
template <size_t N>
std::string bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

std::string error_of(const std::string& s) {
  try {
    parse(s);
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the pickle reader builds dicts, lists, ints, strings and numpy uint8 arrays", "[unit]") {
  test::PickleWriter w;
  w.begin_dict();
  w.str("ints");
  w.int_list({0, 255, 256, 65535, 65536, -1});
  w.str("names");
  w.str_list({"apple", std::string(300, 'z')});
  w.str("data");
  w.uint8_array({2, 3}, "abcdef");
  w.end_dict();
  const pickle::ValuePtr root = parse(w.finish());
  REQUIRE(root->kind == pickle::Value::Kind::kDict);
  CHECK(pickle::as_int_list(*pickle::dict_get(*root, "ints"), "ints") ==
        std::vector<int64_t>{0, 255, 256, 65535, 65536, -1});
  const auto names = pickle::as_string_list(*pickle::dict_get(*root, "names"), "names");
  REQUIRE(names.size() == 2);
  CHECK(names[1].size() == 300);
  const pickle::Uint8Array a = pickle::as_uint8_array(*pickle::dict_get(*root, "data"), "data");
  CHECK(a.shape == std::vector<int64_t>{2, 3});
  CHECK(*a.data == "abcdef");
  CHECK(pickle::dict_get(*root, "missing") == nullptr);
}

TEST_CASE("the pickle reader resolves memo references (BINGET) and LONG1", "[unit]") {
  // [s, s, 2**40] where s = 'ab' stored with BINPUT 1 and fetched with BINGET 1.
  const std::string p = bytes(
      "\x80\x02]q\x00(U\x02"
      "abq\x01h\x01\x8a\x06\x00\x00\x00\x00\x00\x01"
      "e.");
  const pickle::ValuePtr root = parse(p);
  REQUIRE(root->items.size() == 3);
  CHECK(root->items[0] == root->items[1]);
  CHECK(root->items[1]->text == "ab");
  CHECK(root->items[2]->integer == (int64_t{1} << 40));
}

TEST_CASE("the pickle reader rejects what it does not support, naming file and offset", "[unit]") {
  CHECK_THAT(error_of(bytes("\x80\x04}.")), Catch::Contains("protocol 4"));
  CHECK_THAT(error_of(bytes("\x80\x02\x95")),
             Catch::Contains("x.pkl: pickle offset 2") && Catch::Contains("opcode 0x95"));
  CHECK_THAT(error_of(bytes("\x80\x02"
                            "cos\nsystem\n.")),
             Catch::Contains("GLOBAL os.system is not allowed"));
  CHECK_THAT(error_of(bytes("\x80\x02]q\x00(K\x01")), Catch::Contains("truncated"));
  CHECK_THAT(error_of(bytes("\x80\x02h\x05.")), Catch::Contains("memo key 5"));
  CHECK_THAT(error_of(bytes("\x80\x02K\x01.K")), Catch::Contains("after STOP"));
  CHECK_THAT(error_of(bytes("\x80\x02"
                            "a.")),
             Catch::Contains("stack underflow"));
  // A numpy array whose dtype is not u1.
  test::PickleWriter w;
  w.uint8_array({2}, "ab");
  std::string bad = w.finish();
  bad.replace(bad.find("u1"), 2, "i8");
  const pickle::ValuePtr v = parse(bad);
  CHECK_THROWS_WITH(pickle::as_uint8_array(*v, "file key 'data'"),
                    Catch::Contains("file key 'data'") && Catch::Contains("not 'u1'"));
}
