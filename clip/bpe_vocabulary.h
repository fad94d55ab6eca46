// BPE vocabulary files: OpenAI's .txt.gz, Hugging Face vocab.json + merges.txt, discovery.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace clipbench {

// OpenAI's `bytes_to_unicode()`: each byte stands for one code point ("byte symbol"). Bytes
// 0x21-0x7E, 0xA1-0xAC and 0xAE-0xFF stand for themselves; the other 68 bytes, in byte order, for
// U+0100..U+0143.
struct ByteSymbols {
  std::array<char32_t, 256> of_byte;  // byte -> its symbol
  std::array<std::uint8_t, 256>
      in_order;  // the dict's order: vocabulary id k (k < 256) is of_byte[in_order[k]]
};
const ByteSymbols& byte_symbols();

// The number of merges the reference reads: lines[1 : 49152 - 256 - 2 + 1] of the merges file.
constexpr std::size_t kReferenceMergeCount = 49152 - 256 - 2;

// A BPE vocabulary: token strings are UTF-8 of byte symbols, a word-final token ending in "</w>"
// ("a</w>"). Built with Python dict semantics: a token or merge listed twice keeps its last id or
// rank.
struct BpeVocabulary {
  std::unordered_map<std::string, std::int64_t> encoder;    // token -> id
  std::vector<std::pair<std::string, std::string>> merges;  // in rank order
  std::string source;                                       // the file(s) read, for messages
};

// openai/CLIP's `bpe_simple_vocab_16e6.txt.gz` ships with clipbench (clip/data/, MIT: its notice is
// clip/data/LICENSE-openai-clip), embedded in the library at build time as open_clip and
// openai/CLIP ship it in their packages. find_vocabulary returns this name for it, and
// read_vocabulary (so Tokenizer::from_file) reads it from memory. It is no file on disk:
// write_vocabulary_files copies it.
inline constexpr const char* kBuiltinVocabulary = "builtin:bpe_simple_vocab_16e6.txt.gz";
// The embedded file's bytes (gzip, 1,356,917 bytes; the same file as
// ../shared/reference/openai-clip/).
std::string_view builtin_vocabulary_gzip();

// Reads OpenAI's gzip'd merges file with zlib and builds the vocabulary as SimpleTokenizer does:
// the 256 byte symbols, the same with "</w>", one token per merge (in order), then <|startoftext|>
// and <|endoftext|> (49408 tokens for the released file). Throws TokenizerError naming the file
// when it is missing, not gzip, corrupt or truncated, not UTF-8, or holds a malformed merge line
// (naming the line).
BpeVocabulary read_openai_vocabulary(const std::string& gz_path);

// Reads a Hugging Face CLIP tokenizer's vocab.json (token -> id) and merges.txt (as CLIPTokenizer
// does: strip, split on '\n', lines[1 : 48895]). Throws TokenizerError naming the file on any
// problem, including a vocab.json without <|startoftext|> / <|endoftext|>.
BpeVocabulary read_hf_vocabulary(const std::string& vocab_json, const std::string& merges_txt);

// Reads whatever `path` is: kBuiltinVocabulary; a directory holding vocab.json + merges.txt or
// bpe_simple_vocab_16e6.txt.gz; a
// `*.json` file (merges.txt beside it); a merges.txt (vocab.json beside it); otherwise a gzip'd
// OpenAI file.
BpeVocabulary read_vocabulary(const std::string& path);

// Where the vocabulary for a run is, in this order:
//  1. `explicit_path` (the --vocab option) when not empty: it must exist (a file, or a directory
//  holding one);
//  2. beside `checkpoint_path` (in its folder, or in it when it is a folder): vocab.json with
//  merges.txt, else
//     bpe_simple_vocab_16e6.txt.gz;
//  3. the CLIPBENCH_VOCAB environment variable, when set and not empty: it must exist;
//  4. kBuiltinVocabulary (openai/CLIP's file, which OpenAI and open_clip CLIP-BPE models use; a
//     model whose token embedding has another size is refused by the loader, which names --vocab).
// Returns the file to pass to read_vocabulary / Tokenizer::from_file (`explicit_path` may itself be
// kBuiltinVocabulary). Throws TokenizerError when an explicitly named one does not exist (or is a
// folder without a vocabulary), or when a folder beside the checkpoint holds vocab.json without
// merges.txt.
std::string find_vocabulary(const std::string& explicit_path, const std::string& checkpoint_path);

// Copies the vocabulary `vocab` (a path find_vocabulary returned; vocab.json brings its merges.txt)
// into the folder `dir` under its own file name(s), the built-in one as
// bpe_simple_vocab_16e6.txt.gz, so the model written there finds it beside itself. Returns the
// files written. Throws FileError naming the file that could not be written.
std::vector<std::string> write_vocabulary_files(const std::string& vocab, const std::string& dir);

}  // namespace clipbench
