// Reads and writes the safetensors format (8-byte LE header length, JSON header, raw little-endian
// data).
#pragma once

#include <map>
#include <string>

#include "clip/state_dict.h"

namespace clipbench {

struct SafetensorsFile {
  StateDict tensors;  // CPU tensors in the stored dtype, keys as stored
  std::map<std::string, std::string>
      metadata;  // the optional "__metadata__" object (string -> string)
};

// Reads every tensor of a safetensors file into CPU memory, in the stored dtype
// (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL).
// The header is validated before any data is read: its length must fit the file, every entry must
// have a known dtype, a shape and data_offsets with begin <= end <= data size, and end - begin must
// equal numel * element size. Throws FileError when the file cannot be opened, CheckpointError
// naming the file and the key otherwise (truncated file, header that is not JSON, a lying size, an
// unknown dtype).
SafetensorsFile read_safetensors(const std::string& path);

// True when the first bytes of `path` look like a safetensors file (a plausible header length
// followed by '{').
bool looks_like_safetensors(const std::string& path);

// Writes `tensors` (any device; written from contiguous CPU copies, keys in map order) atomically
// (a per-process temp file "<path>.<pid>.tmp", then rename). Throws FileError on I/O failure and
// CheckpointError for a dtype safetensors cannot hold.
void write_safetensors(const std::string& path, const StateDict& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace clipbench
