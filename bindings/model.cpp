// chiso::model and its compiled plan, as one Python object: parse and validate once, compile
// once, evaluate many times.
#include <memory>

#include <chiso/chiso.hpp>
#include <pybind11/stl.h>

#include "register.hpp"

namespace py = pybind11;

namespace chiso::bindings {

namespace {

py::dict node_record(const chiso::model& m, std::size_t i, std::size_t depth) {
  const node& n = *m.nodes()[i];
  py::dict record;
  record["id"] = n.id;
  record["name"] = n.name;
  record["parent"] = m.parent_of(i) < 0 ? py::object(py::none())
                                         : py::str(m.nodes()[static_cast<std::size_t>(m.parent_of(i))]->id);
  record["depth"] = depth;
  record["path"] = m.paths()[i];
  record["is_leaf"] = n.is_leaf();
  record["weight"] = n.weight;
  record["description"] = n.description;
  auto optional_number = [](const auto& v) { return v ? py::object(py::float_(*v)) : py::object(py::none()); };
  record["round"] = n.round_digits ? py::object(py::int_(*n.round_digits)) : py::object(py::none());
  record["points_min"] = optional_number(n.points_min);
  record["points_max"] = optional_number(n.points_max);
  if (n.is_leaf()) {
    record["max"] = n.max;
    record["rule"] = to_string(n.rule->kind);
    record["rule_text"] = describe_rule(n);
    record["source"] = to_string(n.source);
    record["aggregate"] = py::none();
    record["inputs"] = n.inputs;
  } else {
    record["max"] = optional_number(n.declared_max);
    record["rule"] = py::none();
    record["rule_text"] = py::none();
    record["source"] = py::none();
    record["aggregate"] = to_string(n.combine);
    record["inputs"] = py::none();
  }
  return record;
}

}  // namespace

void register_model(py::module_& m) {
  m.attr("max_model_json_nesting") = max_json_nesting();  // a model given as a dict is held to it too
  py::class_<plan, std::shared_ptr<plan>>(m, "Model",
                                          "A validated, compiled model. Build with from_json or load.")
      .def_static(
          "from_json",
          [](const std::string& text) { return std::make_shared<plan>(parse_model(text)); },
          py::arg("text"), "Parse and validate a model from JSON text.")
      .def_static(
          "load", [](const std::string& path) { return std::make_shared<plan>(load_model(path)); },
          py::arg("path"), "Read and validate a model file.")
      .def("require_scorable", &plan::require_scorable,
           "Raises ModelError model.composite for a composite index (its indicators are normalised by the pipeline).")
      .def_property_readonly("composite", [](const plan& p) { return p.compiled_model().composite(); },
                             "True for a composite index (its leaves are `indicator`s).")
      .def("to_json", [](const plan& p) { return dump_model(p.compiled_model()); },
           "The model as JSON text (lossless).")
      .def("__eq__", [](const plan& a, const plan& b) { return a.compiled_model() == b.compiled_model(); })
      .def_property_readonly("id", [](const plan& p) { return p.compiled_model().id(); })
      .def_property_readonly("name", [](const plan& p) { return p.compiled_model().info().name; })
      .def_property_readonly("description", [](const plan& p) { return p.compiled_model().info().description; })
      .def_property_readonly("scale", [](const plan& p) { return p.compiled_model().info().scale; })
      .def_property_readonly("bands", [](const plan& p) {
        std::vector<std::pair<double, std::string>> bands;
        for (const band& b : p.compiled_model().info().bands) bands.emplace_back(b.min, b.label);
        return bands;
      })
      .def_property_readonly("rank_by", [](const plan& p) { return to_string(p.compiled_model().info().rank_by); })
      .def_property_readonly("leaf_ids", [](const plan& p) { return p.compiled_model().leaf_ids(); })
      .def_property_readonly("input_columns", [](const plan& p) { return p.input_columns(); },
                             "Input columns in order: \"<leaf id>\", or \"<leaf id>.<input>\" for named inputs.")
      .def_property_readonly("plan_node_ids", [](const plan& p) {
        std::vector<std::string> ids;
        for (std::ptrdiff_t k = 0; k < p.node_count(); ++k) ids.push_back(p.node_at(k).id);
        return ids;
      }, "Node ids in evaluation order (children before parents, the root last).")
      .def("describe", [](const plan& p, const std::string& id) {
        return describe_node(*p.compiled_model().nodes()[p.compiled_model().index_of(id)]);
      }, py::arg("id"), "A node in words (chiso::describe_node).")
      .def("nodes", [](const plan& p) {
        const chiso::model& model = p.compiled_model();
        std::vector<std::size_t> depth(model.nodes().size(), 0);
        py::list records;
        for (std::size_t i = 0; i < model.nodes().size(); ++i) {
          if (model.parent_of(i) >= 0) depth[i] = depth[static_cast<std::size_t>(model.parent_of(i))] + 1;
          records.append(node_record(model, i, depth[i]));
        }
        return records;
      }, "One record per node, in file order (a parent before its children).");
}

}  // namespace chiso::bindings
