#include "chiso/sensitivity/uncertainty.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <numeric>
#include <optional>
#include <type_traits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "chiso/analysis/pipeline.hpp"
#include "chiso/detail/huge_pages.hpp"
#include "chiso/detail/parallel.hpp"
#include "chiso/detail/weighted_mean.hpp"
#include "chiso/error.hpp"
#include "chiso/model.hpp"
#include "chiso/random.hpp"
#include "chiso/ranking.hpp"
#include "chiso/rounding.hpp"
#include "chiso/sensitivity/statistics.hpp"

namespace chiso::uncertainty {

namespace {
constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
// Stream id of the weight noise, distinct from the designs' and the bootstrap's.
constexpr std::uint32_t stream_weight_noise = 2;
// Above this many cached doubles the data variants are built per replication instead.
constexpr std::size_t max_cached_values = std::size_t{1} << 26;  // 512 MB
// Up to this many units, ranking by counting (n² comparisons, no branch) beats the warm-started
// insertion sort, whose branches the processor mispredicts (measured on ASEM's 51 units).
constexpr std::size_t max_units_ranked_by_counting = 64;

[[noreturn]] void fail(const std::string& id, const std::string& message) {
  throw parameter_error("uncertainty." + id, message);
}

// The means the engine aggregates with (aggregate_node).
bool varied_by_the_engine(aggregation m) {
  return m == aggregation::arithmetic || m == aggregation::geometric || m == aggregation::harmonic;
}

// The units × replications scores the statistics need when the replications are not kept: each
// unit's row padded to whole cache lines from a cache-line boundary, so that the staging writes a
// block's run of each unit with streaming stores (without reading the lines from memory first).
class aligned_scores {
 public:
  static constexpr std::size_t line = 64 / sizeof(double);
  aligned_scores(std::size_t units, std::size_t replications)
      : stride_((replications + line - 1) / line * line), storage_(new double[units * stride_ + line]) {
    const auto misalignment = reinterpret_cast<std::uintptr_t>(storage_.get()) % (line * sizeof(double));
    data_ = storage_.get() + (misalignment ? line - misalignment / sizeof(double) : 0);
    // 51 × 10⁵ doubles (41 MB) written replication by replication: ten thousand faults in 4 KiB pages.
    detail::ask_for_huge_pages(storage_.get(), (units * stride_ + line) * sizeof(double));
  }
  double* data() const noexcept { return data_; }
  std::size_t stride() const noexcept { return stride_; }  // doubles from one unit's row to the next

 private:
  std::size_t stride_;
  std::unique_ptr<double[]> storage_;  // not value-initialised: every slot is written once
  double* data_;
};

// One thread's scores and ranks of its replications, staged for `block` replications and then
// written unit by unit in runs of contiguous slots of the units × replications matrices: writing
// every replication straight into 51 rows 800 kB apart would touch 51 pages per replication.
// While a block is in cache, each unit's range over the statistics rows is taken from it
// (summarise's first pass, without reading the matrix back).
class replication_staging {
 public:
  // `scores` / `ranks` null: not kept. `score_stride`: doubles from a unit's scores to the next's.
  // `stats_rows`: the replications whose score ranges are wanted (0: none).
  replication_staging(std::size_t unit_count, std::size_t first, double* scores, std::size_t score_stride,
                      std::int32_t* ranks, std::size_t rank_stride, std::size_t stats_rows)
      : unit_count_(unit_count), block_start_(first), score_stride_(score_stride), rank_stride_(rank_stride),
        stats_rows_(stats_rows), scores_(scores), ranks_(ranks), score_block_(scores ? block * unit_count : 0),
        rank_block_(ranks ? block * unit_count : 0), ranges_(stats_rows ? unit_count : 0) {}

  // Each unit's range of scores over the statistics rows this thread flushed.
  const std::vector<sensitivity::value_range>& ranges() const noexcept { return ranges_; }

  void stage(std::size_t r, const double* scores, const std::int32_t* ranks) {
    const std::size_t slot = slot_of(r);
    for (std::size_t u = 0; scores_ && u < unit_count_; ++u) score_block_[u * block + slot] = scores[u];
    for (std::size_t u = 0; ranks_ && u < unit_count_; ++u) rank_block_[u * block + slot] = ranks[u];
  }
  // A failed replication: NaN scores, rank 0 (not ranked).
  void stage_failed(std::size_t r) {
    const std::size_t slot = slot_of(r);
    for (std::size_t u = 0; scores_ && u < unit_count_; ++u) score_block_[u * block + slot] = nan_value;
    for (std::size_t u = 0; ranks_ && u < unit_count_; ++u) rank_block_[u * block + slot] = 0;
  }
  // Writes the staged replications before `stop`.
  void flush(std::size_t stop) {
    if (scores_) {
      take_ranges(stop);
      write_block(score_block_, scores_, score_stride_, stop);
    }
    if (ranks_) write_block(rank_block_, ranks_, rank_stride_, stop);
    block_start_ = stop;
  }
  // After the last flush: the streaming stores are seen by the thread that reads the scores.
  static void finish() noexcept {
#if defined(__SSE2__)
    _mm_sfence();
#endif
  }

 private:
  static constexpr std::size_t block = 32;

  // Where replication r goes in each unit's run of the block, once a full block is written.
  std::size_t slot_of(std::size_t r) {
    if (r - block_start_ == block) flush(r);
    return r - block_start_;
  }
  void take_ranges(std::size_t stop) {
    const std::size_t counted = std::min(stop, stats_rows_);
    if (counted <= block_start_) return;
    for (std::size_t u = 0; u < unit_count_; ++u)
      ranges_[u].merge(sensitivity::range_of(score_block_.data() + u * block, counted - block_start_));
  }

  // The block is staged unit by unit (units-major, as the matrices): each unit's run is copied
  // whole, in a few vector stores, where a value at a time filled the store buffer with stores
  // waiting for the matrix's lines from memory. A run of whole cache lines is streamed: its lines
  // are not read from memory before they are written.
  template <class T>
  void write_block(const std::vector<T>& staged, T* matrix, std::size_t stride, std::size_t stop) const {
    const std::size_t count = stop - block_start_;
    for (std::size_t u = 0; u < unit_count_; ++u) {
      T* run = matrix + u * stride + block_start_;
      const T* from = staged.data() + u * block;
#if defined(__SSE2__)
      if constexpr (std::is_same_v<T, double>) {
        if (count == block && reinterpret_cast<std::uintptr_t>(run) % 64 == 0) {
          for (std::size_t k = 0; k < block; k += 2) _mm_stream_pd(run + k, _mm_loadu_pd(from + k));
          continue;
        }
      }
#endif
      if (count == block)  // a constant size: inline vector moves, not a library call per unit
        __builtin_memcpy(run, from, block * sizeof(T));
      else
        std::copy_n(from, count, run);
    }
  }

  std::size_t unit_count_, block_start_, score_stride_, rank_stride_, stats_rows_;
  double* scores_;
  std::int32_t* ranks_;
  std::vector<double> score_block_;
  std::vector<std::int32_t> rank_block_;
  std::vector<sensitivity::value_range> ranges_;
};
}  // namespace

output_kind output_kind_from_string(const std::string& s) {
  if (s == "mean_abs_rank_shift") return output_kind::mean_abs_rank_shift;
  if (s == "unit_score") return output_kind::unit_score;
  if (s == "unit_rank") return output_kind::unit_rank;
  throw parameter_error("uncertainty.output", "output '" + s + "' is not mean_abs_rank_shift, unit_score or unit_rank");
}

// ---------------------------------------------------------------------------------------------
// assumption

assumption assumption::noisy_weights(std::string name, std::vector<std::pair<int, double>> noise) {
  assumption a;
  a.name = std::move(name);
  a.type = kind::noisy_weights;
  a.noise = std::move(noise);
  return a;
}
assumption assumption::alternative_weights(std::string name, std::vector<std::vector<double>> sets,
                                           std::size_t nominal) {
  assumption a;
  a.name = std::move(name);
  a.type = kind::weight_sets;
  a.weight_sets = std::move(sets);
  a.nominal = nominal;
  return a;
}
assumption assumption::aggregation_methods(std::string name, std::vector<aggregation> methods,
                                           std::vector<int> levels, std::size_t nominal) {
  assumption a;
  a.name = std::move(name);
  a.type = kind::aggregation;
  a.methods = std::move(methods);
  a.levels = std::move(levels);
  a.nominal = nominal;
  return a;
}
assumption assumption::data_choice(std::string name, std::vector<std::string> labels,
                                   std::size_t nominal) {
  assumption a;
  a.name = std::move(name);
  a.type = kind::data_choice;
  a.labels = std::move(labels);
  a.nominal = nominal;
  return a;
}
assumption assumption::data_range(std::string name, double lower, double upper, double nominal) {
  assumption a;
  a.name = std::move(name);
  a.type = kind::data_range;
  a.lower = lower;
  a.upper = upper;
  a.nominal_value = nominal;
  return a;
}
std::size_t assumption::alternatives() const noexcept {
  switch (type) {
    case kind::weight_sets: return weight_sets.size();
    case kind::aggregation: return methods.size();
    case kind::data_choice: return labels.size();
    default: return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// The engine

struct composite_analysis::impl {
  analysis::hierarchy tree;
  std::size_t unit_count = 0, node_count = 0, indicator_count = 0;
  std::vector<std::string> unit_ids;
  std::vector<assumption> assumptions;
  data_builder builder;
  Eigen::MatrixXd fixed_indicators;  // when there is no builder

  std::vector<int> level;                          // per node
  std::vector<std::size_t> child_begin, children;  // CSR children of node k weighed by its mean
  std::vector<std::size_t> outside_begin, outside;  // CSR children of points outside the max
  std::vector<double> nominal_weights;
  int max_level = 1;

  // Discrete assumptions that the cache covers, as mixed-radix digits.
  std::vector<std::size_t> data_choice_index, data_range_index;  // positions in `assumptions`
  std::vector<std::size_t> aggregation_index;
  std::size_t data_combos = 1, agg_combos = 1;
  // method_table[agg_combo * node_count + node]
  std::vector<aggregation> method_table;
  // noisy weights: per noisy assumption, the (node, factor) list in node order
  std::vector<std::vector<std::pair<std::size_t, double>>> noise_nodes;
  int lowest_varying_level = std::numeric_limits<int>::max();
  bool cached = false;
  // cache[(data_combo * agg_combos + agg_combo)]: the fixed nodes' scores, nodes × units node-major
  std::vector<std::vector<double>> cache;
  std::vector<unsigned char> cache_failed;  // a fixed aggregate of this variant failed
  std::vector<failure> cache_failure;       // where, then
  std::vector<unsigned char> cache_missing; // the variant's indicators have missing values
  std::size_t first_varying_node = 0;       // aggregates from here on are recomputed
  std::vector<double> nominal_node_scores;  // nodes × units, node-major

  // A scored model's ranking of its index (set_groups): its scale, bounds, rounding, tie rule
  // and groups. Inactive for a composite index or a tree without a model (COINr's ranks).
  struct index_ranking {
    bool active = false;
    double scale = 1.0;
    bool clamp = false;
    int digits = -1;  // -1: not rounded
    rounding_mode rounding = rounding_mode::none;
    tie_rule ties = tie_rule::competition;
    bool by_group = false;
  } model_ranking;
  std::vector<std::int32_t> groups;  // per unit; empty: one group

  struct config {
    std::vector<double> weights;
    std::size_t data_combo = 0, agg_combo = 0;
    std::vector<std::size_t> choices;  // data_choice alternatives
    std::vector<double> values;        // data_range values
    std::vector<double> noise;         // a noisy_weights assumption's uniforms, one per noisy node
    sensitivity::uniforms_kernel draw_noise = sensitivity::first_uniforms_in_use();
  };

  struct worker {
    config cfg;
    std::vector<double> nodes;           // nodes × units, node-major, computed nodes
    std::vector<const double*> ptr;      // where node k's scores are
    Eigen::MatrixXd data;                // units × indicators when data is built per replication
    std::vector<const double*> child_values;  // the node being aggregated: its children's scores
    std::vector<double> child_weights, wsum;    // their weights, and the kernel's weight sums
    bool missing = true;                 // the current data may have missing values
    // The arithmetic means at this run's vector width: a weights-only replication spends a
    // quarter of its time there, a third of it dividing.
    detail::arithmetic_mean_kernel arithmetic_mean = detail::arithmetic_mean_in_use();
    std::vector<std::int32_t> rank;
    std::vector<double> index;           // a scored model's index, rounded (model_ranking)
    std::vector<double> keys;
    std::vector<std::uint32_t> order;
    sensitivity::rank_histogram histogram;
    std::size_t slot = std::numeric_limits<std::size_t>::max();  // the cache slot w.ptr points into
    failure failed;                      // the first failing mean of the last evaluation
    std::vector<failure> failures;       // this thread's failed replications, in order
  };

  // What the replications of one run share.
  struct run_plan {
    const sensitivity::row_matrix& sample;
    const options& opt;
    std::size_t stats_rows;   // the first rows, counted in the statistics
    std::size_t target;       // the node whose scores are ranked
    std::size_t output_unit;  // for unit_score and unit_rank
    bool model_ranks;         // the target is a scored model's index: ranked as the model ranks
    bool keep_scores;         // the score statistics or the kept replications need every score
    std::vector<std::uint32_t> nominal_order;  // units by nominal rank: where the ranking starts
  };

  void setup() {
    node_count = static_cast<std::size_t>(tree.n_nodes());
    indicator_count = static_cast<std::size_t>(tree.n_indicators());
    check_units();
    read_tree();
    read_model_ranking();
    read_assumptions();
    build_method_table();
    build_cache();
    compute_nominal_scores();
  }

  void check_units() {
    if (unit_ids.empty())
      for (std::size_t u = 0; u < unit_count; ++u) unit_ids.push_back(std::to_string(u + 1));
    if (unit_ids.size() != unit_count)
      fail("unit_ids", "unit_ids has " + std::to_string(unit_ids.size()) + " entries for " +
                           std::to_string(unit_count) + " units");
    if (unit_count == 0) fail("units", "there are no units");
  }

  // Levels, nominal weights and children of every node.
  void read_tree() {
    level.resize(node_count);
    child_begin.assign(node_count + 1, 0);
    outside_begin.assign(node_count + 1, 0);
    nominal_weights.resize(node_count);
    for (std::size_t k = 0; k < node_count; ++k) {
      const auto& node = tree.node(static_cast<std::ptrdiff_t>(k));
      level[k] = node.level;
      max_level = std::max(max_level, node.level);
      nominal_weights[k] = node.weight;
      for (auto c : node.children)
        (tree.node(c).outside_max ? outside : children).push_back(static_cast<std::size_t>(c));
      child_begin[k + 1] = children.size();
      outside_begin[k + 1] = outside.size();
    }
  }

  // A scored model ranks its index as Model evaluation does (rank_units on the rounded index).
  void read_model_ranking() {
    const chiso::model* m = tree.source_model();
    if (!m || m->composite()) return;
    const model_info& info = m->info();
    model_ranking.active = true;
    model_ranking.scale = info.scale;
    model_ranking.clamp = info.clamp;
    model_ranking.rounding = info.rounding;
    model_ranking.digits = info.rounding == rounding_mode::none ? -1 : info.rounding_digits;
    model_ranking.ties = info.ties;
    model_ranking.by_group = info.rank_by == rank_scope::group;
  }

  // Validates the assumptions and lays out the discrete digits.
  void read_assumptions() {
    for (std::size_t j = 0; j < assumptions.size(); ++j) {
      const assumption& a = assumptions[j];
      const std::string who = "assumption '" + a.name + "'";
      if (a.discrete()) {
        if (a.alternatives() == 0) fail("alternatives", who + " has no alternatives");
        if (a.nominal >= a.alternatives())
          fail("nominal", who + ": nominal alternative " + std::to_string(a.nominal) +
                              " is out of range (" + std::to_string(a.alternatives()) + " alternatives)");
      }
      switch (a.type) {
        case assumption::kind::noisy_weights: read_noisy_weights(a, who); break;
        case assumption::kind::weight_sets: read_weight_sets(a, who); break;
        case assumption::kind::aggregation:
          check_aggregation_methods(a, who);
          aggregation_index.push_back(j);
          agg_combos *= a.alternatives();
          break;
        case assumption::kind::data_choice:
          data_choice_index.push_back(j);
          data_combos *= a.alternatives();
          break;
        case assumption::kind::data_range:
          if (!(a.lower < a.upper)) fail("range", who + ": lower must be below upper");
          data_range_index.push_back(j);
          break;
      }
    }
    if (!builder && (!data_choice_index.empty() || !data_range_index.empty()))
      fail("data_builder", "data assumptions need a data builder");
  }

  void read_noisy_weights(const assumption& a, const std::string& who) {
    if (a.noise.empty()) fail("noise", who + ": noise lists no level");
    for (const auto& [noisy_level, factor] : a.noise) {
      if (noisy_level < 1 || noisy_level > max_level)
        fail("noise", who + ": level " + std::to_string(noisy_level) + " is not a level of the tree (1.." +
                          std::to_string(max_level) + ")");
      if (!(factor >= 0 && factor <= 1)) fail("noise", who + ": noise factor must be in [0, 1]");
      lowest_varying_level = std::min(lowest_varying_level, noisy_level);
    }
    std::vector<std::pair<std::size_t, double>> nodes;
    for (std::size_t k = 0; k < node_count; ++k)
      for (const auto& [noisy_level, factor] : a.noise)
        if (level[k] == noisy_level) nodes.emplace_back(k, factor);
    noise_nodes.push_back(std::move(nodes));
  }

  void read_weight_sets(const assumption& a, const std::string& who) {
    for (const auto& set : a.weight_sets) {
      if (set.size() != node_count)
        fail("weight_sets", who + ": a weight set has " + std::to_string(set.size()) + " weights for " +
                                std::to_string(node_count) + " nodes");
      for (std::size_t k = 0; k < node_count; ++k) {
        if (!(std::isfinite(set[k]) && set[k] >= 0)) fail("weight_sets", who + ": weights must be finite and >= 0");
        if (set[k] != a.weight_sets[a.nominal][k]) lowest_varying_level = std::min(lowest_varying_level, level[k]);
      }
    }
    nominal_weights = a.weight_sets[a.nominal];
  }

  void check_aggregation_methods(const assumption& a, const std::string& who) const {
    for (aggregation m : a.methods)
      if (!varied_by_the_engine(m))
        fail("aggregation", who + ": the engine varies the arithmetic, geometric and harmonic means, not " +
                                std::string(to_string(m)));
    for (int aggregated_level : a.levels)
      if (aggregated_level < 2 || aggregated_level > max_level)
        fail("levels", who + ": aggregation level " + std::to_string(aggregated_level) +
                           " is not an aggregate level (2.." + std::to_string(max_level) + ")");
  }

  // Aggregation method per node for every combination of aggregation alternatives: the node's
  // own (its model's `aggregate`), unless an assumption covers its level; later assumptions
  // override earlier ones on shared levels.
  void build_method_table() {
    std::vector<aggregation> own_methods(node_count, aggregation::arithmetic);
    for (std::size_t k = indicator_count; k < node_count; ++k) own_methods[k] = own_method(k);
    method_table.resize(agg_combos * node_count);
    for (std::size_t combo = 0; combo < agg_combos; ++combo) {
      std::copy(own_methods.begin(), own_methods.end(),
                method_table.begin() + static_cast<std::ptrdiff_t>(combo * node_count));
      std::size_t rest = combo;
      for (std::size_t j : aggregation_index) {
        const assumption& a = assumptions[j];
        const std::size_t alt = rest % a.alternatives();
        rest /= a.alternatives();
        for (std::size_t k = indicator_count; k < node_count; ++k)
          if (a.levels.empty() || std::find(a.levels.begin(), a.levels.end(), level[k]) != a.levels.end())
            method_table[combo * node_count + k] = a.methods[alt];
      }
    }
    check_points_outside_max();
  }

  void check_points_outside_max() const {
    for (std::size_t k = indicator_count; k < node_count; ++k)
      for (std::size_t combo = 0; combo < agg_combos; ++combo)
        analysis::require_place_for_points_outside_max(tree, static_cast<std::ptrdiff_t>(k), method_of(combo, k));
  }

  // Cache of fixed nodes: only when data come in finitely many variants.
  void build_cache() {
    const std::size_t combos = data_combos * agg_combos;
    cached = data_range_index.empty() && combos <= max_cached_values / (node_count * unit_count);
    first_varying_node = indicator_count;
    if (!cached) return;
    while (first_varying_node < node_count && level[first_varying_node] <= lowest_varying_level) ++first_varying_node;
    cache.resize(combos);
    cache_failed.assign(combos, 0);
    cache_failure.assign(combos, failure{});
    cache_missing.assign(combos, 1);
    worker scratch = make_worker();
    config cfg = nominal_config();
    Eigen::MatrixXd data(static_cast<Eigen::Index>(unit_count), static_cast<Eigen::Index>(indicator_count));
    for (std::size_t data_combo = 0; data_combo < data_combos; ++data_combo) {
      decode_data_combo(data_combo, cfg.choices);
      const Eigen::MatrixXd* indicators = &fixed_indicators;
      if (builder) {
        builder(cfg.choices.data(), nullptr, data);
        indicators = &data;
      }
      for (std::size_t agg_combo = 0; agg_combo < agg_combos; ++agg_combo)
        cache_variant(data_combo * agg_combos + agg_combo, agg_combo, *indicators, scratch);
    }
  }

  // Fills cache slot `variant` with the indicators and the fixed aggregates under `agg_combo`.
  void cache_variant(std::size_t variant, std::size_t agg_combo, const Eigen::MatrixXd& indicators,
                     worker& scratch) {
    std::vector<double>& slot = cache[variant];
    slot.assign(node_count * unit_count, nan_value);
    for (std::size_t i = 0; i < indicator_count; ++i)
      std::copy_n(indicators.col(static_cast<Eigen::Index>(i)).data(), unit_count, slot.data() + i * unit_count);
    cache_missing[variant] = indicators.hasNaN() ? 1 : 0;
    scratch.missing = cache_missing[variant] != 0;
    // Fixed aggregates use the nominal weights (they never vary below the lowest level).
    // A fixed node that fails fails every replication of this variant.
    for (std::size_t k = indicator_count; k < first_varying_node; ++k)
      if (!aggregate_node(k, method_of(agg_combo, k), nominal_weights.data(), slot.data(),
                          slot.data() + k * unit_count, scratch) &&
          !cache_failed[variant]) {
        cache_failed[variant] = 1;
        cache_failure[variant] = where_it_failed(k, method_of(agg_combo, k), scratch);
      }
  }

  void compute_nominal_scores() {
    worker scratch = make_worker();
    scratch.cfg = nominal_config();
    const bool ok = evaluate_config(scratch);
    nominal_node_scores.assign(node_count * unit_count, nan_value);
    if (ok)
      for (std::size_t k = 0; k < node_count; ++k)
        std::copy_n(scratch.ptr[k], unit_count, nominal_node_scores.data() + k * unit_count);
    // A nominal configuration that fails (z-scores under a geometric mean) leaves NaN
    // nominal scores, reported as not ranked.
  }

  aggregation method_of(std::size_t agg_combo, std::size_t node) const noexcept {
    return method_table[agg_combo * node_count + node];
  }

  // The method the tree gives aggregate k (analysis::aggregation_of).
  aggregation own_method(std::size_t k) const {
    const auto& n = tree.node(static_cast<std::ptrdiff_t>(k));
    const aggregation own = analysis::aggregation_of(n.combine);
    if (varied_by_the_engine(own)) return own;
    throw parameter_error("uncertainty.node_method",
                          "node '" + n.code + "' aggregates with " + to_string(n.combine) +
                              "; the uncertainty engine aggregates with arithmetic, geometric or harmonic means");
  }

  void decode_data_combo(std::size_t dc, std::vector<std::size_t>& choices) const {
    choices.resize(data_choice_index.size());
    for (std::size_t k = 0; k < data_choice_index.size(); ++k) {
      const std::size_t n = assumptions[data_choice_index[k]].alternatives();
      choices[k] = dc % n;
      dc /= n;
    }
  }

  worker make_worker() const {
    worker w;
    w.cfg.weights = nominal_weights;
    w.cfg.choices.resize(data_choice_index.size());
    w.cfg.values.resize(data_range_index.size());
    w.nodes.assign(node_count * unit_count, nan_value);
    w.ptr.assign(node_count, nullptr);
    if (!cached) w.data.resize(static_cast<Eigen::Index>(unit_count), static_cast<Eigen::Index>(indicator_count));
    w.child_values.resize(children.size() + outside.size());
    w.child_weights.resize(children.size());
    w.wsum.resize(unit_count);
    w.rank.resize(unit_count);
    if (model_ranking.active) w.index.resize(unit_count);
    w.keys.resize(unit_count);
    w.order.resize(unit_count);
    std::iota(w.order.begin(), w.order.end(), 0u);  // a permutation, for the warm-started ranking
    w.histogram = sensitivity::rank_histogram(unit_count);
    return w;
  }

  config nominal_config() const {
    config cfg;
    cfg.weights = nominal_weights;
    std::size_t radix = 1;
    for (std::size_t j : aggregation_index) {
      cfg.agg_combo += assumptions[j].nominal * radix;
      radix *= assumptions[j].alternatives();
    }
    radix = 1;
    for (std::size_t j : data_choice_index) {
      cfg.data_combo += assumptions[j].nominal * radix;
      cfg.choices.push_back(assumptions[j].nominal);
      radix *= assumptions[j].alternatives();
    }
    for (std::size_t j : data_range_index) cfg.values.push_back(assumptions[j].nominal_value);
    return cfg;
  }

  // Maps a sample row to a configuration; writes each assumption's parameter to `param`.
  void decode(const double* u, std::uint64_t seed, config& cfg, double* param) const {
    std::copy(nominal_weights.begin(), nominal_weights.end(), cfg.weights.begin());
    cfg.agg_combo = 0;
    cfg.data_combo = 0;
    std::size_t agg_radix = 1, data_radix = 1, noisy = 0, n_choice = 0, n_range = 0;
    // Weight sets first (they replace the weights), noise after (it multiplies them), so that
    // the result does not depend on the order the assumptions are listed in.
    for (std::size_t j = 0; j < assumptions.size(); ++j) {
      const assumption& a = assumptions[j];
      if (a.type != assumption::kind::weight_sets) continue;
      const std::size_t alt = sensitivity::to_discrete(u[j], a.alternatives());
      std::copy(a.weight_sets[alt].begin(), a.weight_sets[alt].end(), cfg.weights.begin());
      param[j] = static_cast<double>(alt);
    }
    for (std::size_t j = 0; j < assumptions.size(); ++j) {
      const assumption& a = assumptions[j];
      switch (a.type) {
        case assumption::kind::noisy_weights: {
          // The noise is a function of u alone: the stream (mix64(key) ^ seed, j, stream_weight_noise)
          // keyed by u's 53 bits, one uniform per node.
          const auto key = static_cast<std::uint64_t>(u[j] * 0x1.0p53);
          const auto& nodes = noise_nodes[noisy];
          cfg.noise.resize(nodes.size());
          cfg.draw_noise(random::mix64(key) ^ seed, j, stream_weight_noise, nodes.size(), cfg.noise.data());
          for (std::size_t i = 0; i < nodes.size(); ++i)
            cfg.weights[nodes[i].first] *= 1.0 + (2.0 * cfg.noise[i] - 1.0) * nodes[i].second;
          ++noisy;
          param[j] = u[j];
          break;
        }
        case assumption::kind::weight_sets: break;
        case assumption::kind::aggregation: {
          const std::size_t alt = sensitivity::to_discrete(u[j], a.alternatives());
          cfg.agg_combo += alt * agg_radix;
          agg_radix *= a.alternatives();
          param[j] = static_cast<double>(alt);
          break;
        }
        case assumption::kind::data_choice: {
          const std::size_t alt = sensitivity::to_discrete(u[j], a.alternatives());
          cfg.data_combo += alt * data_radix;
          data_radix *= a.alternatives();
          cfg.choices[n_choice++] = alt;
          param[j] = static_cast<double>(alt);
          break;
        }
        case assumption::kind::data_range: {
          const double v = sensitivity::to_uniform(u[j], a.lower, a.upper);
          cfg.values[n_range++] = v;
          param[j] = v;
          break;
        }
      }
    }
  }

  // Aggregates node k from its children (pointers in w.ptr, or from `base` node-major when
  // `base` is given) into `out` with the shared kernel (chiso/detail/weighted_mean.hpp): missing
  // (NaN) children dropped and the weights of the others renormalised, as COINr's a_amean.
  // Returns false when a geometric or harmonic mean meets a value ≤ 0 (a failed replication).
  bool aggregate_node(std::size_t k, aggregation method, const double* node_weights, const double* base,
                      double* out, worker& wk) const {
    const std::size_t first = child_begin[k];
    const auto count = static_cast<std::ptrdiff_t>(child_begin[k + 1] - first);
    for (std::ptrdiff_t c = 0; c < count; ++c) {
      const std::size_t child = children[first + static_cast<std::size_t>(c)];
      wk.child_values[static_cast<std::size_t>(c)] = base ? base + child * unit_count : wk.ptr[child];
      wk.child_weights[static_cast<std::size_t>(c)] = node_weights[child];
    }
    const auto n = static_cast<std::ptrdiff_t>(unit_count);
    const double* const* values = wk.child_values.data();
    const double* weights = wk.child_weights.data();
    double* wsum = wk.wsum.data();
    switch (method) {
      case aggregation::arithmetic:
        if (outside_begin[k + 1] > outside_begin[k]) {
          const auto points = static_cast<std::ptrdiff_t>(outside_begin[k + 1] - outside_begin[k]);
          for (std::ptrdiff_t a = 0; a < points; ++a) {
            const std::size_t child = outside[outside_begin[k] + static_cast<std::size_t>(a)];
            wk.child_values[static_cast<std::size_t>(count + a)] = base ? base + child * unit_count : wk.ptr[child];
          }
          wk.arithmetic_mean(values, weights, count, n, out, !wk.missing);
          detail::add_points_outside_max(values, weights, count, values + count, points, n, out);
          return true;
        }
        wk.arithmetic_mean(values, weights, count, n, out, !wk.missing);
        return true;
      case aggregation::geometric:
        return detail::weighted_mean<detail::mean_kind::geometric>(values, weights, count, n, out, wsum);
      case aggregation::harmonic:
        return detail::weighted_mean<detail::mean_kind::harmonic>(values, weights, count, n, out, wsum);
      default:
        break;  // refused when the assumptions are read
    }
    return false;
  }

  // Computes every node for w.cfg; w.ptr[k] then points at node k's scores. False on failure.
  bool evaluate_config(worker& w) const {
    const config& cfg = w.cfg;
    std::size_t first_computed = indicator_count;
    if (cached) {
      const std::size_t slot = cfg.data_combo * agg_combos + cfg.agg_combo;
      if (w.slot != slot) {  // the fixed nodes' scores of another variant
        const double* base = cache[slot].data();
        for (std::size_t k = 0; k < first_varying_node; ++k) w.ptr[k] = base + k * unit_count;
        w.slot = slot;
      }
      if (cache_failed[slot]) {
        w.failed = cache_failure[slot];
        return false;
      }
      w.missing = cache_missing[slot] != 0;
      first_computed = first_varying_node;
    } else {
      const Eigen::MatrixXd* indicators = &fixed_indicators;
      if (builder) {
        builder(cfg.choices.data(), cfg.values.data(), w.data);
        indicators = &w.data;
      }
      for (std::size_t i = 0; i < indicator_count; ++i) w.ptr[i] = indicators->col(static_cast<Eigen::Index>(i)).data();
      w.missing = indicators->hasNaN();
    }
    for (std::size_t k = first_computed; k < node_count; ++k) {
      double* out = w.nodes.data() + k * unit_count;
      w.ptr[k] = out;
      if (!aggregate_node(k, method_of(cfg.agg_combo, k), cfg.weights.data(), nullptr, out, w)) {
        w.failed = where_it_failed(k, method_of(cfg.agg_combo, k), w);
        return false;  // the nodes above need not be computed: the replication is left out
      }
    }
    return true;
  }

  // After aggregate_node(k) failed: the first unit and child outside the mean's domain (the
  // children's scores are still in wk.child_values).
  failure where_it_failed(std::size_t k, aggregation method, const worker& wk) const {
    failure f;
    f.node = k;
    f.method = method;
    std::ptrdiff_t unit = 0, child = 0;
    const auto kind = method == aggregation::harmonic ? detail::mean_kind::harmonic : detail::mean_kind::geometric;
    const auto count = static_cast<std::ptrdiff_t>(child_begin[k + 1] - child_begin[k]);
    if (detail::first_outside_domain(kind, wk.child_values.data(), count, static_cast<std::ptrdiff_t>(unit_count),
                                     unit, child)) {
      f.unit = static_cast<std::size_t>(unit);
      f.child = children[child_begin[k] + static_cast<std::size_t>(child)];
      f.value = wk.child_values[static_cast<std::size_t>(child)][unit];
    }
    return f;
  }

  std::size_t target_node(const options& opt) const {
    if (opt.target.empty()) {
      if (tree.root() < 0) fail("target", "the tree has several roots: name the target node");
      return static_cast<std::size_t>(tree.root());
    }
    return static_cast<std::size_t>(tree.at(opt.target, "uncertainty target"));
  }

  std::size_t output_unit(const options& opt) const {
    if (opt.output == output_kind::mean_abs_rank_shift) return 0;
    for (std::size_t u = 0; u < unit_count; ++u)
      if (unit_ids[u] == opt.output_unit) return u;
    fail("output_unit", "output_unit '" + opt.output_unit + "' is not a unit id");
  }

  // Runs the sample's rows, in the steps below.
  result run(const sensitivity::row_matrix& sample, const options& opt, std::size_t stats_rows) const;

  // A column per assumption; quantile probabilities in order.
  void check_run(const sensitivity::row_matrix& sample, const options& opt) const {
    if (static_cast<std::size_t>(sample.cols()) != assumptions.size())
      fail("sample", "the sample has " + std::to_string(sample.cols()) + " columns for " +
                         std::to_string(assumptions.size()) + " assumptions");
    if (!(opt.lower_p >= 0 && opt.upper_p <= 1 && opt.lower_p <= opt.upper_p))
      fail("quantiles", "lower_p and upper_p must satisfy 0 <= lower_p <= upper_p <= 1");
  }

  // The result before the replications: what the run is, the replications' slots to fill.
  result empty_result(const run_plan& plan) const {
    const auto replications = static_cast<std::size_t>(plan.sample.rows());
    result res;
    res.units = unit_ids;
    for (const auto& a : assumptions) res.assumptions.push_back(a.name);
    res.replications = replications;
    res.statistics_replications = plan.stats_rows;
    res.lower_p = plan.opt.lower_p;
    res.upper_p = plan.opt.upper_p;
    res.sample = plan.sample;
    res.parameters.resize(plan.sample.rows(), static_cast<Eigen::Index>(assumptions.size()));
    res.output.assign(replications, nan_value);
    if (plan.opt.keep_replications) res.ranks.resize(static_cast<Eigen::Index>(unit_count), plan.sample.rows());
    return res;
  }

  // The target's nominal scores and ranks into `stats`; returns the units in nominal order.
  std::vector<std::uint32_t> rank_nominal(const run_plan& plan, unit_statistics& stats) const {
    const std::size_t target = plan.target;
    stats.nominal_score.assign(nominal_node_scores.begin() + static_cast<std::ptrdiff_t>(target * unit_count),
                               nominal_node_scores.begin() + static_cast<std::ptrdiff_t>((target + 1) * unit_count));
    stats.nominal_rank.resize(unit_count);
    if (plan.model_ranks) {
      std::vector<double> index(unit_count);
      rank_as_the_model(stats.nominal_score.data(), index.data(), stats.nominal_rank.data());
    } else {
      std::vector<std::uint32_t> scratch_order(unit_count);
      rank_descending_competition(stats.nominal_score.data(), unit_count, stats.nominal_rank.data(),
                                  scratch_order.data());
    }
    std::vector<std::uint32_t> nominal_order(unit_count);
    std::iota(nominal_order.begin(), nominal_order.end(), 0u);
    std::vector<std::int32_t> scratch_rank(unit_count);
    rank_descending_competition_warm(stats.nominal_score.data(), unit_count, scratch_rank.data(), nominal_order.data());
    return nominal_order;
  }

  // Runs every replication on the threads into `res` (and `scores`, units × replications with
  // rows `score_stride` apart, when they are kept); returns each thread's rank histogram of the
  // statistics rows, and puts each unit's range of scores over them in `score_ranges` (with the
  // score statistics).
  std::vector<sensitivity::rank_histogram> run_replications(const run_plan& plan, double* scores,
                                                            std::size_t score_stride, result& res,
                                                            std::vector<sensitivity::value_range>& score_ranges) const {
    const auto replications = static_cast<std::size_t>(plan.sample.rows());
    const int threads = detail::resolve_threads(plan.opt.threads, replications);
    std::vector<sensitivity::rank_histogram> histograms(static_cast<std::size_t>(threads));
    std::vector<std::vector<failure>> failures(static_cast<std::size_t>(threads));
    std::vector<std::vector<sensitivity::value_range>> ranges(static_cast<std::size_t>(threads));
    detail::parallel_blocks(replications, threads, [&](std::size_t begin, std::size_t end, int t) {
      replication_staging staging(unit_count, begin, plan.keep_scores ? scores : nullptr, score_stride,
                                  plan.opt.keep_replications ? res.ranks.data() : nullptr, replications,
                                  plan.opt.score_statistics ? plan.stats_rows : 0);
      worker w = make_worker();
      run_replication_block(plan, begin, end, staging, w, res);
      histograms[static_cast<std::size_t>(t)] = std::move(w.histogram);
      failures[static_cast<std::size_t>(t)] = std::move(w.failures);
      ranges[static_cast<std::size_t>(t)] = staging.ranges();
    });
    score_ranges.assign(plan.opt.score_statistics ? unit_count : 0, sensitivity::value_range{});
    for (const auto& thread_ranges : ranges)
      for (std::size_t u = 0; u < thread_ranges.size(); ++u) score_ranges[u].merge(thread_ranges[u]);
    // Thread t ran the t-th block of replications: in thread order, the failures are in order.
    for (const auto& block : failures)
      for (const failure& f : block) {
        res.failed.push_back(f.replication);
        res.failures.push_back(f);
      }
    return histograms;
  }

  // Failed replications per alternative of each discrete assumption, over all of them for a
  // continuous one (the parameters hold each replication's alternative).
  std::vector<failure_count> count_failures(const result& res) const {
    std::vector<failure_count> counts;
    const auto replications = static_cast<std::size_t>(res.parameters.rows());
    for (std::size_t j = 0; j < assumptions.size(); ++j) {
      const assumption& a = assumptions[j];
      const std::size_t first = counts.size();
      const std::size_t alternatives = a.discrete() ? a.alternatives() : 1;
      for (std::size_t alt = 0; alt < alternatives; ++alt)
        counts.push_back({a.name, a.discrete() ? alternative_label(a, alt) : std::string(), 0, 0});
      auto alternative_of = [&](std::size_t r) {
        return a.discrete() ? static_cast<std::size_t>(res.parameters(static_cast<Eigen::Index>(r),
                                                                      static_cast<Eigen::Index>(j)))
                            : std::size_t{0};
      };
      for (std::size_t r = 0; r < replications; ++r) ++counts[first + alternative_of(r)].replications;
      for (std::size_t r : res.failed) ++counts[first + alternative_of(r)].failed;
    }
    return counts;
  }

  static std::string alternative_label(const assumption& a, std::size_t alt) {
    switch (a.type) {
      case assumption::kind::aggregation: return to_string(a.methods[alt]);
      case assumption::kind::data_choice: return a.labels[alt];
      case assumption::kind::weight_sets: return "set " + std::to_string(alt);
      default: return std::string();
    }
  }

  // Replications [begin, end) on one thread, counted in w.histogram; failures in w.failures.
  void run_replication_block(const run_plan& plan, std::size_t begin, std::size_t end, replication_staging& staging,
                             worker& w, result& res) const {
    const std::size_t assumption_count = assumptions.size();
    const std::int32_t* nominal_rank = res.stats.nominal_rank.data();
    for (std::size_t r = begin; r < end; ++r) {
      decode(plan.sample.data() + r * assumption_count, plan.opt.seed, w.cfg,
             res.parameters.data() + r * assumption_count);
      if (!evaluate_config(w)) {
        w.failed.replication = r;
        w.failures.push_back(w.failed);
        staging.stage_failed(r);
        continue;
      }
      const double* scores = w.ptr[plan.target];
      rank_replication(plan, scores, w);
      if (r < plan.stats_rows) w.histogram.add(w.rank.data());
      staging.stage(r, scores, w.rank.data());
      res.output[r] = replication_output(plan, scores, w.rank.data(), nominal_rank);
    }
    staging.flush(end);
    replication_staging::finish();
  }

  // A scored model's ranks of its root scores: the index on the model's scale, clamped and
  // rounded as the model says (as Model evaluation writes it), ranked by rank_units.
  void rank_as_the_model(const double* scores, double* index, std::int32_t* rank) const {
    const index_ranking& m = model_ranking;
    for (std::size_t u = 0; u < unit_count; ++u) {
      double value = scores[u] * m.scale;
      if (m.clamp && !std::isnan(value)) value = std::fmin(std::fmax(value, 0.0), m.scale);
      index[u] = round_decimal(value, m.digits < 0 ? 0 : m.digits, m.rounding);
    }
    const std::int32_t* unit_groups = m.by_group && !groups.empty() ? groups.data() : nullptr;
    rank_units(index, static_cast<std::ptrdiff_t>(unit_count), unit_groups, m.ties, m.digits,
               [this](std::ptrdiff_t row) { return unit_ids[static_cast<std::size_t>(row)]; }, rank);
  }

  // Ranks of a replication's target scores into w.rank: the model's (plan.model_ranks), or
  // competition ranks over all units.
  void rank_replication(const run_plan& plan, const double* scores, worker& w) const {
    const std::vector<std::uint32_t>& nominal_order = plan.nominal_order;
    if (plan.model_ranks) {
      rank_as_the_model(scores, w.index.data(), w.rank.data());
    } else if (unit_count <= max_units_ranked_by_counting) {
      rank_descending_competition_counting(scores, unit_count, w.rank.data());
    } else {
      // Start from the nominal order: replications perturb it, so few units move.
      std::copy(nominal_order.begin(), nominal_order.end(), w.order.begin());
      rank_descending_competition_warm(scores, unit_count, w.rank.data(), w.order.data(), w.keys.data());
    }
  }

  // The replication's output (options::output).
  double replication_output(const run_plan& plan, const double* scores, const std::int32_t* rank,
                            const std::int32_t* nominal_rank) const {
    switch (plan.opt.output) {
      case output_kind::mean_abs_rank_shift: return sensitivity::mean_absolute_rank_shift(rank, nominal_rank, unit_count);
      case output_kind::unit_score: return scores[plan.output_unit];
      case output_kind::unit_rank: return rank[plan.output_unit] > 0 ? rank[plan.output_unit] : nan_value;
    }
    return nan_value;
  }

  // Rank mean, median and quantiles per unit from the threads' histograms.
  void rank_statistics(const std::vector<sensitivity::rank_histogram>& histograms, const options& opt,
                       unit_statistics& stats) const {
    sensitivity::rank_histogram total(unit_count);
    for (const auto& h : histograms)
      if (h.units() == unit_count) total.merge(h);
    stats.rank_mean.resize(unit_count);
    stats.rank_median.resize(unit_count);
    stats.rank_lower.resize(unit_count);
    stats.rank_upper.resize(unit_count);
    for (std::size_t u = 0; u < unit_count; ++u) {
      stats.rank_mean[u] = total.mean(u);
      stats.rank_median[u] = total.quantile(u, 0.5);
      stats.rank_lower[u] = total.quantile(u, opt.lower_p);
      stats.rank_upper[u] = total.quantile(u, opt.upper_p);
    }
  }

  // Score mean, sd, median and quantiles per unit over the first `stats_rows` replications of
  // `scores` (units × replications, rows `stride` apart), whose ranges are `ranges`.
  void score_statistics(const double* scores, std::size_t stride, const std::vector<sensitivity::value_range>& ranges,
                        std::size_t stats_rows, const options& opt, unit_statistics& stats) const {
    stats.score_mean.assign(unit_count, nan_value);
    stats.score_sd.assign(unit_count, nan_value);
    stats.score_lower.assign(unit_count, nan_value);
    stats.score_median.assign(unit_count, nan_value);
    stats.score_upper.assign(unit_count, nan_value);
    detail::parallel_blocks(unit_count, opt.threads, [&](std::size_t begin, std::size_t end, int) {
      sensitivity::summary_scratch scratch;
      for (std::size_t u = begin; u < end; ++u) {
        const auto summary =
            sensitivity::summarise(scores + u * stride, stats_rows, ranges[u], opt.lower_p, opt.upper_p, scratch);
        stats.score_mean[u] = summary.mean;
        stats.score_sd[u] = summary.sd;
        stats.score_lower[u] = summary.lower;
        stats.score_median[u] = summary.median;
        stats.score_upper[u] = summary.upper;
      }
    });
  }
};

result composite_analysis::impl::run(const sensitivity::row_matrix& sample, const options& opt,
                                     std::size_t stats_rows) const {
  check_run(sample, opt);
  const std::size_t target = target_node(opt);
  const bool model_ranks = model_ranking.active && static_cast<std::ptrdiff_t>(target) == tree.root();
  run_plan plan{sample, opt, stats_rows, target, output_unit(opt), model_ranks,
               opt.keep_replications || opt.score_statistics, {}};
  result res = empty_result(plan);
  plan.nominal_order = rank_nominal(plan, res.stats);
  // units × replications, row-major: one unit's scores are contiguous (quantiles per unit), and
  // consecutive replications of a thread write neighbouring slots of a few cache lines. Kept: the
  // result's matrix; otherwise rows aligned to cache lines.
  sensitivity::row_matrix kept;
  std::optional<aligned_scores> internal;
  double* scores = nullptr;
  std::size_t stride = 0;
  if (opt.keep_replications) {
    kept.resize(static_cast<Eigen::Index>(unit_count), sample.rows());
    detail::ask_for_huge_pages(kept.data(), static_cast<std::size_t>(kept.size()) * sizeof(double));
    scores = kept.data();
    stride = static_cast<std::size_t>(sample.rows());
  } else if (opt.score_statistics) {
    internal.emplace(unit_count, static_cast<std::size_t>(sample.rows()));
    scores = internal->data();
    stride = internal->stride();
  }
  std::vector<sensitivity::value_range> score_ranges;
  rank_statistics(run_replications(plan, scores, stride, res, score_ranges), opt, res.stats);
  res.failure_counts = count_failures(res);
  if (opt.score_statistics) score_statistics(scores, stride, score_ranges, stats_rows, opt, res.stats);
  if (opt.keep_replications) res.scores = std::move(kept);
  return res;
}

// ---------------------------------------------------------------------------------------------
// composite_analysis

composite_analysis::composite_analysis(analysis::hierarchy h, Eigen::MatrixXd indicators,
                                       std::vector<std::string> unit_ids,
                                       std::vector<assumption> assumptions)
    : impl_(std::make_unique<impl>()) {
  impl_->tree = std::move(h);
  impl_->unit_count = static_cast<std::size_t>(indicators.rows());
  if (indicators.cols() != impl_->tree.n_indicators())
    fail("indicators", "the indicator matrix has " + std::to_string(indicators.cols()) +
                           " columns for " + std::to_string(impl_->tree.n_indicators()) + " indicators");
  impl_->fixed_indicators = std::move(indicators);
  impl_->unit_ids = std::move(unit_ids);
  impl_->assumptions = std::move(assumptions);
  impl_->setup();
}

composite_analysis::composite_analysis(analysis::hierarchy h, data_builder builder, std::size_t units,
                                       std::vector<std::string> unit_ids,
                                       std::vector<assumption> assumptions)
    : impl_(std::make_unique<impl>()) {
  if (!builder) fail("data_builder", "the data builder is empty");
  impl_->tree = std::move(h);
  impl_->unit_count = units;
  impl_->builder = std::move(builder);
  impl_->unit_ids = std::move(unit_ids);
  impl_->assumptions = std::move(assumptions);
  impl_->setup();
}

composite_analysis::~composite_analysis() = default;
composite_analysis::composite_analysis(composite_analysis&&) noexcept = default;
composite_analysis& composite_analysis::operator=(composite_analysis&&) noexcept = default;

void composite_analysis::set_groups(std::vector<std::int32_t> groups) {
  if (!groups.empty() && groups.size() != impl_->unit_count)
    throw data_error("data.groups", "", "",
                     std::to_string(groups.size()) + " groups for " + std::to_string(impl_->unit_count) + " units");
  for (std::size_t u = 0; u < groups.size(); ++u)
    if (groups[u] < 0) throw data_error("data.group", impl_->unit_ids[u], "", "the unit's group code is negative");
  impl_->groups = std::move(groups);
}

std::size_t composite_analysis::units() const noexcept { return impl_->unit_count; }
std::size_t composite_analysis::dimensions() const noexcept { return impl_->assumptions.size(); }
const analysis::hierarchy& composite_analysis::tree() const noexcept { return impl_->tree; }

Eigen::MatrixXd composite_analysis::nominal_scores() const {
  const std::size_t unit_count = impl_->unit_count, node_count = impl_->node_count;
  Eigen::MatrixXd out(static_cast<Eigen::Index>(unit_count), static_cast<Eigen::Index>(node_count));
  for (std::size_t k = 0; k < node_count; ++k)
    for (std::size_t u = 0; u < unit_count; ++u)
      out(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(k)) = impl_->nominal_node_scores[k * unit_count + u];
  return out;
}

result composite_analysis::uncertainty(std::size_t replications, const options& opt) const {
  if (replications < 1) fail("replications", "replications must be at least 1");
  if (impl_->assumptions.empty()) fail("assumptions", "there is no uncertain assumption");
  return impl_->run(sensitivity::random_sample(replications, impl_->assumptions.size(), opt.seed), opt,
                    replications);
}

result composite_analysis::sensitivity(std::size_t N, const options& opt) const {
  const std::size_t d = impl_->assumptions.size();
  if (d < 2)
    fail("assumptions", "a sensitivity analysis needs at least two uncertain assumptions "
                        "(use an uncertainty analysis for one)");
  result res = impl_->run(sensitivity::saltelli_sample(N, d, opt.seed), opt, 2 * N);
  sensitivity::sobol_options so;
  so.bootstrap = opt.bootstrap;
  so.seed = opt.seed;
  so.lower_p = opt.lower_p;
  so.upper_p = opt.upper_p;
  so.threads = opt.threads;
  res.indices = sensitivity::estimate_sobol(res.output.data(), N, d, so);
  res.has_indices = true;
  return res;
}

result composite_analysis::run(const sensitivity::row_matrix& sample, const options& opt) const {
  return impl_->run(sample, opt, static_cast<std::size_t>(sample.rows()));
}

// ---------------------------------------------------------------------------------------------
// The analysis toolkit's prepared pipeline as a data source

data_builder prepared_pipeline_builder(std::shared_ptr<const analysis::prepared_pipeline> prepared) {
  if (!prepared) fail("prepared", "the prepared pipeline is null");
  const bool vary_winmax = prepared->winmax_values().size() > 1;
  const bool vary_norm = prepared->normalisations().size() > 1;
  return [prepared, vary_winmax, vary_norm](const std::size_t* choices, const double*, Eigen::Ref<Eigen::MatrixXd> out) {
    std::size_t next = 0;
    const std::size_t winmax = vary_winmax ? choices[next++] : 0;
    const std::size_t normalisation = vary_norm ? choices[next++] : 0;
    out = prepared->normalised(winmax, normalisation);
  };
}

composite_analysis analyse_prepared(std::shared_ptr<const analysis::prepared_pipeline> prepared,
                                    std::vector<assumption> assumptions) {
  if (!prepared) fail("prepared", "the prepared pipeline is null");
  std::vector<std::size_t> expected;
  if (prepared->winmax_values().size() > 1) expected.push_back(prepared->winmax_values().size());
  if (prepared->normalisations().size() > 1) expected.push_back(prepared->normalisations().size());
  std::vector<std::size_t> given;
  for (const auto& a : assumptions)
    if (a.type == assumption::kind::data_choice) given.push_back(a.alternatives());
    else if (a.type == assumption::kind::data_range)
      fail("data_range", "a prepared pipeline has no continuous data parameter ('" + a.name + "')");
  if (given != expected)
    fail("data_choice", "the data_choice assumptions must be, in order, one per varied step of the prepared "
                        "pipeline (winmax: " + std::to_string(prepared->winmax_values().size()) +
                        " values, normalisation: " + std::to_string(prepared->normalisations().size()) + ")");
  auto builder = prepared_pipeline_builder(prepared);
  const auto units = static_cast<std::size_t>(prepared->n_units());
  if (expected.empty())  // nothing upstream varies: the one matrix
    return composite_analysis(prepared->tree(), prepared->normalised(0, 0), prepared->units(),
                              std::move(assumptions));
  return composite_analysis(prepared->tree(), std::move(builder), units, prepared->units(),
                            std::move(assumptions));
}

}  // namespace chiso::uncertainty
