// Uncertainty and sensitivity analysis of a composite indicator's scores and ranks (COINr's
// get_sensitivity, R/sensitivity.R), built to run 10^5 replications interactively.
//
// The uncertain assumptions are listed once; each consumes one coordinate u ∈ [0,1) of a
// replication's sample row (random for an uncertainty analysis, the N(d+2) design for a
// sensitivity analysis), exactly as COINr maps its sample with sample_2_para:
//   - noisy weights: every weight of the given levels times 1 + (2v − 1) f (COINr's
//     get_noisy_weights), the noise v drawn from a counter-based stream keyed by u, so that the
//     weight set is a function of u alone (as required by the Sobol design: A_B^i reuses B's set);
//   - explicit alternative weight sets (discrete);
//   - aggregation method alternatives for given levels (discrete);
//   - data choices upstream of aggregation, discrete (winmax, normalisation, imputation method…)
//     or continuous (a uniform range), realised by a caller-supplied `data_builder` — typically
//     the analysis toolkit's pipeline re-run.
//
// Speed comes from caching, not from skipping work: data variants for every combination of
// discrete upstream choices are built once, before the replications; so are the scores of every
// node whose subtree's weights never vary (per data variant and aggregation alternative). A
// replication then only re-aggregates the levels above the lowest perturbed weights, ranks the
// target and counts ranks into per-thread histograms — no parsing and no allocation.
//
// Determinism: replication r's inputs depend only on (seed, r); replications are statically
// partitioned over threads, write their own slots, and per-thread histograms are merged by
// integer addition, so results are bitwise identical for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "chiso/analysis/aggregate.hpp"
#include "chiso/analysis/data.hpp"
#include "chiso/sensitivity/designs.hpp"
#include "chiso/sensitivity/sobol.hpp"

namespace chiso::analysis {
class prepared_pipeline;
}

namespace chiso::uncertainty {

// The toolkit's methods (chiso/analysis/aggregate.hpp, names from analysis::aggregation_from_string);
// the engine varies the arithmetic, geometric and harmonic means.
using aggregation = analysis::aggregation;

struct assumption {
  enum class kind { noisy_weights, weight_sets, aggregation, data_choice, data_range };
  std::string name;
  kind type = kind::noisy_weights;
  std::vector<std::pair<int, double>> noise;       // noisy_weights: (level, factor f)
  std::vector<std::vector<double>> weight_sets;    // weight_sets: one weight per node each
  std::vector<aggregation> methods;                // aggregation: alternatives
  std::vector<int> levels;                         // aggregation: levels it applies to; empty = all
  std::vector<std::string> labels;                 // data_choice: one label per alternative
  double lower = 0, upper = 0;                     // data_range: uniform on [lower, upper)
  std::size_t nominal = 0;                         // discrete: index of the nominal alternative
  double nominal_value = std::numeric_limits<double>::quiet_NaN();  // data_range

  static assumption noisy_weights(std::string name, std::vector<std::pair<int, double>> noise);
  static assumption alternative_weights(std::string name, std::vector<std::vector<double>> sets,
                                        std::size_t nominal = 0);
  static assumption aggregation_methods(std::string name, std::vector<aggregation> methods,
                                        std::vector<int> levels = {}, std::size_t nominal = 0);
  static assumption data_choice(std::string name, std::vector<std::string> labels,
                                std::size_t nominal = 0);
  static assumption data_range(std::string name, double lower, double upper, double nominal);

  bool discrete() const noexcept { return type != kind::noisy_weights && type != kind::data_range; }
  std::size_t alternatives() const noexcept;  // discrete ones; 0 otherwise
};

// Builds the units × indicators matrix (columns in hierarchy indicator order, already
// normalised) for given upstream choices: `choices[k]` is the alternative of the k-th
// data_choice assumption, `values[k]` the value of the k-th data_range assumption (in the order
// they appear in the assumption list). Called once per combination of choices before the
// replications when there is no data_range, else once per replication from several threads
// (then it must be thread-safe and should not allocate: write into `out`, already sized).
using data_builder = std::function<void(const std::size_t* choices, const double* values,
                                        Eigen::Ref<Eigen::MatrixXd> out)>;

// What a sensitivity analysis explains.
enum class output_kind {
  mean_abs_rank_shift,  // mean over units of |rank − nominal rank| (COINr's target)
  unit_score,           // the target score of one unit
  unit_rank,            // the rank of one unit
};
// "mean_abs_rank_shift", "unit_score", "unit_rank"; anything else is parameter_error("uncertainty.output").
output_kind output_kind_from_string(const std::string& s);

struct options {
  std::uint64_t seed = 1;
  int threads = 0;                  // 0: all cores; results do not depend on it
  std::string target;               // node code whose scores are ranked; empty = root
  bool keep_replications = false;   // return the units × replications score and rank matrices
  bool score_statistics = true;     // score quantiles per unit: keeps units × replications
                                    // doubles internally (51 × 10^5: 41 MB); turn off for huge runs
  output_kind output = output_kind::mean_abs_rank_shift;
  std::string output_unit;          // for unit_score / unit_rank: unit id (or row number)
  std::size_t bootstrap = 0;        // SA: bootstrap samples for confidence intervals
  double lower_p = 0.05, upper_p = 0.95;
};

// A failed replication: where a geometric or harmonic mean first met a value ≤ 0 (COINr #50:
// z-scores under a geometric mean). Positions in the analysis' order (tree nodes, units).
struct failure {
  std::size_t replication = 0;
  std::size_t node = 0;             // the aggregate whose mean failed
  aggregation method = aggregation::geometric;
  std::size_t unit = 0, child = 0;  // the first unit and child (node) outside the mean's domain
  double value = std::numeric_limits<double>::quiet_NaN();  // that child's score
};

// Failed replications per alternative of a discrete assumption (its method, weight set or data
// label), or over all replications for a continuous one (alternative empty).
struct failure_count {
  std::string assumption;
  std::string alternative;
  std::size_t replications = 0;  // replications that used this alternative
  std::size_t failed = 0;        // of which failed
};

struct unit_statistics {  // one entry per unit
  std::vector<double> nominal_score;
  std::vector<std::int32_t> nominal_rank;  // 0 = not ranked
  std::vector<double> rank_mean, rank_median, rank_lower, rank_upper;
  std::vector<double> score_mean, score_sd, score_lower, score_median, score_upper;
};

struct result {
  std::vector<std::string> units;         // unit ids
  std::vector<std::string> assumptions;   // names, one per sample column
  std::size_t replications = 0;           // rows run (N for a UA, N(d+2) for an SA)
  std::size_t statistics_replications = 0;  // rows the rank statistics use (SA: first 2N)
  double lower_p = 0.05, upper_p = 0.95;
  unit_statistics stats;
  sensitivity::row_matrix sample;         // replications × assumptions, the u of each
  // The parameter each replication used, per assumption: discrete alternative index, or the
  // continuous value, or (noisy weights) the noise key u itself.
  sensitivity::row_matrix parameters;
  std::vector<double> output;             // per replication: the SA output (mean |Δrank| in a UA)
  std::vector<std::size_t> failed;        // replications that failed (a geometric or harmonic
                                          // mean met a value ≤ 0); their scores are NaN
  std::vector<failure> failures;          // why, one per failed replication (same order)
  std::vector<failure_count> failure_counts;  // per assumption (and alternative)
  // Only with keep_replications: units × replications (COINr's Scores and Ranks), row-major.
  sensitivity::row_matrix scores;
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> ranks;
  // Sensitivity analysis only.
  bool has_indices = false;
  sensitivity::sobol_indices indices;
};

class composite_analysis {
 public:
  // Indicators fixed (already normalised): only weights and aggregation may vary.
  composite_analysis(analysis::hierarchy h, Eigen::MatrixXd indicators,
                     std::vector<std::string> unit_ids, std::vector<assumption> assumptions);
  // Indicators produced by `builder` for the data assumptions' alternatives.
  composite_analysis(analysis::hierarchy h, data_builder builder, std::size_t units,
                     std::vector<std::string> unit_ids, std::vector<assumption> assumptions);
  ~composite_analysis();
  composite_analysis(composite_analysis&&) noexcept;
  composite_analysis& operator=(composite_analysis&&) noexcept;

  // The group of each unit (codes ≥ 0), for a scored model that ranks by group. A scored model's
  // index (its tree's root) is ranked as the model ranks it: the root score × the model's scale,
  // clamped and rounded as the model says, within the groups when its ranking is `by: group`,
  // with its tie rule (chiso::rank_units, as Model evaluation). Other trees and targets are
  // ranked as COINr ranks: rank(−score, ties = "min") over all units.
  void set_groups(std::vector<std::int32_t> groups);

  std::size_t units() const noexcept;
  std::size_t dimensions() const noexcept;  // number of assumptions
  const analysis::hierarchy& tree() const noexcept;
  // Scores of every node (units × nodes) under the nominal assumptions.
  Eigen::MatrixXd nominal_scores() const;

  // Monte Carlo uncertainty analysis with `replications` random rows.
  result uncertainty(std::size_t replications, const options& opt = {}) const;
  // Variance-based sensitivity analysis with the N(d+2) design (also gives the UA statistics
  // from its first 2N rows, as COINr does).
  result sensitivity(std::size_t N, const options& opt = {}) const;
  // Runs the given sample rows (each in [0,1)^d) — for custom designs.
  result run(const sensitivity::row_matrix& sample, const options& opt) const;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

// A data builder over the analysis toolkit's prepared pipeline (analysis/pipeline.hpp): the
// data_choice assumptions pick, in order, one of its winmax values (when it has more than one)
// and one of its normalisations (when it has more than one).
data_builder prepared_pipeline_builder(std::shared_ptr<const analysis::prepared_pipeline> prepared);

// The analysis of a prepared pipeline: its hierarchy, units and cached normalised data. Checks
// that the data_choice assumptions match the pipeline's winmax values and normalisations.
composite_analysis analyse_prepared(std::shared_ptr<const analysis::prepared_pipeline> prepared,
                                    std::vector<assumption> assumptions);

}  // namespace chiso::uncertainty
