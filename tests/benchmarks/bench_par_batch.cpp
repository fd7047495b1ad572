// PAR-style batch: units × 102 leaves (80 appraisal leaves mixing direct points and rate tiers,
// 22 survey leaves proportional to a rate) in 8 summed areas, 2% not applicable, index and
// competition ranks within two groups. In the same run, a plain streaming read (sum) of the same
// inputs; prints ratio_to_stream_read = evaluation time / streaming-read time (medians), with the
// library's default threads (as many as the machine has), and the same on one thread.
//
// Then formula criteria against tiers criteria: 20 leaves `2 * ratio(n, d, 0)` (two named inputs
// each) against 20 leaves with 3 rate tiers, same units; prints formula_to_tiers = the ratio of
// the medians (the goal: ≤ 2), and the same on one thread (steadier on a shared machine).
//
// Then one unit at a time, as a caller scoring units in a loop does: the core's own call
// (plan::evaluate_into, keep root, a reused result) on the bundled 102-criterion Hanoi district
// model, median µs per call (the Python call adds its conversions to this; bench_python.py).
//
//   bench_par_batch [units=1000000] [repeats=5]
//   bench_par_batch --smoke          (20,000 units, 3 repeats: for CI)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <chiso/chiso.hpp>

namespace {

chiso::model par_model() {
  std::vector<chiso::node> areas;
  int leaf = 0;
  for (int a = 0; a < 8; ++a) {
    std::vector<chiso::node> criteria;
    for (int c = 0; c < (a < 6 ? 13 : 12); ++c) {
      const std::string id = "C" + std::to_string(leaf);
      chiso::rule r;
      if (leaf >= 80) {
        r.kind = chiso::rule_kind::proportional;
        r.unit = chiso::rate_unit::fraction;
        chiso::node n = chiso::node::leaf(id, "survey " + id, 1.5, r);
        n.source = chiso::leaf_source::survey;
        criteria.push_back(std::move(n));
      } else if (leaf % 2 == 0) {
        r.kind = chiso::rule_kind::points;
        r.step = 0.25;
        criteria.push_back(chiso::node::leaf(id, "appraisal " + id, 1.0, r));
      } else {
        r.kind = chiso::rule_kind::tiers;
        r.unit = chiso::rate_unit::percent;
        r.tiers = std::vector<chiso::tier>{{100, 1.0, false}, {90, 0.5, false}, {70, 0.25, false}};
        criteria.push_back(chiso::node::leaf(id, "appraisal " + id, 1.0, r));
      }
      ++leaf;
    }
    areas.push_back(chiso::node::inner("A" + std::to_string(a + 1), "area", chiso::aggregate::sum, std::move(criteria)));
  }
  chiso::model_info info;
  info.id = "bench-par";
  return chiso::model(info, chiso::node::inner("PAR", "PAR", chiso::aggregate::sum, std::move(areas)));
}

// 20 criteria of 2 points in 4 summed areas, each `formula` (2 * ratio(n, d, 0) over inputs n, d)
// or `tiers` (a rate in percent: ≥ 100 → 2, ≥ 90 → 1, ≥ 70 → 0.5).
chiso::model twenty_criteria(bool formulas) {
  std::vector<chiso::node> areas;
  for (int a = 0; a < 4; ++a) {
    std::vector<chiso::node> criteria;
    for (int c = 0; c < 5; ++c) {
      const std::string id = "K" + std::to_string(a * 5 + c);
      chiso::rule r;
      if (formulas) {
        r.kind = chiso::rule_kind::formula;
        r.expr = "2 * ratio(n, d, 0)";
      } else {
        r.kind = chiso::rule_kind::tiers;
        r.unit = chiso::rate_unit::percent;
        r.tiers = std::vector<chiso::tier>{{100, 2.0, false}, {90, 1.0, false}, {70, 0.5, false}};
      }
      chiso::node n = chiso::node::leaf(id, id, 2.0, r);
      if (formulas) n.inputs = {"n", "d"};
      criteria.push_back(std::move(n));
    }
    areas.push_back(chiso::node::inner("A" + std::to_string(a + 1), "area", chiso::aggregate::sum, std::move(criteria)));
  }
  chiso::model_info info;
  info.id = formulas ? "bench-formula" : "bench-tiers";
  return chiso::model(info, chiso::node::inner("R", "R", chiso::aggregate::sum, std::move(areas)));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Adds the seconds `work` takes to `times`.
template <class Work>
void time_into(std::vector<double>& times, Work&& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  times.push_back(seconds_since(start));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int par_batch(long units, int repeats);
void compare_formula_with_tiers(long units, int repeats);
void one_unit(int calls);

int main(int argc, char** argv) {
  const bool smoke = argc > 1 && std::string(argv[1]) == "--smoke";
  const long units = smoke ? 20000 : argc > 1 ? std::atol(argv[1]) : 1000000;
  const int repeats = smoke ? 3 : argc > 2 ? std::atoi(argv[2]) : 5;
  if (units <= 0 || repeats <= 0) {
    std::fprintf(stderr, "usage: bench_par_batch [--smoke | UNITS [REPEATS]]\n");
    return 2;
  }
  par_batch(units, repeats);  // its inputs are freed before the next comparison allocates its own
  compare_formula_with_tiers(units, repeats);
  one_unit(smoke ? 200 : 20000);
  return 0;
}

int par_batch(long units, int repeats) {
  const chiso::plan plan(par_model());
  const long leaves = plan.leaf_count();

  Eigen::MatrixXd values(units, leaves);
  Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic> applicable(units, leaves);
  std::vector<std::int32_t> groups(static_cast<std::size_t>(units));
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (long j = 0; j < leaves; ++j) {
    const chiso::node& leaf = *plan.compiled_model().leaves()[static_cast<std::size_t>(j)];
    for (long u = 0; u < units; ++u) {
      const double r = uniform(random);
      switch (leaf.rule->kind) {
        case chiso::rule_kind::points: values(u, j) = std::floor(r * 5) * 0.25; break;
        case chiso::rule_kind::tiers: values(u, j) = 60 + 40 * r; break;
        default: values(u, j) = r; break;
      }
      applicable(u, j) = uniform(random) >= 0.02;
    }
  }
  for (long u = 0; u < units; ++u) groups[static_cast<std::size_t>(u)] = u % 3 == 0 ? 1 : 0;

  chiso::unit_table table;
  table.values = chiso::view_of(values);
  table.applicable = chiso::view_of(applicable);
  table.groups = groups.data();
  chiso::evaluate_options options;
  options.keep = chiso::kept_nodes::inner;

  chiso::evaluate_options one_thread = options;
  one_thread.threads = 1;

  std::vector<double> stream_times, eval_times, fresh_times, single_times;
  double checksum = 0;
  chiso::evaluation result;
  for (int r = 0; r < repeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    const double* data = values.data();
    const long count = units * leaves;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    long i = 0;
    for (; i + 4 <= count; i += 4) {
      s0 += data[i];
      s1 += data[i + 1];
      s2 += data[i + 2];
      s3 += data[i + 3];
    }
    for (; i < count; ++i) s0 += data[i];
    stream_times.push_back(seconds_since(start));
    checksum += s0 + s1 + s2 + s3;

    time_into(eval_times, [&] { plan.evaluate_into(table, result, options); });
    time_into(single_times, [&] { plan.evaluate_into(table, result, one_thread); });

    // A fresh result each time, as a caller of evaluate() (or Python) gets: the new buffers'
    // first touch is part of the cost.
    start = std::chrono::steady_clock::now();
    const chiso::evaluation fresh = plan.evaluate(table, options);
    fresh_times.push_back(seconds_since(start));
    checksum += fresh.index[0];
  }
  const double stream = median(stream_times), eval = median(eval_times);
  const double values_count = static_cast<double>(units) * static_cast<double>(leaves);
  static const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("units=%ld leaves=%ld repeats=%d default_threads=%u\n", units, leaves, repeats, cores);
  std::printf("stream_read_s=%.4f (%.3f ns/value, checksum %.6g)\n", stream, stream / values_count * 1e9, checksum);
  std::printf("evaluate_s=%.4f (%.3f ns/value; index of unit 0 = %.2f, rank %d)\n", eval,
              eval / values_count * 1e9, result.index[0], result.rank[0]);
  std::printf("evaluate_fresh_s=%.4f (new result buffers each time; ratio %.2f)\n", median(fresh_times),
              median(fresh_times) / stream);
  std::printf("evaluate_1_thread_s=%.4f (ratio %.2f)\n", median(single_times), median(single_times) / stream);
  std::printf("ratio_to_stream_read=%.2f\n", eval / stream);
  return 0;
}

// Medians of `repeats` evaluations of 20 formula criteria and of 20 tiers criteria.
void compare_formula_with_tiers(long units, int repeats) {
  const chiso::plan formulas(twenty_criteria(true)), tiers(twenty_criteria(false));
  Eigen::MatrixXd counts(units, formulas.input_count()), rates(units, tiers.input_count());
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (long j = 0; j < tiers.input_count(); ++j)
    for (long u = 0; u < units; ++u) {
      const double d = std::floor(1000 * uniform(random));  // 0 now and then: ratio gives 0
      const double share = 0.6 + 0.4 * uniform(random);
      counts(u, 2 * j) = std::floor(d * share);
      counts(u, 2 * j + 1) = d;
      rates(u, j) = 100 * share;
    }
  chiso::unit_table formula_table, tiers_table;
  formula_table.values = chiso::view_of(counts);
  tiers_table.values = chiso::view_of(rates);
  chiso::evaluate_options options;
  options.keep = chiso::kept_nodes::inner;
  chiso::evaluate_options one_thread = options;
  one_thread.threads = 1;
  std::vector<double> formula_times, tiers_times, formula_single_times, tiers_single_times;
  chiso::evaluation formula_result, tiers_result;
  for (int r = 0; r < repeats; ++r) {
    time_into(tiers_times, [&] { tiers.evaluate_into(tiers_table, tiers_result, options); });
    time_into(formula_times, [&] { formulas.evaluate_into(formula_table, formula_result, options); });
    time_into(tiers_single_times, [&] { tiers.evaluate_into(tiers_table, tiers_result, one_thread); });
    time_into(formula_single_times, [&] { formulas.evaluate_into(formula_table, formula_result, one_thread); });
  }
  const double formula = median(formula_times), tier = median(tiers_times);
  const double criteria_units = static_cast<double>(units) * 20;
  std::printf("tiers_20_s=%.4f (%.3f ns/criterion/unit; index of unit 0 = %.2f)\n", tier,
              tier / criteria_units * 1e9, tiers_result.index[0]);
  std::printf("formula_20_s=%.4f (%.3f ns/criterion/unit; index of unit 0 = %.2f)\n", formula,
              formula / criteria_units * 1e9, formula_result.index[0]);
  std::printf("formula_to_tiers_1_thread=%.2f (formula %.4f s, tiers %.4f s)\n",
              median(formula_single_times) / median(tiers_single_times), median(formula_single_times),
              median(tiers_single_times));
  std::printf("formula_to_tiers=%.2f\n", formula / tier);
}

// Median µs per call of the core scoring one unit of the Hanoi district model (all inputs 0, a
// valid input of each of its rules), keep root, the result reused: medians of batches of 100 calls.
void one_unit(int calls) {
  const chiso::plan hanoi(chiso::load_model(CHISO_SOURCE_DIR "/examples/models/hanoi-par-district-2023.json"));
  const Eigen::MatrixXd values = Eigen::MatrixXd::Zero(1, hanoi.input_count());
  chiso::unit_table table;
  table.values = chiso::view_of(values);
  chiso::evaluate_options options;
  options.keep = chiso::kept_nodes::root;
  chiso::evaluation result;
  constexpr int batch = 100;
  std::vector<double> times;
  for (int c = 0; c < calls; c += batch) {
    const auto start = std::chrono::steady_clock::now();
    for (int k = 0; k < batch; ++k) hanoi.evaluate_into(table, result, options);
    times.push_back(seconds_since(start) / batch);
  }
  std::printf("hanoi_one_unit_core_us=%.2f (index %.2f; goal for the Python call: 5)\n", median(times) * 1e6,
              result.index[0]);
}
