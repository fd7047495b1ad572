// Runs a test's body under each instruction set this processor has, then puts back the set in
// use before (the environment variable CHISO_KERNELS may have capped it).
#pragma once
#include <doctest/doctest.h>

#include "chiso/detail/instruction_set.hpp"

template <class Body>
void for_each_kernel_set(const Body& body) {
  using chiso::detail::instruction_set;
  const instruction_set before = chiso::detail::kernels_instruction_set();
  for (instruction_set set : {instruction_set::baseline, instruction_set::avx2, instruction_set::avx512}) {
    chiso::detail::limit_kernels(set);
    if (chiso::detail::kernels_instruction_set() != set) {
      MESSAGE("this processor has no " << chiso::detail::to_string(set) << ": not compared");
      continue;
    }
    CAPTURE(chiso::detail::to_string(set));
    body();
  }
  chiso::detail::limit_kernels(before);
}
