// A composite-indicator pipeline: denominate → impute → screen → treat → normalise → aggregate,
// every step optional except the last two, each recorded with its parameters (to_json), so a
// result can be reproduced, re-run with one step changed (copy the spec, change it, build a new
// pipeline) and saved to / loaded from JSON.
//
// RE-RUN API (for uncertainty / sensitivity analysis, thousands of runs):
//   1. `pipeline::prepare(input, winmax_values, normalisations)` runs the steps up to screening
//      once, then treats the data for every winmax asked and normalises every (winmax,
//      normalisation) pair. The returned `prepared_pipeline` is immutable: every cached matrix is
//      computed eagerly, nothing is computed lazily, so it is const and safe to share between
//      threads.
//   2. `prepared.normalised(w, k)` is the units × indicators matrix for winmax_values[w] and
//      normalisations[k] (no copy).
//   3. Build one `aggregation_plan` per aggregation variant (arithmetic ↔ geometric, per level),
//      once; plans are immutable too.
//   4. Per run and per thread: `plan.aggregate_into(prepared.normalised(w, k), weights, ws, out)`
//      with `weights` one per node (relative to siblings; start from `prepared.weights()` and
//      perturb), `ws = plan.workspace(prepared.n_units())` and `out` a preallocated units × nodes
//      matrix made once per thread: no allocation, no locks. The index is
//      out.col(prepared.tree().root()); ranks: rank_values(index, false, tie_rule::competition).
// Geometric aggregation of data with zeros throws data_error: normalise to a positive range
// (min-max to [1, 100]) for geometric variants, as COINr requires.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chiso/analysis/aggregate.hpp"
#include "chiso/analysis/data.hpp"
#include "chiso/analysis/denominate.hpp"
#include "chiso/analysis/impute.hpp"
#include "chiso/analysis/normalise.hpp"
#include "chiso/analysis/screen.hpp"
#include "chiso/analysis/treat.hpp"

namespace chiso::analysis {

struct pipeline_spec {
  bool denominate = false;  // divide as the hierarchy's `denominator` fields say
  std::optional<impute_options> impute;
  std::string impute_group;               // column of pipeline_input::groups for group methods
  std::optional<double> screen_threshold;  // data availability threshold (the step runs when set)
  screen_rule screen_by = screen_rule::by_missing;  // COINr unit_screen
  double screen_nonzero_threshold = 0.05;  // COINr nonzero_thresh (byzeros, byNAandzeros)
  std::optional<treat_options> treat;
  normalise_spec normalise;                // targets from the hierarchy when spec.target is NaN
  std::vector<aggregation_spec> aggregation;  // empty: each node's own; one; or one per aggregate level
  std::vector<double> weights;             // one per node; empty = the hierarchy's
  tie_rule rank_ties = tie_rule::competition;  // ranks of the index (COINr: rank(-x, ties = "min"))

  nlohmann::json to_json() const;
  static pipeline_spec from_json(const nlohmann::json& j);
  // COINr 1.1.14's build_example_coin(): denominate; impute by group mean of `group`; screen
  // at 0.9; treat with winmax 5; min-max to [0, 100]; weighted arithmetic mean.
  static pipeline_spec coinr_example(const std::string& group = "EurAsia_group");
};

struct pipeline_input {
  matrix data;                                 // units × indicators, hierarchy's indicator order
  std::vector<std::string> units;              // unit codes (may be empty)
  matrix denominators;                         // units × denominator columns
  std::vector<std::string> denominator_codes;
  std::map<std::string, std::vector<std::string>> groups;  // group column → label of each unit
};

struct pipeline_result {
  std::optional<denominate_result> denominated;
  std::optional<impute_result> imputed;
  std::optional<screen_result> screened;
  std::optional<treat_result> treated;
  matrix normalised;               // kept units × indicators
  matrix scores;                   // kept units × nodes (indicators normalised, then aggregates)
  vector index;                    // scores of the root (NaN when the tree has several roots)
  vector ranks;                    // of the index
  std::vector<std::string> units;  // kept units
  std::vector<std::string> nodes;  // node codes (columns of scores)
  std::vector<std::ptrdiff_t> unit_rows;  // row of each kept unit in the input
  nlohmann::json log;              // the spec and what each step did (counts)
};

class prepared_pipeline;

class pipeline {
 public:
  pipeline(hierarchy h, pipeline_spec spec);
  const analysis::hierarchy& tree() const noexcept { return h_; }
  const pipeline_spec& spec() const noexcept { return spec_; }
  pipeline with_spec(pipeline_spec spec) const { return pipeline(h_, std::move(spec)); }

  pipeline_result run(const pipeline_input& in) const;
  // Runs up to screening once, then caches treated data for each winmax (a negative entry:
  // no treatment) and normalised data for each (winmax, normalisation).
  prepared_pipeline prepare(const pipeline_input& in, const std::vector<int>& winmax_values,
                            const std::vector<normalise_spec>& normalisations) const;

  // Hierarchy rows and spec.
  nlohmann::json to_json() const;
  static pipeline from_json(const nlohmann::json& j);
  vector weights() const;  // per node, spec's or the hierarchy's

 private:
  struct screened_data;
  screened_data up_to_screen(const pipeline_input& in, pipeline_result* r) const;
  analysis::hierarchy h_;
  pipeline_spec spec_;
};

class prepared_pipeline {
 public:
  std::ptrdiff_t n_units() const noexcept { return static_cast<std::ptrdiff_t>(units_.size()); }
  const std::vector<std::string>& units() const noexcept { return units_; }
  const analysis::hierarchy& tree() const noexcept { return h_; }
  const std::vector<int>& winmax_values() const noexcept { return winmax_; }
  const std::vector<normalise_spec>& normalisations() const noexcept { return norms_; }
  const matrix& screened() const noexcept { return screened_; }
  const matrix& treated(std::size_t w) const { return treated_.at(w); }
  const matrix& normalised(std::size_t w, std::size_t k) const { return normalised_.at(w * norms_.size() + k); }
  const vector& weights() const noexcept { return weights_; }

 private:
  friend class pipeline;
  analysis::hierarchy h_;
  std::vector<std::string> units_;
  std::vector<int> winmax_;
  std::vector<normalise_spec> norms_;
  matrix screened_;
  std::vector<matrix> treated_, normalised_;
  vector weights_;
};

// hierarchy ↔ JSON: the view of a model as {"model": <the model document>}; one built from rows as
// an array of {code, level, parent, weight, direction, target, denominator, and `aggregate` when
// it is not mean}.
nlohmann::json to_json(const hierarchy& h);
hierarchy hierarchy_from_json(const nlohmann::json& j);

}  // namespace chiso::analysis
