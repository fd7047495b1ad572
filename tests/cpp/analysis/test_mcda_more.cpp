// PROMETHEE II, EDAS, MABAC, SPOTIS, R's Nelder–Mead and COINr's weight optimisation: published
// worked examples and hand computations (expected values never come from chiso's output).
#include <doctest/doctest.h>

#include <chiso/analysis.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "helpers.hpp"

using namespace chiso::analysis;
using namespace analysis_test;

namespace {
vector one_criterion_flows(preference_function f, double q, double p, double s, int direction = 1) {
  matrix x(3, 1);
  x << 0, 1, 3;
  promethee_options o;
  o.functions = {f};
  o.q = {q}; o.p = {p}; o.s = {s};
  return promethee_ii(x, {1}, {direction}, o).net_flow;
}
}  // namespace

TEST_CASE("PROMETHEE II, usual criterion: the example of pymcdm 1.4's PROMETHEE_II, by hand") {
  // π(a1,a2) = .5 + .3 = .8, π(a2,a1) = .2, π(a1,a3) = .3, π(a3,a1) = .7, π(a2,a3) = .3 + .2 = .5,
  // π(a3,a2) = .5: φ⁺ = (.55, .35, .6), φ⁻ = (.45, .65, .4), φ = (.1, −.3, .2).
  matrix x(3, 3);
  x << 4, 3, 2,
       3, 2, 4,
       5, 1, 3;
  const auto r = promethee_ii(x, {0.5, 0.3, 0.2});
  const double phi[] = {0.1, -0.3, 0.2}, plus[] = {0.55, 0.35, 0.6};
  for (int i = 0; i < 3; ++i) {
    CHECK(r.net_flow[i] == doctest::Approx(phi[i]).epsilon(1e-14));
    CHECK(r.positive_flow[i] == doctest::Approx(plus[i]).epsilon(1e-14));
  }
  CHECK(r.preference(0, 1) == doctest::Approx(0.8));
  CHECK(r.ranks[2] == 1);
  CHECK(r.ranks[0] == 2);
  CHECK(r.ranks[1] == 3);
  // Relative weights: ×10 changes nothing.
  CHECK(promethee_ii(x, {5, 3, 2}).net_flow[0] == doctest::Approx(0.1).epsilon(1e-14));
}

TEST_CASE("PROMETHEE II preference functions (Brans & Vincke 1985 types II–VI) on one criterion, by hand") {
  // x = (0, 1, 3): the positive differences are d(a2,a1) = 1, d(a3,a1) = 3, d(a3,a2) = 2, and
  // φ(a) = (Σ_b P(d(a,b)) − Σ_b P(d(b,a))) / 2.
  auto check = [](const vector& got, double a, double b, double c) {
    CHECK(got[0] == doctest::Approx(a).epsilon(1e-14));
    CHECK(got[1] == doctest::Approx(b).epsilon(1e-14));
    CHECK(got[2] == doctest::Approx(c).epsilon(1e-14));
  };
  check(one_criterion_flows(preference_function::u_shape, 1.5, 0, 0), -0.5, -0.5, 1);         // P = 0, 1, 1
  check(one_criterion_flows(preference_function::v_shape, 0, 2, 0), -0.75, -0.25, 1);         // P = .5, 1, 1
  check(one_criterion_flows(preference_function::level, 1, 2.5, 0), -0.5, -0.25, 0.75);       // P = 0, 1, .5
  check(one_criterion_flows(preference_function::linear, 0.5, 3, 0), -0.6, -0.2, 0.8);        // P = .2, 1, .6
  const double g1 = 1 - std::exp(-0.5), g2 = 1 - std::exp(-2.0), g3 = 1 - std::exp(-4.5);  // s = 1
  check(one_criterion_flows(preference_function::gaussian, 0, 0, 1), -(g1 + g3) / 2, (g1 - g2) / 2, (g3 + g2) / 2);
  // A cost criterion reverses every difference.
  check(one_criterion_flows(preference_function::usual, 0, 0, 0, -1), 1, 0, -1);
  CHECK(preference_function_from_string("vshape_2") == preference_function::linear);
  // Parameters a function needs are checked, naming the criterion.
  matrix x(3, 2);
  x << 0, 1, 1, 2, 3, 2;
  promethee_options o;
  o.functions = {preference_function::usual, preference_function::v_shape};
  CHECK(contains(error_of([&] { promethee_ii(x, {1, 1}, {}, o); }), "criterion 1 uses 'v_shape', which needs p"));
  o.p = {chiso::analysis::nan, 0};
  CHECK(contains(error_of([&] { promethee_ii(x, {1, 1}, {}, o); }), "criterion 1 ('v_shape'): p must be > 0"));
  o.p = {chiso::analysis::nan, 2};  // criterion 0 (usual) does not read p
  CHECK(promethee_ii(x, {1, 1}, {}, o).net_flow.allFinite());
  o.functions = {preference_function::level};
  o.q = {1, 2};
  o.p = {2, 2};
  CHECK(contains(error_of([&] { promethee_ii(x, {1, 1}, {}, o); }), "criterion 1 ('level'): needs 0 ≤ q < p"));
  o.functions = {preference_function::usual, preference_function::usual, preference_function::usual};
  CHECK(contains(error_of([&] { promethee_ii(x, {1, 1}, {}, o); }), "functions has 3 entries for 2 criteria"));
  CHECK(contains(error_of([] { preference_function_from_string("gauss"); }), "unknown preference function 'gauss'"));
  CHECK(contains(error_of([&] { promethee_ii(x, {1, 1}, {1}); }), "directions has 1 entries for 2 criteria"));
  // One alternative: every flow is 0.
  matrix single(1, 2);
  single << 1, 2;
  CHECK(promethee_ii(single, {1, 1}).net_flow[0] == 0);
}

TEST_CASE("EDAS: the example of Keshavarz Ghorabaee et al. (2015), Informatica 26(3), as in pymcdm 1.4, and by hand") {
  // pymcdm's EDAS docstring (citing the paper): AS = (0.841, 0.632, 0.883, 0.457, 0.104).
  matrix x(5, 8);
  x << 3873, 39.55, 0.27, 0.87, 150, 0.07, 12, 2130,
       5067, 67.26, 0.23, 0.23, 40, 0.02, 21, 2200,
       2213, 24.69, 0.08, 0.17, 200, 0.04, 35, 570,
       6243, 132, 0.07, 0.25, 100, 0.04, 16, 100,
       8312, 460.47, 0.05, 0.21, 25, 0.1, 25, 200;
  const auto r = edas(x, {0.131, 0.113, 0.126, 0.125, 0.126, 0.129, 0.132, 0.117}, {-1, -1, -1, 1, 1, -1, 1, 1});
  const double as[] = {0.841, 0.632, 0.883, 0.457, 0.104};
  for (int i = 0; i < 5; ++i) CHECK(std::abs(r.score[i] - as[i]) < 5e-4);
  CHECK(r.ranks[2] == 1);
  CHECK(r.ranks[4] == 5);
  // By hand, x = (1, 2, 3): AV 2, PDA (0, 0, .5), NDA (.5, 0, 0): NSP (0, 0, 1), NSN (0, 1, 1).
  matrix y(3, 2);
  y << 1, 7, 2, 7, 3, 7;  // the constant second criterion changes nothing
  const auto h = edas(y, {1, 1});
  CHECK(h.score[0] == 0);
  CHECK(h.score[1] == 0.5);
  CHECK(h.score[2] == 1);
  const auto flat = edas(matrix::Constant(3, 2, 4.0), {1, 1});  // nobody above or below average
  CHECK(flat.score[0] == 0.5);
  CHECK(flat.ranks[2] == 1);
  matrix z(2, 2);
  z << 1, -1, 2, 1;
  CHECK(contains(error_of([&] { edas(z, {1, 1}); }), "criterion 1 has average 0"));
}

TEST_CASE("MABAC: Pamučar & Ćirović (2015), Expert Syst. Appl. 42(6), forklift example") {
  // The paper's seven forklifts × ten criteria and weights; its S = (0.0826, 0.2183, −0.0488,
  // 0.0246, −0.0704, 0.0465, 0.0464), ranking A2 > A1 > A6 > A7 > A4 > A3 > A5 (as in pymcdm 1.4).
  matrix x(7, 10);
  x << 22600, 3800, 2, 5, 1.06, 3.00, 3.5, 2.8, 24.5, 6.5,
       19500, 4200, 3, 2, 0.95, 3.00, 3.4, 2.2, 24, 7.0,
       21700, 4000, 1, 3, 1.25, 3.20, 3.3, 2.5, 24.5, 7.3,
       20600, 3800, 2, 5, 1.05, 3.25, 3.2, 2.0, 22.5, 11.0,
       22500, 3800, 4, 3, 1.35, 3.20, 3.7, 2.1, 23, 6.3,
       23250, 4210, 3, 5, 1.45, 3.60, 3.5, 2.8, 23.5, 7.0,
       20300, 3850, 2, 5, 0.90, 3.25, 3.0, 2.6, 21.5, 6.0;
  const std::vector<double> w = {0.146, 0.144, 0.119, 0.121, 0.115, 0.101, 0.088, 0.068, 0.050, 0.048};
  const auto r = mabac(x, w, {-1, 1, 1, 1, -1, -1, 1, 1, 1, 1});
  const double s[] = {0.0826, 0.2183, -0.0488, 0.0246, -0.0704, 0.0465, 0.0464};
  const double rank[] = {2, 1, 6, 5, 7, 3, 4};
  for (int i = 0; i < 7; ++i) {
    CHECK(std::abs(r.score[i] - s[i]) < 5e-5);
    CHECK(r.ranks[i] == rank[i]);
  }
  // By hand: x = (0, 1), w = 1: t = (0, 1), v = (1, 2), g = √2, S = (1 − √2, 2 − √2); a constant
  // criterion adds 0.
  matrix y(2, 2);
  y << 0, 5, 1, 5;
  const auto h = mabac(y, {1, 1});
  CHECK(h.score[0] == doctest::Approx(0.5 - std::sqrt(0.5)).epsilon(1e-14));  // weights rescaled to .5
  CHECK(h.score[1] == doctest::Approx(1 - std::sqrt(0.5)).epsilon(1e-14));
  CHECK(h.border[1] == 0.5);
}

TEST_CASE("SPOTIS: Dezert et al. (2020), FUSION, numerical example; bounds checked naming the criterion") {
  // The paper's example (as in pymcdm 1.4): d = (0.1989, 0.3705, 0.3063, 0.7491). Row 1 by hand:
  // .2·|10.5 − 12|/17 + .3·|−3.1 + 6|/16 + .5·|1.7 − 5|/13 = 0.198945...
  matrix x(4, 3);
  x << 10.5, -3.1, 1.7,
       -4.7, 0, 3.4,
       8.1, 0.3, 1.3,
       3.2, 7.3, -5.3;
  const auto r = spotis(x, {0.2, 0.3, 0.5}, {1, -1, 1}, {-5, -6, -8}, {12, 10, 5});
  const double d[] = {0.1989, 0.3705, 0.3063, 0.7491};
  for (int i = 0; i < 4; ++i) CHECK(std::abs(r.score[i] - d[i]) < 5e-5);
  CHECK(r.score[0] == doctest::Approx(0.2 * 1.5 / 17 + 0.3 * 2.9 / 16 + 0.5 * 3.3 / 13).epsilon(1e-14));
  CHECK(r.ranks[0] == 1);
  CHECK(r.ranks[3] == 4);
  const auto msg = error_of([&] { spotis(x, {0.2, 0.3, 0.5}, {1, -1, 1}, {-5, -6, -8}, {12, 7, 5}); });
  CHECK(contains(msg, "row 3 has 7.300000 on criterion 1, outside its bounds"));
  CHECK_THROWS_AS(spotis(x, {0.2, 0.3, 0.5}, {1, -1, 1}, {-5, -6, -8}, {12, 7, 5}), chiso::data_error);
  CHECK(contains(error_of([&] { spotis(x, {0.2, 0.3, 0.5}, {}, {-5, 10, -8}, {12, 10, 5}); }), "bounds of criterion 1"));
  CHECK(contains(error_of([&] { spotis(x, {0.2, 0.3, 0.5}, {}, {-5, -6}, {12, 10}); }), "one pair per criterion"));
}

TEST_CASE("Nelder–Mead retraces R's optim: the Rosenbrock example of ?optim") {
  // optim(c(-1.2, 1), fr) in R prints $par 1.000260 1.000506, $value 8.825241e-08 and 195
  // function evaluations (?optim's example; R-help, "Optim Bug/Help?", B. Bolker, 22 Oct 2008).
  const auto fr = [](const vector& x) { return 100 * std::pow(x[1] - x[0] * x[0], 2) + std::pow(1 - x[0], 2); };
  vector start(2);
  start << -1.2, 1;
  const auto r = nelder_mead(fr, start);
  CHECK(std::abs(r.x[0] - 1.000260) < 5e-7);
  CHECK(std::abs(r.x[1] - 1.000506) < 5e-7);
  CHECK(std::abs(r.value - 8.825241e-08) < 5e-15);
  CHECK(r.evaluations == 195);
  CHECK(r.convergence == 0);
  nelder_mead_options few;
  few.max_evaluations = 20;
  CHECK(nelder_mead(fr, start, few).convergence == 1);
}

TEST_CASE("weight optimisation (COINr get_opt_weights): equal correlations with the index, by hand") {
  // a ⟂ b (Σ ab = 0, both mean 0), sd(b) = 2 sd(a); I = w_a a + w_b b (arithmetic mean), so
  // corr(a, I) ∝ w_a, corr(b, I) ∝ 2 w_b: equal at w = (2/3, 1/3); target importances (1, 2)
  // at w = (1/2, 1/2).
  hierarchy h({row("a", 1, "I", 1), row("b", 1, "I", 1), row("I", 2, "", 1)});
  aggregation_plan plan(h);
  matrix x(4, 2);
  x << 1, 2, -1, 2, 1, -2, -1, -2;
  const vector w = vector::Ones(3);
  opt_weights_options tight;
  tight.tolerance = 1e-12;
  const auto r = optimise_weights(h, plan, x, w, 1, tight);
  CHECK(std::abs(r.level_weights[0] - 2.0 / 3) < 1e-6);
  CHECK(std::abs(r.obtained[0] - 0.5) < 1e-6);
  CHECK(r.weights[0] == r.level_weights[0]);
  CHECK(r.weights[2] == 1);
  tight.targets = {1, 2};
  const auto t = optimise_weights(h, plan, x, w, 1, tight);
  CHECK(std::abs(t.level_weights[0] - 0.5) < 1e-6);
  CHECK(std::abs(t.obtained[1] - 2.0 / 3) < 1e-6);
  CHECK(t.desired[1] == doctest::Approx(2.0 / 3));
  // COINr's defaults (tolerance 0.1, 500 evaluations): the correlations agree to a few 1e-2
  // (the stopping rule is relative to |log(initial squared error)|) and improve on the start.
  const auto d = optimise_weights(h, plan, x, w, 1);
  CHECK(d.convergence == 0);
  CHECK(std::abs(d.obtained[0] - 0.5) < 0.05);
  CHECK(std::abs(d.obtained[0] - 0.5) < 1.0 / 6);  // the start: c / Σc = (1/3, 2/3)
  // infomax: −Σ c. Σ c = (w_a + 2 w_b)/√(w_a² + 4 w_b²) = (u₁ + u₂)/‖u‖ with u = (w_a, 2 w_b),
  // at most √2 (Cauchy–Schwarz), reached at u₁ = u₂: w = (2/3, 1/3) again.
  opt_weights_options info;
  info.goal = opt_weights_goal::infomax;
  info.tolerance = 1e-12;
  const auto m = optimise_weights(h, plan, x, w, 1, info);
  CHECK(m.obtained.sum() == doctest::Approx(std::sqrt(2.0)).epsilon(1e-10));
  CHECK(std::abs(m.level_weights[0] - 2.0 / 3) < 1e-4);
  CHECK(std::isnan(m.desired[0]));
  CHECK(contains(error_of([&] { optimise_weights(h, plan, x, w, 2); }), "level 2 has no nodes below the index"));
  opt_weights_options bad;
  bad.targets = {1};
  CHECK(contains(error_of([&] { optimise_weights(h, plan, x, w, 1, bad); }), "targets has 1 entries for the 2 nodes at level 1"));
  matrix flat = x;
  flat.col(0).setConstant(1);
  CHECK(contains(error_of([&] { optimise_weights(h, plan, flat, w, 1); }), "undefined at the start"));
}

TEST_CASE("AHP random index: Saaty (1980), The Analytic Hierarchy Process, n = 1..15") {
  const std::vector<double> saaty_1980 = {0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59};
  CHECK(saaty_random_index() == saaty_1980);
  // CR = CI / RI(3) = CI / 0.58 for a 3 × 3 matrix.
  matrix a(3, 3);
  a << 1, 2, 6, 0.5, 1, 2, 1.0 / 6, 0.5, 1;
  const auto r = ahp(a);
  CHECK(r.ri == 0.58);
  CHECK(r.cr == doctest::Approx(r.ci / 0.58));
}

TEST_CASE("the new errors carry their catalogue ids") {
  matrix x(3, 2);
  x << 0, 1, 1, 2, 3, 2;
  promethee_options o;
  o.functions = {preference_function::gaussian};
  CHECK(contains(error_of([&] { promethee_ii(x, {1, 1}, {}, o); }), "[chiso.analysis.promethee_parameter]"));
  CHECK(contains(error_of([] { preference_function_from_string("x"); }), "[chiso.analysis.promethee_functions]"));
  CHECK(contains(error_of([&] { spotis(x, {1, 1}, {}, {0, 0}, {1, 5}); }), "[chiso.analysis.spotis_outside]"));
  CHECK(contains(error_of([&] { spotis(x, {1, 1}, {}, {0, 5}, {5, 5}); }), "[chiso.analysis.spotis_bounds]"));
  const auto inf = [](const vector&) { return std::numeric_limits<double>::infinity(); };
  CHECK(contains(error_of([&] { nelder_mead(inf, vector::Zero(2)); }), "[chiso.analysis.nelder_mead]"));
  hierarchy h({row("a", 1, "I", 1), row("b", 1, "I", 1), row("I", 2, "", 1)});
  aggregation_plan plan(h);
  matrix y(4, 2);
  y << 1, 2, -1, 2, 1, -2, -1, -2;
  const vector w = vector::Ones(3);
  CHECK(contains(error_of([&] { optimise_weights(h, plan, y, w, 2); }), "[chiso.analysis.opt_weights_level]"));
  opt_weights_options bad;
  bad.targets = {1, -1};
  CHECK(contains(error_of([&] { optimise_weights(h, plan, y, w, 1, bad); }), "[chiso.analysis.opt_weights_targets]"));
  bad.targets = {};
  bad.tolerance = 0;
  CHECK(contains(error_of([&] { optimise_weights(h, plan, y, w, 1, bad); }), "[chiso.analysis.opt_weights_parameter]"));
  CHECK(contains(error_of([] { opt_weights_goal_from_string("most"); }), "[chiso.analysis.opt_weights_goal]"));
  matrix flat = y;
  flat.col(1).setConstant(3);
  CHECK(contains(error_of([&] { optimise_weights(h, plan, flat, w, 1); }), "[chiso.analysis.opt_weights_correlation]"));
}
