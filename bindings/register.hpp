// One registration function per concept; module.cpp calls them all.
#pragma once
#include <pybind11/pybind11.h>

namespace chiso::bindings {
void register_errors(pybind11::module_& m);
void register_model(pybind11::module_& m);
void register_evaluate(pybind11::module_& m);
void register_assessment(pybind11::module_& m);
void register_analysis(pybind11::module_& m);
void register_sensitivity(pybind11::module_& m);
void register_ranking(pybind11::module_& m);
void register_replications(pybind11::module_& m);
}  // namespace chiso::bindings
