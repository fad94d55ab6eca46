// Tests for clip/safetensors.h: round trips, the fixtures, and headers that lie.
#include "clip/safetensors.h"

#include <torch/torch.h>

#include "clip/errors.h"
#include "tests/support/catch.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

using namespace clipbench;
using clipbench::test::TempDir;

namespace {

// A hand-built safetensors file: header JSON + `data_bytes` bytes of data.
std::string make_file(const std::string& header, size_t data_bytes) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header + std::string(data_bytes, '\x01');
}

std::string error_of(const std::string& path) {
  try {
    read_safetensors(path);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("safetensors round-trips every dtype, shape and the metadata", "[unit]") {
  TempDir dir;
  StateDict sd;
  sd["a.f32"] = torch::arange(12, torch::kFloat).reshape({3, 4});
  sd["b.f16"] = torch::randn({5}).to(torch::kHalf);
  sd["c.bf16"] = torch::randn({2, 2}).to(torch::kBFloat16);
  sd["d.i64"] = torch::tensor({1, 2, 49407}, torch::kLong);
  sd["e.scalar"] = torch::tensor(4.6052f);
  sd["f.u8"] = torch::tensor({0, 255}, torch::kByte);
  sd["g.f64"] = torch::tensor({1.0 / 3.0}, torch::kDouble);
  write_safetensors(dir.file("x.safetensors"), sd, {{"format", "pt"}});
  REQUIRE(looks_like_safetensors(dir.file("x.safetensors")));
  const auto back = read_safetensors(dir.file("x.safetensors"));
  CHECK(back.metadata.at("format") == "pt");
  REQUIRE(back.tensors.size() == sd.size());
  for (const auto& [k, v] : sd) {
    INFO(k);
    const auto& t = back.tensors.at(k);
    CHECK(t.scalar_type() == v.scalar_type());
    CHECK(t.sizes() == v.sizes());
    CHECK(torch::equal(t, v));
  }
}

TEST_CASE("safetensors reads the fixture goldens", "[parity]") {
  const auto g = read_safetensors(clipbench::test::fixture("models/tiny-vit/golden.safetensors"));
  CHECK(g.tensors.at("input.image").sizes() == std::vector<int64_t>{3, 3, 32, 32});
  CHECK(g.tensors.at("input.text").scalar_type() == torch::kLong);
  CHECK(g.tensors.at("input.text")[0][0].item<int64_t>() == 49406);
}

TEST_CASE("safetensors headers that lie are errors naming the file and the key", "[unit]") {
  TempDir dir;
  // Offsets past the end of the data section.
  auto p = dir.write("past.safetensors",
                     make_file(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8));
  auto msg = error_of(p);
  CHECK(msg.find("past.safetensors") != std::string::npos);
  CHECK(msg.find("'w'") != std::string::npos);
  CHECK(msg.find("outside") != std::string::npos);
  // Size that disagrees with shape x dtype.
  p = dir.write("size.safetensors",
                make_file(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}})", 16));
  msg = error_of(p);
  CHECK(msg.find("needs 16 bytes") != std::string::npos);
  // A shape whose byte count wraps around 64 bits to exactly the data given: (2^62 + 1) * 4
  // elements wrap to 4, i.e. 16 bytes of F32 (failure mode of a reader that multiplies unchecked).
  p = dir.write("wrap.safetensors",
                make_file(R"({"w":{"dtype":"F32","shape":[4611686018427387905,4],)"
                          R"("data_offsets":[0,16]}})",
                          16));
  msg = error_of(p);
  CHECK(msg.find("wrap.safetensors") != std::string::npos);
  CHECK(msg.find("more bytes than 64 bits") != std::string::npos);
  // A zero dimension next to a huge one is an empty tensor, not an overflow.
  p = dir.write("empty.safetensors",
                make_file(R"({"w":{"dtype":"F32","shape":[0,4611686018427387905],)"
                          R"("data_offsets":[0,0]}})",
                          0));
  CHECK(read_safetensors(p).tensors.at("w").numel() == 0);
  // Unknown dtype.
  p = dir.write("dtype.safetensors",
                make_file(R"({"w":{"dtype":"F8","shape":[4],"data_offsets":[0,4]}})", 4));
  CHECK(error_of(p).find("dtype 'F8'") != std::string::npos);
  // Header length larger than the file.
  std::string huge = make_file(R"({})", 0);
  huge[0] = '\x7f';
  huge[1] = '\x7f';
  p = dir.write("len.safetensors", huge);
  CHECK(error_of(p).find("does not fit the file") != std::string::npos);
  // Not JSON.
  p = dir.write("json.safetensors", make_file("{not json}", 0));
  CHECK(error_of(p).find("not valid JSON") != std::string::npos);
  // Truncated below the length field, and a missing file.
  p = dir.write("short.safetensors", "abc");
  CHECK(error_of(p).find("truncated") != std::string::npos);
  CHECK_THROWS_AS(read_safetensors(dir.file("missing.safetensors")), FileError);
  // A real checkpoint cut in half.
  const auto full =
      clipbench::test::read_file(clipbench::test::fixture("models/tiny-vit/model.safetensors"));
  p = dir.write("half.safetensors", full.substr(0, full.size() / 2));
  CHECK(error_of(p).find("outside") != std::string::npos);
}
