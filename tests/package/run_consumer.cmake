# Builds and runs tests/package/consumer against vsmmu in one of three ways (MODE).
cmake_minimum_required(VERSION 3.21)

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGV}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(extra)
if(MODE STREQUAL "find_package")
  # Install exactly what `cmake --install` ships, then find it through the package config.
  run(${CMAKE_COMMAND} --install ${VSMMU_BUILD_DIR} --prefix ${WORK_DIR}/prefix)
  set(extra -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
endif()

if(C_API)
  # The C compiler of the C++ compiler's toolchain: the C program links through the C++ driver
  # with the C compiler's runtime libraries, which must not be a second toolchain's.
  string(REGEX REPLACE "clang\\+\\+" "clang" cc "${CXX}")
  string(REGEX REPLACE "g\\+\\+" "gcc" cc "${cc}")
  if(NOT cc STREQUAL CXX)
    list(APPEND extra -DCMAKE_C_COMPILER=${cc})
  endif()
endif()

run(${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/consumer -B ${WORK_DIR}/build
    -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX} "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}"
    -DMODE=${MODE} -DVSMMU_SOURCE_DIR=${VSMMU_SOURCE_DIR} -DC_API=${C_API} ${extra})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)
if(C_API)
  run(${WORK_DIR}/build/consumer_c)
endif()
