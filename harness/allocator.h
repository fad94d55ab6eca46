// glibc malloc settings for LibTorch CPU inference: freed activations are kept for reuse.
#pragma once

namespace clipbench {

// Raises glibc's mmap threshold to its maximum (32 MiB) and its trim threshold to 1 GiB, so that
// the encoders' per-batch tensors (ViT-B/32 at batch 32: the MLP's [32, 50, 3072] fp32 activation
// is 19.7 MB) come from the heap and are reused, instead of being mmapped and unmapped for every
// batch: each fresh mapping is zero-filled page by page by the kernel. Measured on this project's
// 2-core machine (`clipbench embed`, ViT-B/32, 1,000 JPEGs): page faults took 31% of the time
// without it, and throughput went from 9.6 to 27 images/s (bench/README.md). The process keeps
// memory up to its peak heap use, which the batch size bounds.
// Leaves glibc alone when the user tuned malloc (GLIBC_TUNABLES, MALLOC_MMAP_THRESHOLD_,
// MALLOC_TRIM_THRESHOLD_ set) or CLIPBENCH_MALLOC_DEFAULTS=1, and on other C libraries. Returns
// whether it changed the settings.
bool configure_allocator_for_inference();

}  // namespace clipbench
