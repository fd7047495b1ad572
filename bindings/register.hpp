// One registration function per concept; module.cpp calls them all.
#pragma once
#include <pybind11/pybind11.h>

#include <vector>

#include <chiso/results.hpp>
#include <chiso/sensitivity/uncertainty.hpp>

namespace chiso::bindings {
void register_errors(pybind11::module_& m);
void register_model(pybind11::module_& m);
void register_evaluate(pybind11::module_& m);
void register_assessment(pybind11::module_& m);
void register_analysis(pybind11::module_& m);
void register_sensitivity(pybind11::module_& m);
void register_ranking(pybind11::module_& m);
void register_replications(pybind11::module_& m);
void register_groups(pybind11::module_& m);

// Shared conversions (one place each).
// Why-lost rows as a dict of columns: of an assessment (value, origin, reason) or of a plain
// evaluation (score).
pybind11::dict loss_columns(const std::vector<loss_row>& rows, bool of_assessment);
// Why each replication of a run failed (columns: replication, node, method, unit, child, value)
// and the failed replications per assumption and alternative (columns), as Python objects.
pybind11::dict failures_to_dict(const uncertainty::result& r, const analysis::hierarchy& tree);
pybind11::dict failure_counts_to_dict(const uncertainty::result& r);
// The options of an uncertainty or sensitivity run from the bindings' arguments.
uncertainty::options options_from(std::uint64_t seed, int threads, const std::string& target, bool keep,
                                  bool score_stats, const std::string& output, const std::string& output_unit,
                                  std::size_t bootstrap, double lower_p, double upper_p);
}  // namespace chiso::bindings
