// The composite-indicator and MCDA entry points (include/chiso/analysis*): random shapes, values
// (NaN, infinities, negatives, huge), weights, directions, methods and options, decoded from the
// fuzzer's bytes. Bad arguments must give chiso errors; nothing may crash or trip a sanitizer.
#include <string>
#include <vector>

#include <chiso/analysis.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace chiso::analysis;
using chiso_fuzz::accepts;
using chiso_fuzz::byte_reader;

matrix read_matrix(byte_reader& in, int rows, int cols) {
  matrix x(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) x(i, j) = in.byte() < 24 ? chiso::analysis::nan : in.number();
  return x;
}

std::vector<double> read_weights(byte_reader& in, int n) {
  std::vector<double> w(static_cast<std::size_t>(in.in_range(0, 3) == 0 ? in.in_range(0, n + 1) : n));
  for (auto& v : w) v = in.number();
  return w;
}

std::vector<int> read_directions(byte_reader& in, int n) {
  std::vector<int> d(static_cast<std::size_t>(in.in_range(0, 5) == 0 ? in.in_range(0, n + 1) : n));
  for (auto& v : d) v = in.in_range(-2, 2);
  return d;
}

// A tree of `indicators` leaves under one to three aggregates (sometimes with a bad row).
std::vector<hierarchy_row> read_tree(byte_reader& in, int indicators) {
  std::vector<hierarchy_row> rows;
  const int groups = in.in_range(1, 3);
  for (int j = 0; j < indicators; ++j) {
    hierarchy_row r;
    r.code = "i" + std::to_string(j);
    r.level = 1;
    r.parent = "g" + std::to_string(in.in_range(0, groups - 1));
    r.weight = in.number();
    r.direction = in.byte() % 4 == 0 ? -1 : 1;
    if (in.byte() % 4 == 0) r.target = in.number();
    rows.push_back(r);
  }
  for (int g = 0; g < groups; ++g) {
    hierarchy_row r;
    r.code = "g" + std::to_string(g);
    r.level = 2;
    r.parent = "index";
    r.weight = in.number();
    rows.push_back(r);
  }
  hierarchy_row root;
  root.code = "index";
  root.level = 3;
  rows.push_back(root);
  if (in.byte() % 16 == 0) rows[static_cast<std::size_t>(in.in_range(0, static_cast<int>(rows.size()) - 1))].parent = "nowhere";
  if (in.byte() % 16 == 0) rows.push_back(rows.front());  // a duplicate code
  return rows;
}

normalise_spec read_normalise(byte_reader& in) {
  normalise_spec s;
  s.method = static_cast<normalise_method>(in.in_range(0, 9));
  s.lower = in.number();
  s.upper = in.number();
  s.mean = in.number();
  s.sd = in.number();
  s.goal_low = in.number();
  s.goal_high = in.number();
  s.scale = in.number();
  if (in.byte() % 2) s.target = in.number();
  s.cap = in.byte() % 2;
  s.ties = static_cast<tie_rule>(in.in_range(0, 4));
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  byte_reader in(data, size);
  const int units = in.in_range(0, 9), indicators = in.in_range(0, 6);
  const matrix x = read_matrix(in, units, indicators);
  const std::vector<double> w = read_weights(in, indicators);
  const std::vector<int> dirs = read_directions(in, indicators);

  switch (in.in_range(0, 9)) {
    case 0:
      accepts("topsis", [&] { topsis(x, w, dirs, static_cast<topsis_normalisation>(in.in_range(0, 2))); });
      accepts("vikor", [&] { vikor(x, w, dirs, in.number()); });
      accepts("copeland", [&] { copeland(x, w); });
      break;
    case 1:
      accepts("normalise", [&] { normalise(x, dirs, read_normalise(in), read_weights(in, indicators)); });
      break;
    case 2: {
      impute_options o;
      o.method = static_cast<impute_method>(in.in_range(0, 5));
      for (int i = 0, n = in.in_range(0, units + 1); i < n; ++i) o.groups.push_back(in.in_range(-1, 2));
      accepts("impute", [&] { impute(x, o); });
      break;
    }
    case 3: {
      treat_options o;
      o.winmax = in.in_range(-1, 6);
      o.skew_threshold = in.number();
      o.kurt_threshold = in.number();
      o.log_fallback = in.byte() % 2;
      accepts("treat", [&] { treat(x, o); });
      accepts("screen_units", [&] { screen_units(x, in.number()); });
      break;
    }
    case 4:
      accepts("entropy_weights", [&] { entropy_weights(x); });
      accepts("critic_weights", [&] { critic_weights(x, dirs); });
      accepts("pca_weights", [&] { pca_weights(x); });
      accepts("cronbach_alpha", [&] { cronbach_alpha(x); });
      accepts("correlation_matrix", [&] { correlation_matrix(x, static_cast<correlation_method>(in.in_range(0, 1))); });
      break;
    case 5: {
      const int n = in.in_range(0, 9);
      matrix a = read_matrix(in, n, n);
      if (in.byte() % 2)  // mostly reciprocal, as a pairwise matrix should be
        for (int i = 0; i < n; ++i)
          for (int j = 0; j < i; ++j) a(i, j) = 1.0 / a(j, i);
      ahp_options o;
      o.method = static_cast<ahp_method>(in.in_range(0, 2));
      o.on_inconsistent = in.byte() % 2 ? inconsistency_policy::warn : inconsistency_policy::error;
      if (in.byte() % 4 == 0) o.random_index = read_weights(in, n);
      accepts("ahp", [&] { ahp(a, o); });
      break;
    }
    case 6: {
      vector v(units);
      for (int i = 0; i < units; ++i) v(i) = in.byte() < 24 ? chiso::analysis::nan : in.number();
      accepts("rank_values", [&] { rank_values(v, in.byte() % 2, static_cast<tie_rule>(in.in_range(0, 4))); });
      break;
    }
    default: {  // a whole pipeline over a random tree
      const auto rows = read_tree(in, indicators);
      accepts("pipeline", [&] {
        pipeline_spec spec;
        if (in.byte() % 2) {
          impute_options o;
          o.method = static_cast<impute_method>(in.in_range(0, 5));
          spec.impute = o;
        }
        if (in.byte() % 2) spec.screen_threshold = in.number();
        if (in.byte() % 2) spec.treat = treat_options{};
        spec.normalise = read_normalise(in);
        aggregation_spec a;
        a.method = static_cast<aggregation>(in.in_range(0, 6));
        a.topsis_norm = static_cast<topsis_normalisation>(in.in_range(0, 2));
        a.vikor_v = in.number();
        spec.aggregation = {a};
        if (in.byte() % 4 == 0) spec.weights = read_weights(in, static_cast<int>(rows.size()));
        spec.rank_ties = static_cast<tie_rule>(in.in_range(0, 4));
        pipeline_input input;
        input.data = x;
        const pipeline p(hierarchy(rows), spec);
        const pipeline_result r = p.run(input);
        const pipeline reread = pipeline::from_json(p.to_json());
        (void)reread;
        (void)r;
      });
      break;
    }
  }
  return 0;
}
