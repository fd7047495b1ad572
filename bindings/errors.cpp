// C++ errors become the Python classes of chiso.errors, with the JSON path, unit, criterion and
// id kept as attributes.
#include <chiso/error.hpp>

#include "register.hpp"

namespace py = pybind11;

namespace chiso::bindings {

namespace {

void raise(const char* class_name, const chiso::error& e, py::dict attributes) {
  py::object cls = py::module_::import("chiso.errors").attr(class_name);
  py::object exception = cls(e.what());
  exception.attr("id") = e.id();
  for (auto item : attributes) exception.attr(item.first) = item.second;
  PyErr_SetObject(cls.ptr(), exception.ptr());
}

}  // namespace

void register_errors(py::module_& /*m*/) {
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const chiso::model_error& e) {
      py::dict attributes;
      attributes["path"] = e.path();
      raise("ModelError", e, attributes);
    } catch (const chiso::data_error& e) {
      py::dict attributes;
      attributes["unit"] = e.unit().empty() ? py::object(py::none()) : py::str(e.unit());
      attributes["criterion"] = e.node().empty() ? py::object(py::none()) : py::str(e.node());
      attributes["source"] = e.source().empty() ? py::object(py::none()) : py::str(e.source());
      raise("DataError", e, attributes);
    } catch (const chiso::parameter_error& e) {
      raise("ParameterError", e, py::dict());
    } catch (const chiso::error& e) {
      raise("ChisoError", e, py::dict());
    }
  });
}

}  // namespace chiso::bindings
