// libclipbench_sentencepiece.so: libsentencepiece behind a C interface, loaded with dlopen.
#include "clip/sentencepiece_shim.h"

#include <sentencepiece_processor.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

namespace {

char* copy_string(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out) std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

const sentencepiece::SentencePieceProcessor* as_processor(const void* p) {
  return static_cast<const sentencepiece::SentencePieceProcessor*>(p);
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void* clipbench_spm_load(const char* path, char** error) {
  auto* processor = new (std::nothrow) sentencepiece::SentencePieceProcessor();
  if (!processor) {
    *error = copy_string("out of memory");
    return nullptr;
  }
  const auto status = processor->Load(path);
  if (!status.ok()) {
    *error = copy_string(status.ToString());
    delete processor;
    return nullptr;
  }
  return processor;
}

__attribute__((visibility("default"))) void clipbench_spm_destroy(void* processor) {
  delete static_cast<sentencepiece::SentencePieceProcessor*>(processor);
}

__attribute__((visibility("default"))) int clipbench_spm_piece_size(const void* processor) {
  return as_processor(processor)->GetPieceSize();
}

__attribute__((visibility("default"))) int clipbench_spm_piece_to_id(const void* processor,
                                                                     const char* piece,
                                                                     std::size_t length,
                                                                     int* is_unknown) {
  const int id = as_processor(processor)->PieceToId(std::string(piece, length));
  *is_unknown = as_processor(processor)->IsUnknown(id) ? 1 : 0;
  return id;
}

__attribute__((visibility("default"))) int clipbench_spm_encode(const void* processor,
                                                                const char* text,
                                                                std::size_t length, int** ids,
                                                                std::size_t* count, char** error) {
  std::vector<int> out;
  const auto status = as_processor(processor)->Encode(std::string(text, length), &out);
  if (!status.ok()) {
    *error = copy_string(status.ToString());
    return -1;
  }
  *count = out.size();
  *ids = static_cast<int*>(std::malloc(std::max<std::size_t>(1, out.size()) * sizeof(int)));
  if (!*ids) {
    *error = copy_string("out of memory");
    return -1;
  }
  if (!out.empty()) std::memcpy(*ids, out.data(), out.size() * sizeof(int));
  return 0;
}

__attribute__((visibility("default"))) void clipbench_spm_free(void* pointer) {
  std::free(pointer);
}

}  // extern "C"
