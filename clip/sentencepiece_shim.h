// The C interface of libclipbench_sentencepiece.so, the one file that links libsentencepiece.
//
// Debian's libsentencepiece exports its own copy of protobuf-lite, which clashes with the
// libprotobuf that Debian's LibTorch loads (the process crashes while starting). So
// libsentencepiece is never linked into clipbench: this small module links it, and
// clip/sentencepiece_tokenizer.cpp loads the module with dlopen(RTLD_LOCAL | RTLD_DEEPBIND), so
// each library keeps its own protobuf. Plain C types only; strings are UTF-8 with a length.
#pragma once

#include <cstddef>

extern "C" {

// A SentencePieceProcessor loaded from `path`, or null with *error set (free it with
// clipbench_spm_free).
void* clipbench_spm_load(const char* path, char** error);
void clipbench_spm_destroy(void* processor);
// GetPieceSize().
int clipbench_spm_piece_size(const void* processor);
// PieceToId(piece); *is_unknown = IsUnknown(id).
int clipbench_spm_piece_to_id(const void* processor, const char* piece, std::size_t length,
                              int* is_unknown);
// Encode(text) into a malloc'd array *ids of *count ids; 0 on success, else -1 with *error set.
int clipbench_spm_encode(const void* processor, const char* text, std::size_t length, int** ids,
                         std::size_t* count, char** error);
// Frees what the functions above returned (ids, error strings).
void clipbench_spm_free(void* pointer);

}  // extern "C"
