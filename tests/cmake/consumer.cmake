# Builds examples/cpp against chiso twice — once installed (find_package) and once as a
# subdirectory (add_subdirectory) — and runs it on the tutorial model.
#   cmake -DBUILD_DIR=… -DSOURCE_DIR=… -DWORK_DIR=… [-DSUBDIRECTORY_BINARY_DIR=…] -P consumer.cmake
# SUBDIRECTORY_BINARY_DIR is where the add_subdirectory build puts chiso's objects: at the depth of
# BUILD_DIR below the source tree, ccache (paths relative to the repository) serves them from the
# release build, so that the library is compiled once.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

set(model "${SOURCE_DIR}/examples/models/tutorial-par.json")
file(REMOVE_RECURSE "${WORK_DIR}")

# 1. find_package from an installed prefix.
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix" --component cxx)
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/cpp" -B "${WORK_DIR}/installed"
    -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build "${WORK_DIR}/installed" --parallel 2)
run("${WORK_DIR}/installed/chiso_consumer" "${model}")
message(STATUS "installed package:\n${last_output}")
# Hand check (tutorial model, inputs of main.cpp; max 2 + 1 + 2 + 3 + 2 + 2 = 12):
#  Ba Đình: 2 + 1 + 2 (100 %) + 3 (100 %) + 0.9 × 2 + 2 − 0 = 11.8 → 98.333… → 98.33, band Xuất sắc;
#  Hoàn Kiếm: 1.75 + 0 + 1.5 (96 %) + 2 (96 %) + 1.8 + 1.75 − 0.25 = 8.55 → 71.25, rank 2;
#  Sở Tư pháp (group 2, A1.1 not applicable, max 10): 1 + 1.5 (92 %) + 1 (92 %) + 1.8 + 1.5 − 0.5
#  = 6.3 → 63.00, rank 1 in its group.
if(NOT last_output MATCHES "Ba Đình +index +98\\.33 +rank 1 +Xuất sắc"
   OR NOT last_output MATCHES "Hoàn Kiếm +index +71\\.25 +rank 2 +Chưa đạt"
   OR NOT last_output MATCHES "Sở Tư pháp +index +63\\.00 +rank 1 +Chưa đạt")
  message(FATAL_ERROR "unexpected result from the installed-package consumer:\n${last_output}")
endif()

# 2. add_subdirectory of the source tree.
if(NOT SUBDIRECTORY_BINARY_DIR)
  set(SUBDIRECTORY_BINARY_DIR "${WORK_DIR}/subdirectory/chiso")
endif()
file(REMOVE_RECURSE "${SUBDIRECTORY_BINARY_DIR}")
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/cmake/subdirectory" -B "${WORK_DIR}/subdirectory"
    -DCHISO_SOURCE_DIR=${SOURCE_DIR} -DCHISO_BINARY_DIR=${SUBDIRECTORY_BINARY_DIR} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build "${WORK_DIR}/subdirectory" --parallel 2)
run("${WORK_DIR}/subdirectory/chiso_consumer" "${model}")
if(NOT last_output MATCHES "Ba Đình +index +98\\.33")
  message(FATAL_ERROR "unexpected result from the add_subdirectory consumer:\n${last_output}")
endif()
message(STATUS "add_subdirectory: ok")
