# Runs two programs and checks that the lines of their stdout that match LINES are the same, in
# the same order: two implementations of one scenario must produce the same traffic.
#   -DA="prog|arg|..."  -DB="prog|arg|..."  -DLINES=<regex a line must match to be compared>
# CMake lists give '[', ']' and ';' a meaning, so the lines are matched with those written as
# <lb>, <rb> and <sc>.
cmake_minimum_required(VERSION 3.21)
foreach(side A B)
  string(REPLACE "|" ";" cmd "${${side}}")
  execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${${side}}: exit status ${rc}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  # One list element per line.
  string(REPLACE ";" "<sc>" out "${out}")
  string(REPLACE "[" "<lb>" out "${out}")
  string(REPLACE "]" "<rb>" out "${out}")
  string(REPLACE "\n" ";" lines "${out}")
  list(FILTER lines INCLUDE REGEX "${LINES}")
  list(LENGTH lines count_${side})
  string(REPLACE ";" "\n" text_${side} "${lines}")
endforeach()
if(count_A EQUAL 0)
  message(FATAL_ERROR "no line of ${A} matches '${LINES}'")
endif()
if(NOT text_A STREQUAL text_B)
  message(FATAL_ERROR "the lines matching '${LINES}' differ\n--- ${A}\n${text_A}\n--- ${B}\n${text_B}")
endif()
