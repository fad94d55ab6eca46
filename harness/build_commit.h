// The git commit clipbench was built from (recorded in results and `clipbench version`).
#pragma once

namespace clipbench::harness {

// Short (12 hex digit) commit of the source tree at build time (read by every build, not only at
// configure time), with "-dirty" appended when tracked files had uncommitted changes, or "unknown"
// outside a git checkout. Lives in a generated .cpp so a new commit recompiles one file, not the
// whole harness.
const char* build_commit();

}  // namespace clipbench::harness
