// Registration of the generic dataset formats (filled in by the adapters of this group).
#include "datasets/filelist.h"
#include "datasets/format_registry.h"
#include "datasets/imagefolder.h"

namespace clipbench::datasets::detail {

void register_generic_formats(FormatRegistry& registry) {
  registry.add("imagefolder",
               {"imagefolder",
                "one folder per class: <path>/<split>/<class>/**/<image> (split all: "
                "<path>/<class>/...), classes sorted as torchvision ImageFolder",
                {"train", "val", "test", "all"},
                open_imagefolder});
  registry.add("filelist",
               {"filelist",
                "<path>/<split>.csv with header 'path,label' (paths relative to <path>, label an "
                "index or a class name); classes from <path>/classes.txt or the prompts",
                {"train", "val", "test"},
                open_filelist});
  (void)registry;
}

}  // namespace clipbench::datasets::detail
