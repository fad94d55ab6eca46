# Build-time: turns a data file (INPUT) into a C++ source (OUTPUT) defining, in namespace clipbench::embedded,
# `const char SYMBOL[]` (a text file, as raw string literal pieces of at most 16000 characters: portable literal
# lengths) or, with -DBINARY=ON, `const unsigned char SYMBOL[]` (the bytes of any file), and `SYMBOL`Size.
# Usage: cmake -DINPUT=file.json -DOUTPUT=file.cpp -DSYMBOL=kName [-DBINARY=ON] -P embed_data.cmake
get_filename_component(name "${INPUT}" NAME)
if(BINARY)
  file(READ "${INPUT}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # 8 bytes per line (one regular expression over the whole string: a loop of SUBSTRINGs is quadratic).
  string(REGEX REPLACE "((0x..,)(0x..,)(0x..,)(0x..,)(0x..,)(0x..,)(0x..,)(0x..,))" "\\1\n    " lines "${bytes}")
  set(type "unsigned char")
  set(definition "{\n    ${lines}\n}")
  set(size "sizeof(${SYMBOL})")
else()
  file(READ "${INPUT}" content)
  set(delim "clipbench_embed")
  string(FIND "${content}" ")${delim}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${INPUT} contains the raw string delimiter )${delim}\"")
  endif()
  string(LENGTH "${content}" total)
  set(pieces "")
  set(pos 0)
  while(pos LESS total)
    string(SUBSTRING "${content}" ${pos} 16000 piece)
    string(APPEND pieces "    R\"${delim}(${piece})${delim}\"\n")
    math(EXPR pos "${pos} + 16000")
  endwhile()
  set(type "char")
  set(definition "\n${pieces}")
  set(size "sizeof(${SYMBOL}) - 1")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated at build time from ${name} by clip/embed_data.cmake: do not edit.\n"
  "#include <cstddef>\n\n"
  "namespace clipbench::embedded {\n\n"
  "extern const ${type} ${SYMBOL}[];\n"
  "extern const std::size_t ${SYMBOL}Size;\n"
  "const ${type} ${SYMBOL}[] = ${definition};\n"
  "const std::size_t ${SYMBOL}Size = ${size};\n\n"
  "}  // namespace clipbench::embedded\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
