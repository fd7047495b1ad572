#include "register.hpp"

namespace chiso::bindings {
void register_assessment(pybind11::module_& /*m*/) {}
}  // namespace chiso::bindings
