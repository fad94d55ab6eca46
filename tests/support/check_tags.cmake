# Fails when a test executable holds a test case tagged neither [unit] nor [parity] (it would never run in CTest).
# Catch2 v2 lists names with --list-test-names-only (exit code = count); v3 with --list-tests --verbosity quiet.
execute_process(COMMAND ${EXE} "~[unit]~[parity]" --list-test-names-only
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(out MATCHES "Unrecognised" OR err MATCHES "Unrecognised")
  execute_process(COMMAND ${EXE} "~[unit]~[parity]" --list-tests --verbosity quiet
                  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
endif()
string(STRIP "${out}" out)
if(NOT out STREQUAL "")
  message(FATAL_ERROR "untagged test cases in ${EXE}:\n${out}")
endif()
