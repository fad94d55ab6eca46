# Build-time: writes OUT from IN (harness/build_commit.cpp.in) with the commit of the source tree SOURCE_DIR, "-dirty"
# appended when tracked files differ from it, "unknown" outside git. Run by every build (target clipbench_build_commit);
# configure_file rewrites OUT only when the text changes, so an unchanged commit rebuilds nothing.
# Usage: cmake -DSOURCE_DIR=... -DIN=... -DOUT=... -P build_commit.cmake
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE CLIPBENCH_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc
                ERROR_QUIET)
if(NOT rc EQUAL 0 OR NOT CLIPBENCH_GIT_COMMIT)
  set(CLIPBENCH_GIT_COMMIT "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(changes)
    string(APPEND CLIPBENCH_GIT_COMMIT "-dirty")
  endif()
endif()
configure_file(${IN} ${OUT} @ONLY)
