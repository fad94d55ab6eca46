// Registration of the lists dataset formats (filled in by the adapters of this group).
#include "datasets/format_registry.h"

namespace clipbench::datasets::detail {

void register_list_formats(FormatRegistry& registry) { (void)registry; }

}  // namespace clipbench::datasets::detail
