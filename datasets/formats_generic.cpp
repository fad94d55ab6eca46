// Registration of the generic dataset formats (filled in by the adapters of this group).
#include "datasets/format_registry.h"

namespace clipbench::datasets::detail {

void register_generic_formats(FormatRegistry& registry) { (void)registry; }

}  // namespace clipbench::datasets::detail
