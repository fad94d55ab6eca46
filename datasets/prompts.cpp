// The embedded prompt sets (prompts/*.json) and the reader/validator of that schema.
#include "datasets/prompts.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "clip/errors.h"
#include "clip/registry.h"
#include "datasets/embedded_files.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {
namespace {

using nlohmann::json;

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

const json& field(const json& j, const char* key, json::value_t type, const char* expected,
                  const std::string& where) {
  auto it = j.find(key);
  if (it == j.end())
    throw DatasetError(fmt::format("{}: missing field '{}' (expected {})", where, key, expected));
  const bool ok =
      type == json::value_t::number_integer ? it->is_number_integer() : it->type() == type;
  if (!ok)
    throw DatasetError(
        fmt::format("{}: field '{}' is {}, expected {}", where, key, it->dump(), expected));
  return *it;
}

std::string string_field(const json& j, const char* key, const std::string& where) {
  const std::string s = field(j, key, json::value_t::string, "a non-empty string", where);
  if (s.empty())
    throw DatasetError(
        fmt::format("{}: field '{}' is empty, expected a non-empty string", where, key));
  return s;
}

const Registry<PromptSet>& embedded() {
  static const Registry<PromptSet> instance = [] {
    Registry<PromptSet> r("prompt set");
    for (const auto& file : detail::embedded_prompts_files()) {
      const std::string where = "prompts/" + std::string(file.name);
      PromptSet p = detail::parse_prompt_set(std::string(file.text), where);
      const std::string stem(file.name.substr(0, file.name.rfind('.')));
      if (p.dataset != stem)
        throw DatasetError(fmt::format("{}: 'dataset' is '{}', expected the file name '{}'", where,
                                       p.dataset, stem));
      r.add(stem, std::move(p));
    }
    return r;
  }();
  return instance;
}

}  // namespace

namespace detail {

PromptSet parse_prompt_set(const std::string& text, const std::string& where) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw DatasetError(fmt::format("{}: not valid JSON: {}", where, e.what()));
  }
  if (!j.is_object()) throw DatasetError(where + ": expected a JSON object");
  static const std::set<std::string> kKeys = {"schema_version", "dataset", "display_name",
                                              "source",         "classes", "templates"};
  for (const auto& item : j.items()) {
    if (!kKeys.count(item.key()))
      throw DatasetError(fmt::format("{}: unknown field '{}' (schema_version 1 has: {})", where,
                                     item.key(), fmt::join(kKeys, ", ")));
  }
  const json& version =
      field(j, "schema_version", json::value_t::number_integer, "the integer 1", where);
  if (version != 1)
    throw DatasetError(
        fmt::format("{}: schema_version {} is not supported (expected 1)", where, version.dump()));
  PromptSet p;
  p.dataset = string_field(j, "dataset", where);
  p.display_name = string_field(j, "display_name", where);
  p.source = string_field(j, "source", where);

  const json& classes =
      field(j, "classes", json::value_t::array, "an array of arrays of class names", where);
  if (classes.size() < 2)
    throw DatasetError(
        fmt::format("{}: 'classes' has {} entries, expected at least 2", where, classes.size()));
  for (size_t i = 0; i < classes.size(); ++i) {
    const json& names = classes[i];
    if (!names.is_array() || names.empty())
      throw DatasetError(fmt::format("{}: class {} is {}, expected a non-empty array of names",
                                     where, i, names.dump()));
    std::vector<std::string> out;
    for (const auto& name : names) {
      if (!name.is_string() || name.get<std::string>().empty() ||
          name.get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos)
        throw DatasetError(fmt::format("{}: class {} has the name {}, expected a non-empty string",
                                       where, i, name.dump()));
      const std::string s = name.get<std::string>();
      if (s.find_first_of("{}") != std::string::npos)
        throw DatasetError(fmt::format(
            "{}: class {} name '{}' contains a brace; names must not look like a placeholder",
            where, i, s));
      if (std::find(out.begin(), out.end(), s) != out.end())
        throw DatasetError(fmt::format("{}: class {} lists the name '{}' twice", where, i, s));
      out.push_back(s);
    }
    p.classes.push_back(std::move(out));
  }

  const json& templates =
      field(j, "templates", json::value_t::array, "an array of template strings", where);
  if (templates.empty())
    throw DatasetError(fmt::format("{}: 'templates' is empty, expected at least one", where));
  for (size_t i = 0; i < templates.size(); ++i) {
    const json& t = templates[i];
    if (!t.is_string())
      throw DatasetError(
          fmt::format("{}: template {} is {}, expected a string", where, i, t.dump()));
    const std::string s = t.get<std::string>();
    if (count_of(s, "{}") != 1 || count_of(s, "{") != 1 || count_of(s, "}") != 1)
      throw DatasetError(fmt::format(
          "{}: template {} '{}' must contain the placeholder {{}} exactly once and no other brace",
          where, i, s));
    if (std::find(p.templates.begin(), p.templates.end(), s) != p.templates.end())
      throw DatasetError(fmt::format("{}: template {} '{}' is repeated", where, i, s));
    p.templates.push_back(s);
  }
  return p;
}

}  // namespace detail

const PromptSet& prompt_set(const std::string& id) { return embedded().at(id); }

std::vector<std::string> prompt_set_ids() {
  std::vector<std::string> ids = embedded().names();
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> first_class_names(const PromptSet& prompts) {
  std::vector<std::string> out;
  out.reserve(prompts.classes.size());
  for (const auto& names : prompts.classes) out.push_back(names.front());
  return out;
}

PromptSet load_prompt_set(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(fmt::format("cannot open the prompts file {}", path));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) throw FileError(fmt::format("cannot read the prompts file {}", path));
  return detail::parse_prompt_set(text.str(), path);
}

std::string fill_template(const std::string& templ, const std::string& class_name) {
  const size_t pos = templ.find("{}");
  if (pos == std::string::npos || templ.find("{}", pos + 2) != std::string::npos)
    throw DatasetError(
        fmt::format("prompt template '{}' must contain the placeholder {{}} exactly once", templ));
  return templ.substr(0, pos) + class_name + templ.substr(pos + 2);
}

}  // namespace clipbench::datasets
