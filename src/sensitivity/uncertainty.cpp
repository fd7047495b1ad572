#include "chiso/sensitivity/uncertainty.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "chiso/analysis/pipeline.hpp"
#include "chiso/detail/parallel.hpp"
#include "chiso/detail/weighted_mean.hpp"
#include "chiso/error.hpp"
#include "chiso/random.hpp"
#include "chiso/ranking.hpp"
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
  std::size_t U = 0, K = 0, I = 0;  // units, nodes, indicators
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
  // method_table[agg_combo * K + node]
  std::vector<aggregation> method_table;
  // noisy weights: per noisy assumption, the (node, factor) list in node order
  std::vector<std::vector<std::pair<std::size_t, double>>> noise_nodes;
  int lowest_varying_level = std::numeric_limits<int>::max();
  bool cached = false;
  // cache[(data_combo * agg_combos + agg_combo)]: node-major K × U scores of fixed nodes
  std::vector<std::vector<double>> cache;
  std::vector<unsigned char> cache_failed;  // a fixed aggregate of this variant failed
  std::vector<unsigned char> cache_missing; // the variant's indicators have missing values
  std::size_t first_varying_node = 0;       // aggregates from here on are recomputed
  std::vector<double> nominal_node_scores;  // K × U node-major

  struct config {
    std::vector<double> weights;
    std::size_t data_combo = 0, agg_combo = 0;
    std::vector<std::size_t> choices;  // data_choice alternatives
    std::vector<double> values;        // data_range values
  };

  struct worker {
    config cfg;
    std::vector<double> nodes;           // K × U node-major, computed nodes
    std::vector<const double*> ptr;      // where node k's scores are
    Eigen::MatrixXd data;                // U × I when data is built per replication
    std::vector<const double*> child_values;  // the node being aggregated: its children's scores
    std::vector<double> child_weights, wsum;    // their weights, and the kernel's weight sums
    bool missing = true;                 // the current data may have missing values
    std::vector<std::int32_t> rank;
    std::vector<double> keys;
    std::vector<std::uint32_t> order;
    sensitivity::rank_histogram histogram;
  };

  void setup() {
    K = static_cast<std::size_t>(tree.n_nodes());
    I = static_cast<std::size_t>(tree.n_indicators());
    if (unit_ids.empty())
      for (std::size_t u = 0; u < U; ++u) unit_ids.push_back(std::to_string(u + 1));
    if (unit_ids.size() != U)
      fail("unit_ids", "unit_ids has " + std::to_string(unit_ids.size()) + " entries for " +
                           std::to_string(U) + " units");
    if (U == 0) fail("units", "there are no units");
    level.resize(K);
    child_begin.assign(K + 1, 0);
    outside_begin.assign(K + 1, 0);
    nominal_weights.resize(K);
    for (std::size_t k = 0; k < K; ++k) {
      const auto& n = tree.node(static_cast<std::ptrdiff_t>(k));
      level[k] = n.level;
      max_level = std::max(max_level, n.level);
      nominal_weights[k] = n.weight;
      for (auto c : n.children)
        (tree.node(c).outside_max ? outside : children).push_back(static_cast<std::size_t>(c));
      child_begin[k + 1] = children.size();
      outside_begin[k + 1] = outside.size();
    }

    // Validate the assumptions and lay out the discrete digits.
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
        case assumption::kind::noisy_weights: {
          if (a.noise.empty()) fail("noise", who + ": noise lists no level");
          std::vector<std::pair<std::size_t, double>> nodes;
          for (const auto& [lev, f] : a.noise) {
            if (lev < 1 || lev > max_level)
              fail("noise", who + ": level " + std::to_string(lev) + " is not a level of the tree (1.." +
                                std::to_string(max_level) + ")");
            if (!(f >= 0 && f <= 1)) fail("noise", who + ": noise factor must be in [0, 1]");
            lowest_varying_level = std::min(lowest_varying_level, lev);
          }
          for (std::size_t k = 0; k < K; ++k)
            for (const auto& [lev, f] : a.noise)
              if (level[k] == lev) nodes.emplace_back(k, f);
          noise_nodes.push_back(std::move(nodes));
          break;
        }
        case assumption::kind::weight_sets:
          for (const auto& set : a.weight_sets) {
            if (set.size() != K)
              fail("weight_sets", who + ": a weight set has " + std::to_string(set.size()) +
                                      " weights for " + std::to_string(K) + " nodes");
            for (std::size_t k = 0; k < K; ++k) {
              if (!(std::isfinite(set[k]) && set[k] >= 0))
                fail("weight_sets", who + ": weights must be finite and >= 0");
              if (set[k] != a.weight_sets[a.nominal][k])
                lowest_varying_level = std::min(lowest_varying_level, level[k]);
            }
          }
          nominal_weights = a.weight_sets[a.nominal];
          break;
        case assumption::kind::aggregation:
          for (aggregation m : a.methods)
            if (!varied_by_the_engine(m))
              fail("aggregation", who + ": the engine varies the arithmetic, geometric and harmonic means, not " +
                                      std::string(to_string(m)));
          for (int lev : a.levels)
            if (lev < 2 || lev > max_level)
              fail("levels", who + ": aggregation level " + std::to_string(lev) +
                                 " is not an aggregate level (2.." + std::to_string(max_level) + ")");
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

    // Aggregation method per node for every combination of aggregation alternatives: the node's
    // own (its model's `aggregate`), unless an assumption covers its level; later assumptions
    // override earlier ones on shared levels.
    std::vector<aggregation> own_methods(K, aggregation::arithmetic);
    for (std::size_t k = I; k < K; ++k) own_methods[k] = own_method(k);
    method_table.resize(agg_combos * K);
    for (std::size_t c = 0; c < agg_combos; ++c) {
      std::copy(own_methods.begin(), own_methods.end(), method_table.begin() + static_cast<std::ptrdiff_t>(c * K));
      std::size_t rest = c;
      for (std::size_t j : aggregation_index) {
        const assumption& a = assumptions[j];
        const std::size_t alt = rest % a.alternatives();
        rest /= a.alternatives();
        for (std::size_t k = I; k < K; ++k)
          if (a.levels.empty() || std::find(a.levels.begin(), a.levels.end(), level[k]) != a.levels.end())
            method_table[c * K + k] = a.methods[alt];
      }
    }
    for (std::size_t k = I; k < K; ++k)
      if (outside_begin[k + 1] > outside_begin[k])
        for (std::size_t c = 0; c < agg_combos; ++c)
          if (method_table[c * K + k] != aggregation::arithmetic)
            throw parameter_error("uncertainty.node_method",
                                  "node '" + tree.node(static_cast<std::ptrdiff_t>(k)).code +
                                      "' adds points outside the max (bonus, deduction) to its children's mean; "
                                      "only the arithmetic mean has a place for them, not " +
                                      to_string(method_table[c * K + k]));

    // Cache of fixed nodes: only when data come in finitely many variants.
    const std::size_t combos = data_combos * agg_combos;
    cached = data_range_index.empty() && combos <= max_cached_values / (K * U);
    first_varying_node = I;
    if (cached)
      while (first_varying_node < K && level[first_varying_node] <= lowest_varying_level) ++first_varying_node;
    if (cached) {
      cache.resize(combos);
      cache_failed.assign(combos, 0);
      cache_missing.assign(combos, 1);
      worker w = make_worker();
      config cfg = nominal_config();
      Eigen::MatrixXd data(static_cast<Eigen::Index>(U), static_cast<Eigen::Index>(I));
      for (std::size_t dc = 0; dc < data_combos; ++dc) {
        decode_data_combo(dc, cfg.choices);
        const Eigen::MatrixXd* x = &fixed_indicators;
        if (builder) {
          builder(cfg.choices.data(), nullptr, data);
          x = &data;
        }
        for (std::size_t ac = 0; ac < agg_combos; ++ac) {
          std::vector<double>& slot = cache[dc * agg_combos + ac];
          slot.assign(K * U, nan_value);
          for (std::size_t i = 0; i < I; ++i)
            std::copy_n(x->col(static_cast<Eigen::Index>(i)).data(), U, slot.data() + i * U);
          cache_missing[dc * agg_combos + ac] = x->hasNaN() ? 1 : 0;
          w.missing = cache_missing[dc * agg_combos + ac] != 0;
          // Fixed aggregates use the nominal weights (they never vary below the lowest level).
          // A fixed node that fails fails every replication of this variant.
          for (std::size_t k = I; k < first_varying_node; ++k)
            if (!aggregate_node(k, method_of(ac, k), nominal_weights.data(), slot.data(),
                                slot.data() + k * U, w))
              cache_failed[dc * agg_combos + ac] = 1;
        }
      }
    }

    // Nominal scores of every node.
    {
      worker w = make_worker();
      w.cfg = nominal_config();
      bool ok = evaluate_config(w);
      nominal_node_scores.assign(K * U, nan_value);
      if (ok)
        for (std::size_t k = 0; k < K; ++k) std::copy_n(w.ptr[k], U, nominal_node_scores.data() + k * U);
      // A nominal configuration that fails (z-scores under a geometric mean) leaves NaN
      // nominal scores, reported as not ranked.
    }
  }

  aggregation method_of(std::size_t agg_combo, std::size_t node) const noexcept {
    return method_table[agg_combo * K + node];
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
    w.nodes.assign(K * U, nan_value);
    w.ptr.assign(K, nullptr);
    if (!cached) w.data.resize(static_cast<Eigen::Index>(U), static_cast<Eigen::Index>(I));
    w.child_values.resize(children.size() + outside.size());
    w.child_weights.resize(children.size());
    w.wsum.resize(U);
    w.rank.resize(U);
    w.keys.resize(U);
    w.order.resize(U);
    std::iota(w.order.begin(), w.order.end(), 0u);  // a permutation, for the warm-started ranking
    w.histogram = sensitivity::rank_histogram(U);
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
          // The noise is a function of u alone: a stream keyed by u's 53 bits.
          const auto key = static_cast<std::uint64_t>(u[j] * 0x1.0p53);
          random::stream s(random::mix64(key) ^ seed, j, stream_weight_noise);
          for (const auto& [k, f] : noise_nodes[noisy]) cfg.weights[k] *= 1.0 + (2.0 * s.uniform() - 1.0) * f;
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
  bool aggregate_node(std::size_t k, aggregation m, const double* w, const double* base, double* out,
                      worker& wk) const {
    const std::size_t first = child_begin[k];
    const auto count = static_cast<std::ptrdiff_t>(child_begin[k + 1] - first);
    for (std::ptrdiff_t c = 0; c < count; ++c) {
      const std::size_t child = children[first + static_cast<std::size_t>(c)];
      wk.child_values[static_cast<std::size_t>(c)] = base ? base + child * U : wk.ptr[child];
      wk.child_weights[static_cast<std::size_t>(c)] = w[child];
    }
    const auto n = static_cast<std::ptrdiff_t>(U);
    const double* const* values = wk.child_values.data();
    const double* weights = wk.child_weights.data();
    double* wsum = wk.wsum.data();
    switch (m) {
      case aggregation::arithmetic:
        if (outside_begin[k + 1] > outside_begin[k]) {
          const auto points = static_cast<std::ptrdiff_t>(outside_begin[k + 1] - outside_begin[k]);
          for (std::ptrdiff_t a = 0; a < points; ++a) {
            const std::size_t child = outside[outside_begin[k] + static_cast<std::size_t>(a)];
            wk.child_values[static_cast<std::size_t>(count + a)] = base ? base + child * U : wk.ptr[child];
          }
          detail::weighted_mean<detail::mean_kind::arithmetic>(values, weights, count, n, out, wsum, !wk.missing);
          detail::add_points_outside_max(values, weights, count, values + count, points, n, out);
          return true;
        }
        return detail::weighted_mean<detail::mean_kind::arithmetic>(values, weights, count, n, out, wsum, !wk.missing);
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
    std::size_t first_computed = I;
    if (cached) {
      const std::size_t slot = cfg.data_combo * agg_combos + cfg.agg_combo;
      const double* base = cache[slot].data();
      for (std::size_t k = 0; k < first_varying_node; ++k) w.ptr[k] = base + k * U;
      if (cache_failed[slot]) return false;
      w.missing = cache_missing[slot] != 0;
      first_computed = first_varying_node;
    } else {
      const Eigen::MatrixXd* x = &fixed_indicators;
      if (builder) {
        builder(cfg.choices.data(), cfg.values.data(), w.data);
        x = &w.data;
      }
      for (std::size_t i = 0; i < I; ++i) w.ptr[i] = x->col(static_cast<Eigen::Index>(i)).data();
      w.missing = x->hasNaN();
    }
    bool ok = true;
    for (std::size_t k = first_computed; k < K; ++k) {
      double* out = w.nodes.data() + k * U;
      ok &= aggregate_node(k, method_of(cfg.agg_combo, k), cfg.weights.data(), nullptr, out, w);
      w.ptr[k] = out;
    }
    return ok;
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
    for (std::size_t u = 0; u < U; ++u)
      if (unit_ids[u] == opt.output_unit) return u;
    fail("output_unit", "output_unit '" + opt.output_unit + "' is not a unit id");
  }

  result run(const sensitivity::row_matrix& sample, const options& opt, std::size_t stats_rows) const;
};

result composite_analysis::impl::run(const sensitivity::row_matrix& sample, const options& opt,
                                     std::size_t stats_rows) const {
  const std::size_t R = static_cast<std::size_t>(sample.rows());
  const std::size_t d = assumptions.size();
  if (static_cast<std::size_t>(sample.cols()) != d)
    fail("sample", "the sample has " + std::to_string(sample.cols()) + " columns for " +
                       std::to_string(d) + " assumptions");
  if (!(opt.lower_p >= 0 && opt.upper_p <= 1 && opt.lower_p <= opt.upper_p))
    fail("quantiles", "lower_p and upper_p must satisfy 0 <= lower_p <= upper_p <= 1");
  const std::size_t target = target_node(opt);
  const std::size_t out_unit = output_unit(opt);

  result res;
  res.units = unit_ids;
  for (const auto& a : assumptions) res.assumptions.push_back(a.name);
  res.replications = R;
  res.statistics_replications = stats_rows;
  res.lower_p = opt.lower_p;
  res.upper_p = opt.upper_p;
  res.sample = sample;
  res.parameters.resize(static_cast<Eigen::Index>(R), static_cast<Eigen::Index>(d));
  res.output.assign(R, nan_value);

  // Nominal scores and ranks of the target.
  auto& st = res.stats;
  st.nominal_score.assign(nominal_node_scores.begin() + static_cast<std::ptrdiff_t>(target * U),
                          nominal_node_scores.begin() + static_cast<std::ptrdiff_t>((target + 1) * U));
  st.nominal_rank.resize(U);
  {
    std::vector<std::uint32_t> order(U);
    rank_descending_competition(st.nominal_score.data(), U, st.nominal_rank.data(), order.data());
  }
  const std::int32_t* nominal_rank = st.nominal_rank.data();
  std::vector<std::uint32_t> nominal_order(U);
  std::iota(nominal_order.begin(), nominal_order.end(), 0u);
  {
    std::vector<std::int32_t> scratch_rank(U);
    rank_descending_competition_warm(st.nominal_score.data(), U, scratch_rank.data(), nominal_order.data());
  }

  const bool keep_scores = opt.keep_replications || opt.score_statistics;
  // units × replications, row-major: one unit's scores are contiguous (quantiles per unit), and
  // consecutive replications of a thread write neighbouring slots of a few cache lines.
  sensitivity::row_matrix scores;
  if (keep_scores) scores.resize(static_cast<Eigen::Index>(U), static_cast<Eigen::Index>(R));
  if (opt.keep_replications) res.ranks.resize(static_cast<Eigen::Index>(U), static_cast<Eigen::Index>(R));
  std::vector<unsigned char> failed(R, 0);

  const int threads = detail::resolve_threads(opt.threads, R);
  std::vector<sensitivity::rank_histogram> histograms(static_cast<std::size_t>(threads));
  detail::parallel_blocks(R, threads, [&](std::size_t begin, std::size_t end, int t) {
    worker w = make_worker();
    // Scores and ranks are staged for `block` replications, then written unit by unit in runs
    // of contiguous slots: writing every replication straight into 51 rows 800 kB apart would
    // touch 51 pages per replication.
    constexpr std::size_t block = 32;
    std::vector<double> score_block(keep_scores ? block * U : 0);
    std::vector<std::int32_t> rank_block(opt.keep_replications ? block * U : 0);
    std::size_t block_start = begin;
    auto flush = [&](std::size_t stop) {
      const std::size_t count = stop - block_start;
      if (keep_scores)
        for (std::size_t u = 0; u < U; ++u)
          for (std::size_t i = 0; i < count; ++i) scores.data()[u * R + block_start + i] = score_block[i * U + u];
      if (opt.keep_replications)
        for (std::size_t u = 0; u < U; ++u)
          for (std::size_t i = 0; i < count; ++i) res.ranks.data()[u * R + block_start + i] = rank_block[i * U + u];
      block_start = stop;
    };
    for (std::size_t r = begin; r < end; ++r) {
      if (r - block_start == block) flush(r);
      const std::size_t slot = (r - block_start) * U;
      decode(sample.data() + r * d, opt.seed, w.cfg, res.parameters.data() + r * d);
      const bool ok = evaluate_config(w);
      const double* y = w.ptr[target];
      if (!ok) {
        failed[r] = 1;
        if (keep_scores) std::fill_n(score_block.data() + slot, U, nan_value);
        if (opt.keep_replications) std::fill_n(rank_block.data() + slot, U, 0);
        continue;
      }
      if (U <= max_units_ranked_by_counting) {
        rank_descending_competition_counting(y, U, w.rank.data());
      } else {
        // Start from the nominal order: replications perturb it, so few units move.
        std::copy(nominal_order.begin(), nominal_order.end(), w.order.begin());
        rank_descending_competition_warm(y, U, w.rank.data(), w.order.data(), w.keys.data());
      }
      if (r < stats_rows) w.histogram.add(w.rank.data());
      if (keep_scores) std::copy_n(y, U, score_block.data() + slot);
      if (opt.keep_replications) std::copy_n(w.rank.data(), U, rank_block.data() + slot);
      switch (opt.output) {
        case output_kind::mean_abs_rank_shift: {
          // COINr: mean(abs(rank − nominal), na.rm = TRUE) over units.
          std::int64_t sum = 0;
          std::size_t n = 0;
          for (std::size_t u = 0; u < U; ++u)
            if (w.rank[u] > 0 && nominal_rank[u] > 0) {
              sum += std::abs(w.rank[u] - nominal_rank[u]);
              ++n;
            }
          res.output[r] = n ? static_cast<double>(sum) / static_cast<double>(n) : nan_value;
          break;
        }
        case output_kind::unit_score: res.output[r] = y[out_unit]; break;
        case output_kind::unit_rank:
          res.output[r] = w.rank[out_unit] > 0 ? w.rank[out_unit] : nan_value;
          break;
      }
    }
    flush(end);
    histograms[static_cast<std::size_t>(t)] = std::move(w.histogram);
  });
  for (std::size_t r = 0; r < R; ++r)
    if (failed[r]) res.failed.push_back(r);

  sensitivity::rank_histogram total(U);
  for (const auto& h : histograms)
    if (h.units() == U) total.merge(h);
  st.rank_mean.resize(U);
  st.rank_median.resize(U);
  st.rank_lower.resize(U);
  st.rank_upper.resize(U);
  for (std::size_t u = 0; u < U; ++u) {
    st.rank_mean[u] = total.mean(u);
    st.rank_median[u] = total.quantile(u, 0.5);
    st.rank_lower[u] = total.quantile(u, opt.lower_p);
    st.rank_upper[u] = total.quantile(u, opt.upper_p);
  }

  if (opt.score_statistics) {
    st.score_mean.assign(U, nan_value);
    st.score_sd.assign(U, nan_value);
    st.score_lower.assign(U, nan_value);
    st.score_median.assign(U, nan_value);
    st.score_upper.assign(U, nan_value);
    detail::parallel_blocks(U, opt.threads, [&](std::size_t begin, std::size_t end, int) {
      std::vector<double> scratch;
      for (std::size_t u = begin; u < end; ++u) {
        const auto d = sensitivity::summarise(scores.data() + u * R, stats_rows, opt.lower_p, opt.upper_p, scratch);
        st.score_mean[u] = d.mean;
        st.score_sd[u] = d.sd;
        st.score_lower[u] = d.lower;
        st.score_median[u] = d.median;
        st.score_upper[u] = d.upper;
      }
    });
  }
  if (opt.keep_replications) res.scores = std::move(scores);
  return res;
}

// ---------------------------------------------------------------------------------------------
// composite_analysis

composite_analysis::composite_analysis(analysis::hierarchy h, Eigen::MatrixXd indicators,
                                       std::vector<std::string> unit_ids,
                                       std::vector<assumption> assumptions)
    : impl_(std::make_unique<impl>()) {
  impl_->tree = std::move(h);
  impl_->U = static_cast<std::size_t>(indicators.rows());
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
  impl_->U = units;
  impl_->builder = std::move(builder);
  impl_->unit_ids = std::move(unit_ids);
  impl_->assumptions = std::move(assumptions);
  impl_->setup();
}

composite_analysis::~composite_analysis() = default;
composite_analysis::composite_analysis(composite_analysis&&) noexcept = default;
composite_analysis& composite_analysis::operator=(composite_analysis&&) noexcept = default;

std::size_t composite_analysis::units() const noexcept { return impl_->U; }
std::size_t composite_analysis::dimensions() const noexcept { return impl_->assumptions.size(); }
const analysis::hierarchy& composite_analysis::tree() const noexcept { return impl_->tree; }

Eigen::MatrixXd composite_analysis::nominal_scores() const {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(impl_->U), static_cast<Eigen::Index>(impl_->K));
  for (std::size_t k = 0; k < impl_->K; ++k)
    for (std::size_t u = 0; u < impl_->U; ++u)
      out(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(k)) = impl_->nominal_node_scores[k * impl_->U + u];
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
    const std::size_t w = vary_winmax ? choices[next++] : 0;
    const std::size_t k = vary_norm ? choices[next++] : 0;
    out = prepared->normalised(w, k);
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
