// A name -> entry registry: duplicate names throw, unknown names throw with the nearest registered
// names.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace clipbench {

// Levenshtein distance between two names (bytes), for "did you mean" suggestions.
size_t edit_distance(const std::string& a, const std::string& b);

// Up to `max` registered names closest to `name` (by edit distance, or sharing it as a
// prefix/substring).
std::vector<std::string> near_matches(const std::string& name,
                                      const std::vector<std::string>& names, size_t max = 3);

// Throws RegistryError "unknown <what> 'name'; did you mean ...? (known: ...)".
[[noreturn]] void throw_unknown_name(const std::string& what, const std::string& name,
                                     const std::vector<std::string>& names);
// Throws RegistryError "<what> 'name' is registered twice".
[[noreturn]] void throw_duplicate_name(const std::string& what, const std::string& name);

// Entries keep their registration order. `what` names the kind of entry in error messages
// ("checkpoint format").
template <typename T>
class Registry {
 public:
  explicit Registry(std::string what) : what_(std::move(what)) {}

  // Throws RegistryError when `name` is already registered.
  void add(const std::string& name, T entry) {
    if (index_.count(name)) throw_duplicate_name(what_, name);
    index_[name] = entries_.size();
    names_.push_back(name);
    entries_.push_back(std::move(entry));
  }

  // Throws RegistryError naming the nearest registered names when `name` is unknown.
  const T& at(const std::string& name) const {
    auto it = index_.find(name);
    if (it == index_.end()) throw_unknown_name(what_, name, names_);
    return entries_[it->second];
  }

  bool contains(const std::string& name) const { return index_.count(name) > 0; }
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<T>& entries() const { return entries_; }

 private:
  std::string what_;
  std::map<std::string, size_t> index_;
  std::vector<std::string> names_;
  std::vector<T> entries_;
};

}  // namespace clipbench
