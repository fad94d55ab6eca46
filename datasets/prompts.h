// Class names and prompt templates per dataset, from prompts/<id>.json (embedded at build time).
#pragma once

#include <string>
#include <vector>

namespace clipbench::datasets {

struct PromptSet {
  std::string dataset;       // catalogue id
  std::string display_name;  // "Food-101"
  std::string source;        // where the names and templates were transcribed from
  // classes[i]: the names of class i (the paper's synonyms; the first is the main one).
  std::vector<std::vector<std::string>> classes;
  // Templates with exactly one "{}" placeholder for the class name.
  std::vector<std::string> templates;
};

// The embedded prompts/<id>.json. Throws RegistryError (near matches) for an unknown id.
const PromptSet& prompt_set(const std::string& id);
// Ids of the embedded prompt sets, sorted.
std::vector<std::string> prompt_set_ids();
// The first name of each class, in label order.
std::vector<std::string> first_class_names(const PromptSet& prompts);

// Reads and validates a prompts JSON file of the same schema (prompts/README.md; schema_version 1,
// other versions are rejected). Throws FileError when the file cannot be read, DatasetError naming
// the file (and the class / template index) for invalid JSON, a missing, mistyped or unknown
// field, fewer than 2 classes, a class without names, an empty name, a name containing '{' or '}',
// a name repeated within one class, no template, a repeated template, or a template without
// exactly one "{}" (or with any other brace). The same name in two different classes is allowed:
// the upstream ImageNet list has two such pairs (prompts/README.md), so classes are identified by
// index, never by name.
PromptSet load_prompt_set(const std::string& path);

// Fills a template: "a photo of a {}." + "dog" -> "a photo of a dog.". Throws DatasetError when
// `templ` does not hold exactly one "{}".
std::string fill_template(const std::string& templ, const std::string& class_name);

}  // namespace clipbench::datasets

namespace clipbench::datasets::detail {
// Parses and validates the text of a prompts file; `where` names it in errors.
PromptSet parse_prompt_set(const std::string& text, const std::string& where);
}  // namespace clipbench::datasets::detail
