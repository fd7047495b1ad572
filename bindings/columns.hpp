// Rows of plain structs → a dict of columns (name → list), the shape that python/chiso turns into
// a DataFrame. One getter per name: a column without its getter does not compile.
#pragma once
#include <pybind11/pybind11.h>

#include <array>
#include <cstddef>
#include <vector>

namespace chiso::bindings {

template <class Row, class... Getters>
pybind11::dict columns(const std::vector<Row>& rows, const std::array<const char*, sizeof...(Getters)>& names,
                       Getters... getters) {
  std::array<pybind11::list, sizeof...(Getters)> lists;
  for (const Row& row : rows) {
    std::size_t k = 0;
    (lists[k++].append(getters(row)), ...);
  }
  pybind11::dict d;
  for (std::size_t k = 0; k < names.size(); ++k) d[names[k]] = lists[k];
  return d;
}

}  // namespace chiso::bindings
