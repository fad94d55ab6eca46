// Helpers for the state dict type shared by checkpoint readers and models.
#include "clip/state_dict.h"

#include <sstream>

namespace clipbench {

std::string shape_string(at::IntArrayRef shape) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << ']';
  return out.str();
}

}  // namespace clipbench
