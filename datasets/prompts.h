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
// Reads and validates a prompts JSON file of the same schema (schema_version 1). Throws
// DatasetError naming the file for a missing field, an empty or duplicated name, or a template
// without exactly one "{}".
PromptSet load_prompt_set(const std::string& path);

// Fills a template: "a photo of a {}." + "dog" -> "a photo of a dog.".
std::string fill_template(const std::string& templ, const std::string& class_name);

}  // namespace clipbench::datasets
