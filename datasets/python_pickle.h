// A strict reader for the pickle subset of the CIFAR "python version" files: protocol 2 as Python
// 2's cPickle writes it, with numpy uint8 arrays (numpy.core.multiarray._reconstruct).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace clipbench::datasets::pickle {

struct Value;
using ValuePtr = std::shared_ptr<Value>;

// A Python object built by the reader. kBytes is a Python 2 str (latin-1 bytes, as torchvision
// reads them with encoding="latin1"); kText a unicode object (UTF-8). kGlobal holds "module.name"
// in `text`; kObject is the result of REDUCE (callable(args)) plus the state BUILD gave it.
struct Value {
  enum class Kind { kNone, kBool, kInt, kBytes, kText, kList, kTuple, kDict, kGlobal, kObject };
  Kind kind = Kind::kNone;
  int64_t integer = 0;                                 // kInt; kBool as 0 / 1
  std::string text;                                    // kBytes, kText, kGlobal
  std::vector<ValuePtr> items;                         // kList, kTuple
  std::vector<std::pair<ValuePtr, ValuePtr>> entries;  // kDict, in insertion order
  ValuePtr callable, args, state;                      // kObject
};

// Parses one pickle. Opcodes accepted (anything else throws DatasetError naming `name`, the
// offset and the opcode): PROTO (<= 2), STOP, MARK, EMPTY_DICT/LIST/TUPLE, NONE, NEWTRUE, NEWFALSE,
// BININT1, BININT2, BININT, LONG1 (<= 8 bytes), SHORT_BINSTRING, BINSTRING, BINUNICODE, BINPUT,
// LONG_BINPUT, BINGET, LONG_BINGET, GLOBAL, TUPLE, TUPLE1-3, APPEND(S), SETITEM(S), REDUCE, BUILD.
// GLOBAL is limited to numpy.core.multiarray._reconstruct (also numpy._core.), numpy.ndarray and
// numpy.dtype. Trailing bytes after STOP, a truncated stream or a stack underflow throw too.
ValuePtr parse(const uint8_t* data, size_t size, const std::string& name);

// The value of key `key` (a str or unicode key) in a dict, or nullptr when absent.
const Value* dict_get(const Value& dict, const std::string& key);

// A numpy uint8 array reconstructed from the pickle: dtype 'u1', C order.
struct Uint8Array {
  std::vector<int64_t> shape;
  const std::string* data = nullptr;  // points into the parsed Value; product(shape) bytes
};

// Interprets `value` as numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), 'b') with state
// (version, shape, dtype('u1'), fortran=False, raw bytes). Throws DatasetError naming `where`
// ("<file> key 'data'") and what was expected otherwise.
Uint8Array as_uint8_array(const Value& value, const std::string& where);
// A list (or tuple) of ints; throws DatasetError naming `where` otherwise.
std::vector<int64_t> as_int_list(const Value& value, const std::string& where);
// A list (or tuple) of str / unicode; throws DatasetError naming `where` otherwise.
std::vector<std::string> as_string_list(const Value& value, const std::string& where);

}  // namespace clipbench::datasets::pickle
