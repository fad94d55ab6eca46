// Registration of the generic dataset formats (filled in by the adapters of this group).
#include "datasets/cifar_binary.h"
#include "datasets/cifar_python.h"
#include "datasets/fer2013_csv.h"
#include "datasets/filelist.h"
#include "datasets/format_registry.h"
#include "datasets/gtsrb.h"
#include "datasets/imagefolder.h"
#include "datasets/mnist_idx.h"
#include "datasets/stl10_binary.h"
#include "datasets/webdataset.h"

namespace clipbench::datasets::detail {

void register_generic_formats(FormatRegistry& registry) {
  registry.add("mnist-idx", {"mnist-idx",
                             "MNIST idx files (train-/t10k-images-idx3-ubyte, -labels-idx1-ubyte, "
                             "gzipped or not), torchvision's MNIST/raw",
                             {"train", "test"},
                             open_mnist_idx});
  registry.add("cifar10-binary",
               {"cifar10-binary",
                "CIFAR-10 binary version (cifar-10-batches-bin: data_batch_1..5.bin, "
                "test_batch.bin, batches.meta.txt)",
                {"train", "test"},
                open_cifar10_binary});
  registry.add("cifar100-binary",
               {"cifar100-binary",
                "CIFAR-100 binary version (cifar-100-binary: train.bin, test.bin, "
                "fine_label_names.txt; fine labels)",
                {"train", "test"},
                open_cifar100_binary});
  registry.add("cifar10-python",
               {"cifar10-python",
                "CIFAR-10 python version, torchvision's download "
                "(cifar-10-batches-py: data_batch_1..5, test_batch, batches.meta)",
                {"train", "test"},
                open_cifar10_python});
  registry.add("cifar100-python", {"cifar100-python",
                                   "CIFAR-100 python version, torchvision's download "
                                   "(cifar-100-python: train, test, meta; fine labels)",
                                   {"train", "test"},
                                   open_cifar100_python});
  registry.add("stl10-binary",
               {"stl10-binary",
                "STL-10 binary version (stl10_binary: {train,test}_X.bin column-major "
                "96x96x3, {train,test}_y.bin 1-based labels, class_names.txt)",
                {"train", "test"},
                open_stl10_binary});
  registry.add("fer2013-csv", {"fer2013-csv",
                               "FER2013 Kaggle CSV (fer2013.csv emotion,pixels,Usage: Training/"
                               "PublicTest/PrivateTest; or torchvision's train.csv/test.csv)",
                               {"train", "val", "test"},
                               open_fer2013_csv});
  registry.add("gtsrb", {"gtsrb",
                         "GTSRB, torchvision layout (GTSRB/Training/<00000..00042>/*.ppm; "
                         "GT-final_test.csv + GTSRB/Final_Test/Images/*.ppm)",
                         {"train", "test"},
                         open_gtsrb});
  registry.add("webdataset",
               {"webdataset",
                "CLIP_benchmark webdataset export (classnames.txt, <split>/nshards.txt, "
                "<split>/0..N-1.tar with sNNNNNNN.{webp,png,jpg} + .cls members)",
                {"train", "val", "test"},
                open_webdataset});
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
}

}  // namespace clipbench::datasets::detail
