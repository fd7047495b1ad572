# Builds examples/cpp against chiso twice — once installed (find_package) and once as a
# subdirectory (add_subdirectory) — and runs it on the tutorial model; builds the C++ code of the
# docs (README's tour, docs/assessment.md, docs/analysis.md) against the installed package.
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
# The same from the repository's root, where the docs' programs find examples/.
function(run_from_source_dir)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err
                  WORKING_DIRECTORY "${SOURCE_DIR}")
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

# 2. The C++ code of the docs as written (tests/cmake/docs extracts it from the markdown), against
#    the installed package: the two programs run from the repository's root as the docs say, the
#    ASEM function of docs/analysis.md compiled.
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/cmake/docs" -B "${WORK_DIR}/docs" -DCHISO_SOURCE_DIR=${SOURCE_DIR}
    -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build "${WORK_DIR}/docs" --parallel 2)
run_from_source_dir("${WORK_DIR}/docs/readme_cpp_tour")
# Hand check (README's table on the tutorial model): Ba Đình 2 + 1 + 2 (100 %) + 3 (100 %)
# + 2 × 0.9 + 2 − 0 = 11.8 of 12 → 98.33; Hoàn Kiếm without A1.1 (max 10): 0 + 1.5 (96 %)
# + 2 (96 %) + 1.8 + 1.75 − 0.25 (one returned document) = 6.8 → 68.00.
if(NOT last_output STREQUAL "Ba Đình: index 98.33, rank 1, Xuất sắc\nHoàn Kiếm: index 68.00, rank 2, Chưa đạt\n")
  message(FATAL_ERROR "README's C++ tour printed:\n${last_output}")
endif()
run_from_source_dir("${WORK_DIR}/docs/assessment_cpp")
# The sample's 30 districts ranked, and Hai Bà Trưng's 63 of 80 criteria ready by 31/10/2023,
# which the sample's generator builds in (examples/data/README.md).
string(REGEX MATCHALL "(^|\n) ?[0-9]+ +[0-9]+\\.[0-9][0-9] " ranked "${last_output}")
list(LENGTH ranked units)
if(NOT units EQUAL 30 OR NOT last_output MATCHES "Quận Hai Bà Trưng: 63/80 ready by 31/10/2023\n")
  message(FATAL_ERROR "docs/assessment.md's C++ program printed:\n${last_output}")
endif()
message(STATUS "the docs' C++ programs: ok")

# 3. add_subdirectory of the source tree.
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
