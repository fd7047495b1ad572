#include "register.hpp"

namespace chiso::bindings {
void register_sensitivity(pybind11::module_& /*m*/) {}
}  // namespace chiso::bindings
