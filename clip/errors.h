// Typed errors thrown by clipbench: each names the file, key or value at fault and what was
// expected.
#pragma once

#include <stdexcept>
#include <string>

namespace clipbench {

// Base of every error clipbench throws on bad input or bad use.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A file that cannot be opened or read (missing, permission, I/O failure).
class FileError : public Error {
 public:
  using Error::Error;
};

// A checkpoint that is truncated, corrupt, of an unknown format, or whose tensors do not fit the
// model.
class CheckpointError : public Error {
 public:
  using Error::Error;
};

// A tensor whose shape differs from the one expected (names the key and both shapes).
class ShapeMismatchError : public CheckpointError {
 public:
  using CheckpointError::CheckpointError;
};

// A vocabulary that cannot be found or parsed, or a text that does not fit the context length.
class TokenizerError : public Error {
 public:
  using Error::Error;
};

// An image that cannot be decoded (corrupt, truncated, unsupported format, too large).
class ImageDecodeError : public Error {
 public:
  using Error::Error;
};

// A name missing from a registry (the message suggests near matches) or registered twice.
class RegistryError : public Error {
 public:
  using Error::Error;
};

}  // namespace clipbench
