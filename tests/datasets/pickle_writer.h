// Writes pickles as Python 2 cPickle (protocol 2) writes the CIFAR python files, for tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace clipbench::test {

// Emits the opcodes byte by byte; memo puts (BINPUT) as cPickle does for containers and strings.
class PickleWriter {
 public:
  PickleWriter() { out_ = std::string("\x80\x02", 2); }
  std::string finish() { return out_ + "."; }

  void begin_dict() {
    op('}');
    put();
    op('(');
  }
  void end_dict() { op('u'); }
  void str(const std::string& s) {
    if (s.size() < 256) {
      op('U');
      out_.push_back(static_cast<char>(s.size()));
    } else {
      op('T');
      u32(static_cast<uint32_t>(s.size()));
    }
    out_ += s;
    put();
  }
  void integer(int64_t v) {
    if (v >= 0 && v < 256) {
      op('K');
      out_.push_back(static_cast<char>(v));
    } else if (v >= 0 && v < 65536) {
      op('M');
      out_.push_back(static_cast<char>(v & 0xff));
      out_.push_back(static_cast<char>(v >> 8));
    } else {
      op('J');
      u32(static_cast<uint32_t>(v));
    }
  }
  void int_list(const std::vector<int64_t>& v) {
    op(']');
    put();
    op('(');
    for (int64_t x : v) integer(x);
    op('e');
  }
  void str_list(const std::vector<std::string>& v) {
    op(']');
    put();
    op('(');
    for (const auto& s : v) str(s);
    op('e');
  }
  // numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), 'b') + BUILD state, dtype 'u1'.
  void uint8_array(const std::vector<int64_t>& shape, const std::string& bytes) {
    out_ += "cnumpy.core.multiarray\n_reconstruct\n";
    put();
    out_ += "cnumpy\nndarray\n";
    put();
    integer(0);
    op('\x85');
    str("b");
    op('\x87');
    op('R');
    put();
    op('(');
    integer(1);
    for (int64_t d : shape) integer(d);
    op(shape.size() == 2 ? '\x86' : '\x85');
    out_ += "cnumpy\ndtype\n";
    put();
    str("u1");
    integer(0);
    integer(1);
    op('\x87');
    op('R');
    put();
    op('(');
    integer(3);
    str("|");
    op('N');
    op('N');
    op('N');
    op('J');
    u32(0xffffffffu);
    op('J');
    u32(0xffffffffu);
    integer(0);
    op('t');
    op('b');
    op('\x89');  // fortran order: False
    op('T');
    u32(static_cast<uint32_t>(bytes.size()));
    out_ += bytes;
    put();
    op('t');
    op('b');
  }
  std::string& raw() { return out_; }

 private:
  void op(char c) { out_.push_back(c); }
  void put() {
    op('q');
    out_.push_back(static_cast<char>(++memo_ & 0xff));
  }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
  int memo_ = 0;
};

}  // namespace clipbench::test
