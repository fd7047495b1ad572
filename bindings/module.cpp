#include "register.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "chiso compiled core: models, evaluation, assessment, analysis";
  m.attr("__version__") = CHISO_VERSION_STRING;
  chiso::bindings::register_errors(m);
  chiso::bindings::register_model(m);
  chiso::bindings::register_evaluate(m);
  chiso::bindings::register_assessment(m);
  chiso::bindings::register_analysis(m);
  chiso::bindings::register_sensitivity(m);
  chiso::bindings::register_ranking(m);
  chiso::bindings::register_replications(m);
  chiso::bindings::register_groups(m);
}
