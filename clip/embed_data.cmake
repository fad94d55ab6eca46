# Build-time: turns a text data file (INPUT) into a C++ source (OUTPUT) defining `const char SYMBOL[]` in namespace
# clipbench::embedded, as raw string literal pieces of at most 16000 characters (portable literal lengths).
# Usage: cmake -DINPUT=file.json -DOUTPUT=file.cpp -DSYMBOL=kName -P embed_data.cmake
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
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
  "// Generated at build time from ${name} by clip/embed_data.cmake: do not edit.\n"
  "#include <cstddef>\n\n"
  "namespace clipbench::embedded {\n\n"
  "extern const char ${SYMBOL}[];\n"
  "extern const std::size_t ${SYMBOL}Size;\n"
  "const char ${SYMBOL}[] =\n${pieces};\n"
  "const std::size_t ${SYMBOL}Size = sizeof(${SYMBOL}) - 1;\n\n"
  "}  // namespace clipbench::embedded\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
