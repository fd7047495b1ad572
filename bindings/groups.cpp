// Labels of units (their groups, their ids) read once in C++, without a Python object per unit
// where the column has none (numpy text and numbers, Arrow strings).
//
// Group labels are coded by first appearance here; Python sorts the few distinct labels (the one
// rule for their order, model._label_codes) and remap_codes puts the codes in that order. Label
// texts are checked by the core's rule (detail::text_problem), as files' unit ids are.
#include <chiso/detail/text_check.hpp>
#include <chiso/error.hpp>
#include <pybind11/numpy.h>

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "register.hpp"

namespace py = pybind11;

namespace chiso::bindings {

namespace {

constexpr std::int32_t missing_code = -1;

// Codes of the labels met so far, in order of first appearance, and the row of each first
// appearance. A column mostly repeats a few labels: the last few are compared before the map.
template <typename Key, typename Hash = std::hash<Key>>
class first_appearance_codes {
 public:
  first_appearance_codes() { recent_.fill({Key{}, missing_code}); }
  std::int32_t code(const Key& key, std::int64_t row) {
    for (const auto& [known, code] : recent_)
      if (code != missing_code && known == key) return code;
    const auto [place, added] = codes_.try_emplace(key, static_cast<std::int32_t>(first_rows_.size()));
    if (added) {
      if (first_rows_.size() >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
        throw data_error("data.groups", "", "", "more than 2³¹ − 1 distinct group labels");
      first_rows_.push_back(row);
    }
    recent_[next_recent_] = {key, place->second};
    next_recent_ = (next_recent_ + 1) % recent_.size();
    return place->second;
  }
  std::vector<std::int64_t>& first_rows() { return first_rows_; }

 private:
  std::unordered_map<Key, std::int32_t, Hash> codes_;
  std::array<std::pair<Key, std::int32_t>, 4> recent_{};
  std::size_t next_recent_ = 0;
  std::vector<std::int64_t> first_rows_;
};

using coded = py::tuple;  // (int32 codes, int64 row of each code's first appearance)

coded result(py::array_t<std::int32_t>&& codes, const std::vector<std::int64_t>& first_rows) {
  py::array_t<std::int64_t> rows(static_cast<py::ssize_t>(first_rows.size()));
  std::copy(first_rows.begin(), first_rows.end(), rows.mutable_data());
  return py::make_tuple(std::move(codes), std::move(rows));
}

// Cell `row` of a 1-D array, whatever its strides.
template <typename T>
const T& cell(const py::array& values, py::ssize_t row) {
  return *reinterpret_cast<const T*>(static_cast<const char*>(values.data()) + row * values.strides(0));
}

// Integers: a table indexed by value when their span is small (category codes, years, small
// ids), else a hash map.
template <typename T>
coded code_integers(const py::array& values) {
  const py::ssize_t n = values.shape(0);
  py::array_t<std::int32_t> out(n);
  std::int32_t* codes = out.mutable_data();
  if (n == 0) return result(std::move(out), {});
  T low = cell<T>(values, 0), high = low;
  for (py::ssize_t row = 1; row < n; ++row) {
    const T v = cell<T>(values, row);
    low = v < low ? v : low;
    high = v > high ? v : high;
  }
  using wide = std::make_unsigned_t<T>;
  const auto span = static_cast<std::uint64_t>(static_cast<wide>(static_cast<wide>(high) - static_cast<wide>(low)));
  std::vector<std::int64_t> first_rows;
  if (span < std::max<std::uint64_t>(1u << 16, static_cast<std::uint64_t>(n))) {
    std::vector<std::int32_t> code_of(static_cast<std::size_t>(span) + 1, missing_code);
    for (py::ssize_t row = 0; row < n; ++row) {
      const auto place = static_cast<wide>(static_cast<wide>(cell<T>(values, row)) - static_cast<wide>(low));
      auto& code = code_of[static_cast<std::size_t>(place)];
      if (code == missing_code) {
        code = static_cast<std::int32_t>(first_rows.size());
        first_rows.push_back(row);
      }
      codes[row] = code;
    }
    return result(std::move(out), first_rows);
  }
  first_appearance_codes<T> coder;
  for (py::ssize_t row = 0; row < n; ++row) codes[row] = coder.code(cell<T>(values, row), row);
  return result(std::move(out), coder.first_rows());
}

// Floats: NaN is a missing label; 0.0 and -0.0 are one label.
template <typename T>
coded code_floats(const py::array& values) {
  const py::ssize_t n = values.shape(0);
  py::array_t<std::int32_t> out(n);
  std::int32_t* codes = out.mutable_data();
  first_appearance_codes<T> coder;
  for (py::ssize_t row = 0; row < n; ++row) {
    const T v = cell<T>(values, row);
    codes[row] = std::isnan(v) ? missing_code : coder.code(v == 0 ? T(0) : v, row);
  }
  return result(std::move(out), coder.first_rows());
}

// Fixed-width numpy text (UCS-4, padded with NULs): the cell's bytes are the label.
coded code_fixed_texts(const py::array& values) {
  const py::ssize_t n = values.shape(0);
  const auto width = static_cast<std::size_t>(values.itemsize());
  py::array_t<std::int32_t> out(n);
  std::int32_t* codes = out.mutable_data();
  first_appearance_codes<std::string_view> coder;
  for (py::ssize_t row = 0; row < n; ++row)
    codes[row] = coder.code(std::string_view(&cell<char>(values, row), width), row);
  return result(std::move(out), coder.first_rows());
}

// Python objects: None and float NaN are missing labels; the others are equal as Python says
// (1 == 1.0, a numpy str equals the str), through a dict. A column holds a few label objects
// many times, or equal texts in new objects: the last few are compared by identity and, for
// exact str, by value before the dict.
class object_codes {
 public:
  std::int32_t code(PyObject* label, std::int64_t row) {
    if (label == Py_None || (PyFloat_Check(label) && std::isnan(PyFloat_AS_DOUBLE(label)))) return missing_code;
    for (const auto& [known, code] : recent_)
      if (known == label) return code;
    if (PyUnicode_CheckExact(label))
      for (const auto& [known, code] : recent_)
        if (known != nullptr && PyUnicode_CheckExact(known) && same_text(known, label)) return remember(label, code);
    PyObject* found = PyDict_GetItemWithError(codes_.ptr(), label);  // borrowed
    if (found != nullptr) return remember(label, static_cast<std::int32_t>(PyLong_AsLong(found)));
    if (PyErr_Occurred()) throw py::error_already_set();  // unhashable: Python names the unit
    const auto code = static_cast<std::int32_t>(first_rows_.size());
    if (PyDict_SetItem(codes_.ptr(), label, py::int_(code).ptr()) != 0) throw py::error_already_set();
    first_rows_.push_back(row);
    return remember(label, code);
  }
  std::vector<std::int64_t>& first_rows() { return first_rows_; }

 private:
  static bool same_text(PyObject* a, PyObject* b) {
    const auto length = PyUnicode_GET_LENGTH(a);
    return length == PyUnicode_GET_LENGTH(b) && PyUnicode_KIND(a) == PyUnicode_KIND(b) &&
           std::memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), static_cast<std::size_t>(length) * PyUnicode_KIND(a)) == 0;
  }
  // The array holds every label object for the whole call: borrowed pointers stay valid.
  std::int32_t remember(PyObject* label, std::int32_t code) {
    recent_[next_recent_] = {label, code};
    next_recent_ = (next_recent_ + 1) % recent_.size();
    return code;
  }
  py::dict codes_;
  std::array<std::pair<PyObject*, std::int32_t>, 4> recent_{};
  std::size_t next_recent_ = 0;
  std::vector<std::int64_t> first_rows_;
};

coded code_objects(const py::array& values) {
  const py::ssize_t n = values.shape(0);
  py::array_t<std::int32_t> out(n);
  std::int32_t* codes = out.mutable_data();
  object_codes coder;
  for (py::ssize_t row = 0; row < n; ++row) codes[row] = coder.code(cell<PyObject*>(values, row), row);
  return result(std::move(out), coder.first_rows());
}

coded code_labels(const py::array& values) {
  if (values.ndim() != 1) throw parameter_error("data.groups", "group labels must be one column");
  const char kind = values.dtype().kind();
  const auto size = values.itemsize();
  if (kind == 'O') return code_objects(values);
  if (kind == 'U') return code_fixed_texts(values);
  if (kind == 'b' || (kind == 'u' && size == 1)) return code_integers<std::uint8_t>(values);
  if (kind == 'u' && size == 2) return code_integers<std::uint16_t>(values);
  if (kind == 'u' && size == 4) return code_integers<std::uint32_t>(values);
  if (kind == 'u' && size == 8) return code_integers<std::uint64_t>(values);
  if (kind == 'i' && size == 1) return code_integers<std::int8_t>(values);
  if (kind == 'i' && size == 2) return code_integers<std::int16_t>(values);
  if (kind == 'i' && size == 4) return code_integers<std::int32_t>(values);
  if (kind == 'i' && size == 8) return code_integers<std::int64_t>(values);
  if (kind == 'f' && size == 4) return code_floats<float>(values);
  if (kind == 'f' && size == 8) return code_floats<double>(values);
  throw parameter_error("data.groups", std::string("group labels of numpy kind '") + kind + "' are coded by pandas");
}

// Arrow strings: offsets (int32 or int64, already sliced to the array), UTF-8 bytes, and the
// validity bitmap (None: no nulls) with the array's bit offset. A null is a missing label.
template <typename Offset>
coded code_arrow_texts(const py::array& offsets, const py::array_t<std::uint8_t>& data, const py::object& validity,
                       std::int64_t bit_offset) {
  const py::ssize_t n = offsets.shape(0) - 1;
  if (n < 0) throw parameter_error("data.groups", "Arrow offsets must hold one more entry than the labels");
  const auto* offset = static_cast<const Offset*>(offsets.data());
  const auto* bytes = reinterpret_cast<const char*>(data.data());
  const std::uint8_t* valid = nullptr;
  if (!validity.is_none()) {
    const auto bitmap = validity.cast<py::array_t<std::uint8_t>>();
    if (bitmap.size() * 8 < bit_offset + n) throw parameter_error("data.groups", "Arrow validity bitmap too short");
    valid = bitmap.data();
  }
  py::array_t<std::int32_t> out(n);
  std::int32_t* codes = out.mutable_data();
  first_appearance_codes<std::string_view> coder;
  for (py::ssize_t row = 0; row < n; ++row) {
    const std::int64_t bit = bit_offset + row;
    if (valid != nullptr && !((valid[bit / 8] >> (bit % 8)) & 1)) {
      codes[row] = missing_code;
      continue;
    }
    if (offset[row] < 0 || offset[row] > offset[row + 1] || offset[row + 1] > data.size())
      throw parameter_error("data.groups", "Arrow offsets out of order or beyond the data");
    codes[row] = coder.code(std::string_view(bytes + offset[row], static_cast<std::size_t>(offset[row + 1] - offset[row])),
                            row);
  }
  return result(std::move(out), coder.first_rows());
}

// A str as UTF-8 for text_problem: ASCII where it lies, else encoded here (a lone surrogate as
// its three bytes, which text_problem names), without caching a UTF-8 copy in the object.
std::string_view utf8_of(PyObject* text, std::string& buffer) {
  if (PyUnicode_IS_ASCII(text))
    return std::string_view(static_cast<const char*>(PyUnicode_DATA(text)), static_cast<std::size_t>(PyUnicode_GET_LENGTH(text)));
  const int kind = PyUnicode_KIND(text);
  const void* data = PyUnicode_DATA(text);
  buffer.clear();
  for (Py_ssize_t i = 0, n = PyUnicode_GET_LENGTH(text); i < n; ++i) {
    const Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (c < 0x80) {
      buffer += static_cast<char>(c);
    } else if (c < 0x800) {
      buffer += static_cast<char>(0xC0 | (c >> 6));
      buffer += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      buffer += static_cast<char>(0xE0 | (c >> 12));
      buffer += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      buffer += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      buffer += static_cast<char>(0xF0 | (c >> 18));
      buffer += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      buffer += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      buffer += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return buffer;
}

// The first str cell (row, what is wrong) that chiso refuses; other cells (numbers) pass.
py::object first_label_problem(const py::array& labels) {
  if (labels.ndim() != 1 || labels.dtype().kind() != 'O')
    throw parameter_error("data.text", "labels to check must be a 1-D object array");
  std::string buffer;
  for (py::ssize_t row = 0; row < labels.shape(0); ++row) {
    PyObject* label = cell<PyObject*>(labels, row);
    if (!PyUnicode_Check(label)) continue;
    if (auto problem = detail::text_problem(utf8_of(label, buffer))) return py::make_tuple(row, *problem);
  }
  return py::none();
}

// codes[row] ← order[codes[row]] in place (-1 stays -1); the first row left without a label
// (-1), or -1 when every row has one.
std::int64_t remap_codes(py::array codes, const py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>& order) {
  // Changed where it lies: a converted copy would leave the caller's codes as they were.
  if (codes.ndim() != 1 || !py::isinstance<py::array_t<std::int32_t>>(codes) || (codes.size() > 1 && codes.strides(0) != 4) || !codes.writeable())
    throw parameter_error("data.groups", "codes must be a writable contiguous int32 column");
  auto* code = static_cast<std::int32_t*>(codes.mutable_data());
  const std::int32_t* place = order.data();
  const auto places = static_cast<std::int32_t>(order.size());
  std::int64_t first_missing = -1;
  for (py::ssize_t row = 0; row < codes.size(); ++row) {
    if (code[row] >= places) throw parameter_error("data.groups", "a code beyond the labels");
    if (code[row] >= 0) code[row] = place[code[row]];
    if (code[row] < 0 && first_missing < 0) first_missing = row;
  }
  return first_missing;
}

}  // namespace

void register_groups(py::module_& m) {
  m.def("code_labels", &code_labels, py::arg("values"),
        "A 1-D numpy column of labels (objects, text, integers, booleans, floats) coded by first\n"
        "appearance: (int32 codes, int64 row of each code's first appearance). None and NaN are\n"
        "missing (-1); objects are equal as Python says. An unhashable label raises TypeError.");
  m.def(
      "code_arrow_texts",
      [](const py::array& offsets, const py::array_t<std::uint8_t>& data, const py::object& validity,
         std::int64_t bit_offset) {
        if (offsets.ndim() != 1) throw parameter_error("data.groups", "Arrow offsets must be one column");
        if (offsets.dtype().kind() == 'i' && offsets.itemsize() == 4)
          return code_arrow_texts<std::int32_t>(offsets, data, validity, bit_offset);
        if (offsets.dtype().kind() == 'i' && offsets.itemsize() == 8)
          return code_arrow_texts<std::int64_t>(offsets, data, validity, bit_offset);
        throw parameter_error("data.groups", "Arrow offsets must be int32 or int64");
      },
      py::arg("offsets"), py::arg("data"), py::arg("validity"), py::arg("bit_offset"),
      "Arrow strings (offsets, UTF-8 bytes, validity bitmap or None, its bit offset) coded by first\n"
      "appearance: (int32 codes, int64 row of each code's first appearance); a null is -1.");
  m.def("remap_codes", &remap_codes, py::arg("codes"), py::arg("order"),
        "codes[row] = order[codes[row]] in place (-1 stays -1); the first row without a label, or -1.");
  m.def("first_label_problem", &first_label_problem, py::arg("labels"),
        "The first str (row, what is wrong) of a 1-D object array that chiso refuses\n"
        "(detail/text_check.hpp), or None; cells that are not str pass.");
}

}  // namespace chiso::bindings
