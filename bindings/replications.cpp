// Blocks of replications (chiso._core.replications), for uncertainty and sensitivity analyses
// split across processes (chiso.dask): replication r depends only on its sample row, so running
// rows [first, first + count) of the full sample gives exactly those rows of the one-process run.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "chiso/sensitivity/uncertainty.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace chiso::bindings {

namespace ua = chiso::uncertainty;

void register_replications(py::module_& root) {
  py::module_ m = root.def_submodule("replications", "Blocks of uncertainty/sensitivity replications (chiso.dask)");
  m.def(
      "run_rows",
      [](const ua::composite_analysis& c, const chiso::sensitivity::row_matrix& rows, std::uint64_t seed,
         const std::string& target, const std::string& output, const std::string& output_unit, int threads) {
        // The noisy weights' stream is keyed by the seed as well as the row.
        const ua::options defaults;
        const ua::options o = options_from(seed, threads, target, /*keep=*/true, /*score_stats=*/false, output,
                                           output_unit, defaults.bootstrap, defaults.lower_p, defaults.upper_p);
        ua::result r;
        {
          py::gil_scoped_release release;
          r = c.run(rows, o);
        }
        py::dict d;
        d["output"] = py::array_t<double>(static_cast<py::ssize_t>(r.output.size()), r.output.data());
        d["failed"] = r.failed;
        d["failures"] = failures_to_dict(r, c.tree());  // replications counted from 0 in the block
        d["failure_counts"] = failure_counts_to_dict(r);
        d["parameters"] = std::move(r.parameters);
        d["scores"] = std::move(r.scores);
        d["ranks"] = std::move(r.ranks);
        return d;
      },
      py::arg("analysis"), py::arg("rows"), py::arg("seed"), py::arg("target") = "", py::arg("output") = "mean_abs_rank_shift",
      py::arg("output_unit") = "", py::arg("threads") = 1,
      "Runs the given rows of a sample (a block of the full design): per replication the output,\n"
      "the parameters, the units × replications scores and ranks, and which failed and why (`failed` and\n"
      "`failures` count from 0 in the block; `failure_counts` per assumption and alternative).");
}

}  // namespace chiso::bindings
