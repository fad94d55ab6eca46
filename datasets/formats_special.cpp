// Registration of the special dataset formats (filled in by the adapters of this group).
#include "datasets/format_registry.h"

namespace clipbench::datasets::detail {

void register_special_formats(FormatRegistry& registry) { (void)registry; }

}  // namespace clipbench::datasets::detail
