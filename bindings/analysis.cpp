#include "register.hpp"

namespace chiso::bindings {
void register_analysis(pybind11::module_& /*m*/) {}
}  // namespace chiso::bindings
