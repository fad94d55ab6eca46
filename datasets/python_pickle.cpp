// A strict protocol-2 pickle reader for the subset Python 2 cPickle writes for numpy arrays.
#include "datasets/python_pickle.h"

#include <fmt/format.h>

#include <map>

#include "datasets/format_registry.h"

namespace clipbench::datasets::pickle {
namespace {

ValuePtr make(Value::Kind kind) {
  auto v = std::make_shared<Value>();
  v->kind = kind;
  return v;
}

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNone:
      return "None";
    case Value::Kind::kBool:
      return "bool";
    case Value::Kind::kInt:
      return "int";
    case Value::Kind::kBytes:
      return "str";
    case Value::Kind::kText:
      return "unicode";
    case Value::Kind::kList:
      return "list";
    case Value::Kind::kTuple:
      return "tuple";
    case Value::Kind::kDict:
      return "dict";
    case Value::Kind::kGlobal:
      return "global";
    case Value::Kind::kObject:
      return "object";
  }
  return "?";
}

class Reader {
 public:
  Reader(const uint8_t* data, size_t size, const std::string& name)
      : data_(data), size_(size), name_(name) {}

  ValuePtr run() {
    while (true) {
      const size_t at = pos_;
      const uint8_t op = byte();
      switch (op) {
        case 0x80: {  // PROTO
          const uint8_t proto = byte();
          if (proto > 2) fail(at, fmt::format("pickle protocol {} (expected 2 or lower)", proto));
          break;
        }
        case '.': {  // STOP
          if (stack_.size() != 1 || !marks_.empty()) fail(at, "STOP with a malformed stack");
          if (pos_ != size_) {
            fail(at, fmt::format("{} bytes after STOP (expected one pickle)", size_ - pos_));
          }
          return stack_.back();
        }
        case '(':
          marks_.push_back(stack_.size());
          break;
        case '}':
          stack_.push_back(make(Value::Kind::kDict));
          break;
        case ']':
          stack_.push_back(make(Value::Kind::kList));
          break;
        case ')':
          stack_.push_back(make(Value::Kind::kTuple));
          break;
        case 'N':
          stack_.push_back(make(Value::Kind::kNone));
          break;
        case 0x88:
        case 0x89: {  // NEWTRUE, NEWFALSE
          auto v = make(Value::Kind::kBool);
          v->integer = op == 0x88;
          stack_.push_back(v);
          break;
        }
        case 'K':
          push_int(byte());
          break;
        case 'M':
          push_int(static_cast<int64_t>(little(2)));
          break;
        case 'J':
          push_int(static_cast<int32_t>(static_cast<uint32_t>(little(4))));
          break;
        case 0x8a: {  // LONG1
          const size_t n = byte();
          if (n > 8) fail(at, fmt::format("LONG1 of {} bytes (at most 8 supported)", n));
          uint64_t u = little(n);
          if (n > 0 && n < 8 && (u >> (8 * n - 1)) & 1) u |= ~uint64_t{0} << (8 * n);
          push_int(static_cast<int64_t>(u));
          break;
        }
        case 'U':
          push_string(Value::Kind::kBytes, byte());
          break;
        case 'T':
          push_string(Value::Kind::kBytes, length32(at));
          break;
        case 'X':
          push_string(Value::Kind::kText, length32(at));
          break;
        case 'q':
          memo_[byte()] = top(at);
          break;
        case 'r':
          memo_[little(4)] = top(at);
          break;
        case 'h':
          get(at, byte());
          break;
        case 'j':
          get(at, little(4));
          break;
        case 'c':
          global(at);
          break;
        case 't': {
          auto t = make(Value::Kind::kTuple);
          t->items = pop_mark(at);
          stack_.push_back(t);
          break;
        }
        case 0x85:
        case 0x86:
        case 0x87: {  // TUPLE1..3
          const size_t n = static_cast<size_t>(op - 0x84);
          need(at, n);
          auto t = make(Value::Kind::kTuple);
          t->items.assign(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
          stack_.resize(stack_.size() - n);
          stack_.push_back(t);
          break;
        }
        case 'a': {
          need(at, 2);
          ValuePtr item = pop();
          expect(at, *top(at), Value::Kind::kList, "APPEND")->items.push_back(item);
          break;
        }
        case 'e': {
          std::vector<ValuePtr> items = pop_mark(at);
          Value* list = expect(at, *top(at), Value::Kind::kList, "APPENDS");
          list->items.insert(list->items.end(), items.begin(), items.end());
          break;
        }
        case 's': {
          need(at, 3);
          ValuePtr value = pop();
          ValuePtr key = pop();
          expect(at, *top(at), Value::Kind::kDict, "SETITEM")->entries.emplace_back(key, value);
          break;
        }
        case 'u': {
          std::vector<ValuePtr> kv = pop_mark(at);
          if (kv.size() % 2) fail(at, "SETITEMS with an odd number of items");
          Value* dict = expect(at, *top(at), Value::Kind::kDict, "SETITEMS");
          for (size_t i = 0; i < kv.size(); i += 2) dict->entries.emplace_back(kv[i], kv[i + 1]);
          break;
        }
        case 'R': {  // REDUCE
          need(at, 2);
          ValuePtr args = pop();
          ValuePtr callable = pop();
          if (callable->kind != Value::Kind::kGlobal || args->kind != Value::Kind::kTuple) {
            fail(at, "REDUCE expects a global and an argument tuple");
          }
          auto obj = make(Value::Kind::kObject);
          obj->callable = callable;
          obj->args = args;
          stack_.push_back(obj);
          break;
        }
        case 'b': {  // BUILD
          need(at, 2);
          ValuePtr state = pop();
          ValuePtr obj = top(at);
          if (obj->kind != Value::Kind::kObject || obj->state) {
            fail(at, "BUILD expects an object built by REDUCE and not built yet");
          }
          obj->state = state;
          break;
        }
        default:
          fail(at, fmt::format("unsupported pickle opcode 0x{:02x} ('{}'): this reader accepts "
                               "only the protocol-2 subset of Python 2 cPickle with numpy arrays",
                               op, op >= 0x20 && op < 0x7f ? static_cast<char>(op) : '?'));
      }
    }
  }

 private:
  [[noreturn]] void fail(size_t at, const std::string& what) const {
    throw DatasetError(fmt::format("{}: pickle offset {}: {}", name_, at, what));
  }
  uint8_t byte() {
    if (pos_ >= size_) fail(pos_, "truncated pickle (expected more bytes before STOP)");
    return data_[pos_++];
  }
  uint64_t little(size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{byte()} << (8 * i);
    return v;
  }
  size_t length32(size_t at) {
    const uint64_t n = little(4);
    if (n > size_ - pos_) fail(at, fmt::format("string of {} bytes runs past the end", n));
    return static_cast<size_t>(n);
  }
  void push_int(int64_t v) {
    auto value = make(Value::Kind::kInt);
    value->integer = v;
    stack_.push_back(value);
  }
  void push_string(Value::Kind kind, size_t n) {
    if (n > size_ - pos_) fail(pos_, fmt::format("string of {} bytes runs past the end", n));
    auto value = make(kind);
    value->text.assign(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    stack_.push_back(value);
  }
  std::string line(size_t at) {
    std::string s;
    while (true) {
      const char c = static_cast<char>(byte());
      if (c == '\n') return s;
      s.push_back(c);
      if (s.size() > 256) fail(at, "GLOBAL name longer than 256 bytes");
    }
  }
  void global(size_t at) {
    const std::string module = line(at);
    const std::string name = line(at);
    const std::string full = module + "." + name;
    if (full != "numpy.core.multiarray._reconstruct" &&
        full != "numpy._core.multiarray._reconstruct" && full != "numpy.ndarray" &&
        full != "numpy.dtype") {
      fail(at, fmt::format("GLOBAL {} is not allowed (expected numpy.core.multiarray."
                           "_reconstruct, numpy.ndarray or numpy.dtype)",
                           full));
    }
    auto g = make(Value::Kind::kGlobal);
    g->text = full;
    stack_.push_back(g);
  }
  void get(size_t at, uint64_t key) {
    auto it = memo_.find(key);
    if (it == memo_.end()) fail(at, fmt::format("memo key {} was never stored", key));
    stack_.push_back(it->second);
  }
  void need(size_t at, size_t n) {
    const size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() < floor + n) fail(at, "stack underflow");
  }
  ValuePtr top(size_t at) {
    need(at, 1);
    return stack_.back();
  }
  ValuePtr pop() {
    ValuePtr v = stack_.back();
    stack_.pop_back();
    return v;
  }
  std::vector<ValuePtr> pop_mark(size_t at) {
    if (marks_.empty()) fail(at, "no MARK on the stack");
    const size_t m = marks_.back();
    marks_.pop_back();
    std::vector<ValuePtr> items(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return items;
  }
  Value* expect(size_t at, Value& v, Value::Kind kind, const char* op) {
    if (v.kind != kind) {
      fail(at, fmt::format("{} on a {} (expected a {})", op, kind_name(v.kind), kind_name(kind)));
    }
    return &v;
  }

  const uint8_t* data_;
  size_t size_;
  std::string name_;
  size_t pos_ = 0;
  std::vector<ValuePtr> stack_;
  std::vector<size_t> marks_;
  std::map<uint64_t, ValuePtr> memo_;
};

[[noreturn]] void bad(const std::string& where, const std::string& expected, const Value& got) {
  throw DatasetError(
      fmt::format("{}: expected {}, found a {}", where, expected, kind_name(got.kind)));
}

bool is_global(const ValuePtr& v, const std::string& a, const std::string& b = "") {
  return v && v->kind == Value::Kind::kGlobal && (v->text == a || (!b.empty() && v->text == b));
}

bool is_string(const ValuePtr& v, const std::string& s) {
  return v && (v->kind == Value::Kind::kBytes || v->kind == Value::Kind::kText) && v->text == s;
}

}  // namespace

ValuePtr parse(const uint8_t* data, size_t size, const std::string& name) {
  return Reader(data, size, name).run();
}

const Value* dict_get(const Value& dict, const std::string& key) {
  if (dict.kind != Value::Kind::kDict) return nullptr;
  for (const auto& [k, v] : dict.entries) {
    if (is_string(k, key)) return v.get();
  }
  return nullptr;
}

Uint8Array as_uint8_array(const Value& value, const std::string& where) {
  const std::string expected =
      "a numpy uint8 array (numpy.core.multiarray._reconstruct with a dtype('u1') state)";
  if (value.kind != Value::Kind::kObject ||
      !is_global(value.callable, "numpy.core.multiarray._reconstruct",
                 "numpy._core.multiarray._reconstruct") ||
      value.args->items.empty() || !is_global(value.args->items[0], "numpy.ndarray") ||
      !value.state || value.state->kind != Value::Kind::kTuple || value.state->items.size() != 5) {
    bad(where, expected, value);
  }
  const auto& st = value.state->items;
  const ValuePtr& dtype = st[2];
  if (!dtype || dtype->kind != Value::Kind::kObject || !is_global(dtype->callable, "numpy.dtype") ||
      dtype->args->items.empty() || !is_string(dtype->args->items[0], "u1")) {
    throw DatasetError(
        fmt::format("{}: expected {}, the array's dtype is not 'u1'", where, expected));
  }
  if (dtype->state && dtype->state->kind == Value::Kind::kTuple && dtype->state->items.size() > 1 &&
      !is_string(dtype->state->items[1], "|")) {
    throw DatasetError(fmt::format("{}: the array's dtype byte order is not '|'", where));
  }
  if (st[3]->kind != Value::Kind::kBool || st[3]->integer != 0) {
    throw DatasetError(fmt::format("{}: the array is in Fortran order (expected C order)", where));
  }
  if (st[1]->kind != Value::Kind::kTuple || st[4]->kind != Value::Kind::kBytes) {
    throw DatasetError(
        fmt::format("{}: expected {} with a shape tuple and raw bytes", where, expected));
  }
  Uint8Array array;
  int64_t count = 1;
  for (const ValuePtr& d : st[1]->items) {
    if (d->kind != Value::Kind::kInt || d->integer < 0) {
      throw DatasetError(fmt::format("{}: the array shape holds a non-integer", where));
    }
    array.shape.push_back(d->integer);
    count *= d->integer;
  }
  if (static_cast<size_t>(count) != st[4]->text.size()) {
    throw DatasetError(fmt::format("{}: the array shape ({}) needs {} bytes, the pickle holds {}",
                                   where, fmt::join(array.shape, ", "), count, st[4]->text.size()));
  }
  array.data = &st[4]->text;
  return array;
}

std::vector<int64_t> as_int_list(const Value& value, const std::string& where) {
  if (value.kind != Value::Kind::kList && value.kind != Value::Kind::kTuple) {
    bad(where, "a list of ints", value);
  }
  std::vector<int64_t> out;
  out.reserve(value.items.size());
  for (const ValuePtr& v : value.items) {
    if (v->kind != Value::Kind::kInt) bad(where, "a list of ints", *v);
    out.push_back(v->integer);
  }
  return out;
}

std::vector<std::string> as_string_list(const Value& value, const std::string& where) {
  if (value.kind != Value::Kind::kList && value.kind != Value::Kind::kTuple) {
    bad(where, "a list of strings", value);
  }
  std::vector<std::string> out;
  for (const ValuePtr& v : value.items) {
    if (v->kind != Value::Kind::kBytes && v->kind != Value::Kind::kText) {
      bad(where, "a list of strings", *v);
    }
    out.push_back(v->text);
  }
  return out;
}

}  // namespace clipbench::datasets::pickle
