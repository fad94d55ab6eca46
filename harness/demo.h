// The built-in demo: train a small CLIP on Fashion-MNIST (Debian's dataset-fashion-mnist), then
// run the main job on it: zero-shot in three prompt modes, linear probes on its features and on
// raw pixels, and the report.
#pragma once

#include <cstdint>
#include <string>

namespace clipbench::harness {

struct DemoOptions {
  std::string out = "results/demo";               // model/, results/, report.md go here
  std::string data_root = "/usr/share/datasets";  // holds fashion-mnist/ (the catalogue layout)
  std::string vocab;                              // BPE vocabulary (find_vocabulary rules)
  uint64_t seed = 0;                              // initialization, data order, captions
  int64_t steps = 0;                              // 0: the demo config's
  int64_t test_limit = 0;                         // zero-shot / probe test images (0: all 10,000)
  int64_t probe_train = 5000;                     // probe: train[0:probe_train]
  int64_t probe_val = 1000;                       // probe: val = train[probe_train:probe_train+val]
  int64_t batch_size = 256;                       // evaluation batch size
  bool force = false;                             // retrain and re-run finished records
};

// Runs the demo and returns the path of the Markdown report. Finished pieces are kept: an
// existing trained checkpoint and existing records are reused unless force (a second run with the
// same seed reproduces the same numbers, see the README).
std::string run_demo(const DemoOptions& options);

}  // namespace clipbench::harness
