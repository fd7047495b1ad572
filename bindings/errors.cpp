// C++ errors become the Python classes of chiso.errors, with the JSON path, unit, criterion and
// id kept as attributes.
#include <chiso/detail/text_check.hpp>
#include <chiso/error.hpp>
#include <pybind11/numpy.h>

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

void register_errors(py::module_& m) {
  // Texts as Arrow lays them out (large_string: int64 offsets into UTF-8 bytes), so that a
  // million unit ids are checked without a Python string each.
  m.def("first_text_problem",
        [](py::array_t<std::int64_t, py::array::c_style> offsets, py::array_t<std::uint8_t, py::array::c_style> data)
            -> py::object {
          const auto o = offsets.unchecked<1>();
          const auto* bytes = reinterpret_cast<const char*>(data.data());
          const std::int64_t size = static_cast<std::int64_t>(data.size());
          for (py::ssize_t i = 0; i + 1 < o.shape(0); ++i) {
            if (o(i) < 0 || o(i) > o(i + 1) || o(i + 1) > size)
              throw chiso::parameter_error("data.text", "text offsets out of order or beyond the data");
            if (auto problem = chiso::detail::text_problem(
                    std::string_view(bytes + o(i), static_cast<std::size_t>(o(i + 1) - o(i)))))
              return py::make_tuple(i, *problem);
          }
          return py::none();
        },
        py::arg("offsets"), py::arg("data"),
        "The first text (row, what is wrong) that chiso refuses (detail/text_check.hpp), or None.");

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
