// Decision-matrix methods: argument checks, degenerate inputs, Copeland's exact ties, VIKOR's
// compromise set, and the COINr methods added after 1.1.14's comparison (hand computations).
#include <doctest/doctest.h>

#include <chiso/analysis.hpp>
#include <functional>
#include <string>

#include "helpers.hpp"

using namespace chiso::analysis;
using namespace analysis_test;

namespace {
const double NA = chiso::analysis::nan;


matrix tzeng_huang() {
  matrix x(4, 3);
  x << 5, 8, 4, 7, 6, 8, 8, 8, 6, 7, 4, 6;
  return x;
}
}  // namespace

TEST_CASE("decision-matrix arguments: lengths, directions, weights and values are checked, naming the argument") {
  const matrix x = tzeng_huang();
  const std::vector<double> w = {0.25, 0.25, 0.5};
  // Too few directions used to be read past their end.
  CHECK(contains(error_of([&] { topsis(x, w, {1}); }), "directions has 1 entries for 3 criteria"));
  CHECK(contains(error_of([&] { vikor(x, w, {1}); }), "directions has 1 entries for 3 criteria"));
  CHECK(contains(error_of([&] { copeland(x, w, {1, 1}); }), "directions has 2 entries"));
  CHECK(contains(error_of([&] { topsis(x, w, {1, 0, -1}); }), "directions[1] is 0"));
  CHECK(contains(error_of([&] { vikor(x, w, {1, 2, -1}); }), "directions[1] is 2"));
  CHECK(contains(error_of([&] { topsis(x, {0.25, 0.25}); }), "weights has 2 entries for 3 criteria"));
  CHECK(contains(error_of([&] { topsis(x, {0.25, -0.25, 1}); }), "weights[1]"));
  CHECK(contains(error_of([&] { vikor(x, {0.25, NA, 1}); }), "weights[1]"));
  CHECK(contains(error_of([&] { copeland(x, {0, 0, 0}); }), "weights are all 0"));
  CHECK(contains(error_of([&] { vikor(x, w, {}, 1.5); }), "vikor_v must be in [0, 1]"));
  matrix bad = x;
  bad(2, 1) = NA;
  CHECK(contains(error_of([&] { topsis(bad, w); }), "row 2, criterion 1"));
  CHECK_THROWS_AS(topsis(bad, w), chiso::data_error);
  CHECK_THROWS_AS(topsis(x, w, {1}), chiso::parameter_error);
  CHECK(contains(error_of([&] { topsis(matrix(0, 3), w); }), "empty"));
}

TEST_CASE("constant criteria contribute nothing: TOPSIS closeness and VIKOR Q equal those without the criterion") {
  const matrix x = tzeng_huang();
  matrix with_constant(4, 4);
  with_constant << x, matrix::Constant(4, 1, 7.0);
  for (auto norm : {topsis_normalisation::vector, topsis_normalisation::min_max, topsis_normalisation::none}) {
    const auto a = topsis(x, {0.3, 0.4, 0.3}, {}, norm);
    const auto b = topsis(with_constant, {0.3, 0.4, 0.3, 0.5}, {}, norm);
    for (int i = 0; i < 4; ++i) CHECK(b.closeness[i] == doctest::Approx(a.closeness[i]).epsilon(1e-13));
  }
  const auto va = vikor(x, {0.3, 0.4, 0.3}, {1, -1, 1});
  const auto vb = vikor(with_constant, {0.3, 0.4, 0.3, 0.5}, {1, -1, 1, -1});
  for (int i = 0; i < 4; ++i) CHECK(vb.q[i] == doctest::Approx(va.q[i]).epsilon(1e-13));
  // Every criterion constant: every alternative ties (closeness ½, Q = 0), never NaN.
  const matrix flat = matrix::Constant(3, 2, 4.0);
  for (auto norm : {topsis_normalisation::vector, topsis_normalisation::min_max}) {
    const auto t = topsis(flat, {1, 1}, {}, norm);
    for (int i = 0; i < 3; ++i) CHECK(t.closeness[i] == 0.5);
  }
  const auto v = vikor(flat, {1, 1});
  for (int i = 0; i < 3; ++i) CHECK(v.q[i] == 0);
  CHECK(v.ranks[0] == 1);
  CHECK(v.ranks[2] == 1);
  // An all-zero criterion under vector normalisation (‖x‖ = 0) is constant too.
  matrix zero_col = x;
  zero_col.col(1).setZero();
  const auto tz = topsis(zero_col, {0.3, 0.4, 0.3});
  for (int i = 0; i < 4; ++i) CHECK(std::isfinite(tz.closeness[i]));
}

TEST_CASE("ranks in every result; VIKOR's compromise set (Opricovic & Tzeng 2004)") {
  const auto t = topsis(tzeng_huang(), {0.3, 0.4, 0.3});
  CHECK(t.ranks[0] == 3);
  CHECK(t.ranks[1] == 2);
  CHECK(t.ranks[2] == 1);
  CHECK(t.ranks[3] == 4);
  // The paper's example: Q = [1, 0, 1], DQ = 1/(3 − 1); a1 = row 1 beats row 0 by 1 ≥ ½ (C1)
  // and is also best by S (C2): the compromise is {row 1}.
  matrix x(3, 2);
  x << 1, 3000, 2, 3750, 5, 4500;
  const auto v = vikor(x, {0.5, 0.5}, {-1, 1});
  CHECK(v.acceptable_advantage);
  CHECK(v.acceptable_stability);
  REQUIRE(v.compromise.size() == 1);
  CHECK(v.compromise[0] == 1);
  CHECK(v.ranks[1] == 1);
  CHECK(v.ranks[0] == 2);
  CHECK(v.ranks[2] == 2);
  // By hand, one benefit criterion [10, 9.5, 5, 0]: S = R = Q = [0, .05, .5, 1], DQ = 1/3;
  // Q(a2) − Q(a1) = .05 < 1/3 fails C1, so the set is every a with Q < 1/3: rows 0 and 1.
  matrix y(4, 1);
  y << 10, 9.5, 5, 0;
  const auto u = vikor(y, {1});
  CHECK(u.q[1] == doctest::Approx(0.05));
  CHECK_FALSE(u.acceptable_advantage);
  CHECK(u.compromise == std::vector<std::ptrdiff_t>{0, 1});
  // Copeland ranks: highest score first.
  matrix z(3, 3);
  z << 3, 3, 1, 2, 3, 2, 1, 1, 3;
  const auto c = copeland(z, {1, 1, 1});
  CHECK(c.ranks[0] == 1);
  CHECK(c.ranks[1] == 1);
  CHECK(c.ranks[2] == 3);
}

TEST_CASE("Copeland: an exact tie scores exactly 0 where a child-by-child sum lands on ½ − 1 ulp") {
  // Six equal weights; a beats b on two criteria, ties on two, loses on two. Summing 1/6 and
  // 1/12 in order gives 0.49999999999999994 (checked below), which used to score −1.
  double naive = 0;
  for (int c = 0; c < 6; ++c) naive += c < 2 ? 1.0 / 6 : (c < 4 ? 1.0 / 12 : 0);
  CHECK(naive != 0.5);
  matrix x(2, 6);
  x << 1, 1, 0, 0, 0, 0,
       0, 0, 0, 0, 1, 1;
  const auto r = copeland(x, {1, 1, 1, 1, 1, 1});
  CHECK(r.scores[0] == 0);
  CHECK(r.scores[1] == 0);
  // The same in the tree.
  hierarchy h({row("a", 1, "I", 1), row("b", 1, "I", 1), row("c", 1, "I", 1), row("d", 1, "I", 1), row("e", 1, "I", 1),
               row("f", 1, "I", 1), row("I", 2, "", 1)});
  aggregation_spec spec;
  spec.method = aggregation::copeland;
  aggregation_plan plan(h, {spec});
  const matrix out = plan.aggregate(x, Eigen::Map<const vector>(h.weights().data(), h.n_nodes()));
  CHECK(out(0, 6) == 0);
  CHECK(out(1, 6) == 0);
  // Directions: a cost criterion reverses who wins. b beats a on the last (cost) criterion now.
  matrix y(2, 3);
  y << 2, 1, 5,
       1, 2, 3;
  const auto d = copeland(y, {1, 1, 1}, {1, 1, -1});
  CHECK(d.scores[0] == -1);  // a wins 1, loses 2
  CHECK(d.scores[1] == 1);
  CHECK(d.outranking(0, 1) == doctest::Approx(1.0 / 3));
}

TEST_CASE("generalised mean (COINr a_genmean): (Σ w x^p / Σ w)^(1/p)") {
  hierarchy h({row("a", 1, "I", 1), row("b", 1, "I", 1), row("c", 1, "I", 2), row("I", 2, "", 1)});
  aggregation_spec spec;
  spec.method = aggregation::generalised;
  spec.power = 2;
  matrix x(2, 3);
  x << 1, 2, 4,
       3, NA, 3;
  const vector w = Eigen::Map<const vector>(h.weights().data(), h.n_nodes());
  const matrix out = aggregation_plan(h, {spec}).aggregate(x, w);
  CHECK(out(0, 3) == doctest::Approx(std::sqrt((1 + 4 + 2 * 16) / 4.0)));
  CHECK(out(1, 3) == doctest::Approx(3.0));  // the missing child is dropped, as COINr does
  spec.power = -1;  // p = −1 is the harmonic mean
  const matrix harm = aggregation_plan(h, {spec}).aggregate(x, w);
  CHECK(harm(0, 3) == doctest::Approx(4.0 / (1 + 0.5 + 2 * 0.25)));
  x(0, 0) = 0;
  CHECK(contains(error_of([&] { aggregation_plan(h, {spec}).aggregate(x, w); }), "p < 0 needs values > 0"));
  spec.power = 2;  // p > 0: 0 is allowed (0² = 0), a negative value is not
  CHECK(aggregation_plan(h, {spec}).aggregate(x, w)(0, 3) == doctest::Approx(std::sqrt((0 + 4 + 2 * 16) / 4.0)));
  x(0, 0) = -1;
  CHECK(contains(error_of([&] { aggregation_plan(h, {spec}).aggregate(x, w); }), "p > 0 needs values ≥ 0"));
  spec.power = 0;
  CHECK(contains(error_of([&] { aggregation_plan p(h, {spec}); }), "p ≠ 0"));
}

TEST_CASE("normalisation: fraction_of_max, scaled, distance_to_reference (COINr n_fracmax, n_scaled, n_dist2ref)") {
  matrix x(4, 1);
  x << 2, 4, NA, 8;
  normalise_spec s;
  s.method = normalise_method::fraction_of_max;
  matrix y = normalise(x, {1}, s);
  CHECK(y(0, 0) == 0.25);
  CHECK(y(1, 0) == 0.5);
  CHECK(std::isnan(y(2, 0)));
  CHECK(y(3, 0) == 1);
  // Direction −1: COINr negates first, x' = −x, max x' = −2: x'/max = x/2.
  y = normalise(x, {-1}, s);
  CHECK(y(3, 0) == 4);
  s.method = normalise_method::scaled;
  s.lower = 0;
  s.upper = 10;  // scale_factor 100 (COINr's default)
  y = normalise(x, {1}, s);
  CHECK(y(1, 0) == doctest::Approx(40));
  s.method = normalise_method::distance_to_reference;
  s.reference = 1;  // the unit with 4
  s.cap = false;
  y = normalise(x, {1}, s);
  // 1 − (4 − x)/(4 − 2)
  CHECK(y(0, 0) == 0);
  CHECK(y(1, 0) == 1);
  CHECK(y(3, 0) == 3);
  s.cap = true;
  CHECK(normalise(x, {1}, s)(3, 0) == 1);
  s.reference = 2;  // missing
  CHECK(contains(error_of([&] { normalise(x, {1}, s, {}, {"GDP"}); }), "reference unit's value is missing"));
  s.reference = 9;
  CHECK(contains(error_of([&] { normalise(x, {1}, s); }), "reference row"));
}

TEST_CASE("normalisation of a constant or empty indicator is an error naming it, never NaN") {
  matrix x(3, 2);
  x << 1, 5, 2, 5, 3, 5;
  for (auto m : {normalise_method::min_max, normalise_method::z_score, normalise_method::distance_to_max}) {
    normalise_spec s;
    s.method = m;
    const auto msg = error_of([&] { normalise(x, {1, 1}, s, {}, {"LPI", "Flights"}); });
    CHECK(contains(msg, "'Flights'"));
    CHECK(contains(msg, "undefined for this indicator"));
    CHECK_THROWS_AS(normalise(x, {1, 1}, s), chiso::data_error);
  }
  normalise_spec t;
  t.method = normalise_method::distance_to_target;
  t.target = 5;
  CHECK(contains(error_of([&] { normalise(x, {1, 1}, t); }), "the target equals the minimum"));
  normalise_spec f;
  f.method = normalise_method::fraction_of_max;
  matrix zeros = matrix::Zero(3, 1);
  CHECK(contains(error_of([&] { normalise(zeros, {1}, f); }), "maximum is 0"));
  matrix empty = matrix::Constant(3, 1, NA);
  CHECK(contains(error_of([&] { normalise(empty, {1}, f); }), "every value is missing"));
  // Methods with a defined value on constant data keep it: ranks tie, goalposts, none.
  normalise_spec r;
  r.method = normalise_method::rank;
  CHECK(normalise(x, {1, 1}, r)(2, 1) == 1);
}

TEST_CASE("screening by zeros (COINr unit_screen = byzeros / byNAandzeros)") {
  matrix x(3, 4);
  x << 0, 0, 0, 1,     // 1 non-zero of 4: share .25
       0, NA, NA, NA,  // 0 of 1 present: share 0; availability .25
       1, 2, 3, 4;
  screen_options o;
  o.rule = screen_rule::by_zeros;
  o.nonzero_threshold = 0.3;
  auto r = screen_units(x, o);
  CHECK(r.kept == std::vector<std::ptrdiff_t>{2});
  CHECK(r.nonzero[0] == 0.25);
  CHECK(r.nonzero[1] == 0);
  o.nonzero_threshold = 0.2;
  r = screen_units(x, o);
  CHECK(r.kept == std::vector<std::ptrdiff_t>{0, 2});
  o.rule = screen_rule::by_missing_and_zeros;
  o.threshold = 0.5;
  o.nonzero_threshold = 0.05;
  r = screen_units(x, o);
  CHECK(r.kept == std::vector<std::ptrdiff_t>{0, 2});  // unit 1: availability .25 < .5 and share 0
  CHECK(screen_rule_from_string("byNAandzeros") == screen_rule::by_missing_and_zeros);
  CHECK(contains(error_of([] { screen_rule_from_string("byzero"); }), "unknown rule 'byzero'"));
}

TEST_CASE("Cronbach's alpha with missing values: pairwise-complete covariance (COINr get_cronbach)") {
  // By hand: var(a) = 5/3 (4 rows), var(b) = 7/3 (rows 0, 2, 3), cov(a, b) = 11/6 (rows 0, 2, 3);
  // ΣC = 23/3, mean off-diagonal = 11/6, α = 4 · (11/6) / (23/3) = 22/23.
  matrix x(4, 2);
  x << 1, 2, 2, NA, 3, 5, 4, 4;
  CHECK(cronbach_alpha(x) == doctest::Approx(22.0 / 23).epsilon(1e-14));
}

TEST_CASE("aggregation spec JSON: a misspelt key is an error naming it") {
  auto j = pipeline_spec{}.to_json();
  j["aggregate"] = nlohmann::json::array({{{"method", "vikor"}, {"vikor_w", 0.3}}});
  CHECK(contains(error_of([&] { pipeline_spec::from_json(j); }), "aggregate[0]: unknown key 'vikor_w'"));
  j = pipeline_spec{}.to_json();
  j["normalise"]["uper"] = 10;
  CHECK(contains(error_of([&] { pipeline_spec::from_json(j); }), "normalise: unknown key 'uper'"));
  j = pipeline_spec{}.to_json();
  j["screen"] = {{"threshold", 0.5}, {"rule", "byzeros"}, {"nonzero_threshold", 0.1}};
  const auto s = pipeline_spec::from_json(j);
  CHECK(s.screen_by == screen_rule::by_zeros);
  CHECK(pipeline_spec::from_json(s.to_json()).screen_nonzero_threshold == 0.1);
}

TEST_CASE("AHP beyond n = 15: Saaty's random index simulated, checked against published simulations") {
  // Alonso & Lamata (2006, Table 1, 500,000 matrices): RI(5) = 1.1086, RI(10) = 1.4854; Saaty's
  // table: 1.12 and 1.49.
  CHECK(std::abs(simulated_random_index(5, 4000) - 1.1086) < 0.015);
  CHECK(std::abs(simulated_random_index(10, 2000) - 1.4854) < 0.015);
  // A consistent 16 × 16 matrix (a_ij = v_i / v_j) has CR 0 and the weights v / Σv.
  const std::ptrdiff_t n = 16;
  matrix a(n, n);
  for (std::ptrdiff_t i = 0; i < n; ++i)
    for (std::ptrdiff_t j = 0; j < n; ++j) a(i, j) = static_cast<double>(i + 1) / static_cast<double>(j + 1);
  const auto r = ahp(a);
  CHECK(r.random_index_name == "simulated");
  CHECK(r.ri > 1.55);
  CHECK(r.ri < 1.65);
  CHECK(std::abs(r.cr) < 1e-10);
  CHECK(r.weights[15] == doctest::Approx(16.0 / 136));
  ahp_options short_table;
  short_table.random_index = {0, 0, 0.58};
  short_table.random_index_name = "mine";
  CHECK(contains(error_of([&] { ahp(a, short_table); }), "table 'mine' has no entry for n = 16"));
  // The reciprocal tolerance: 0.33 for 1/3.
  matrix b(3, 3);
  b << 1, 3, 5, 0.33, 1, 2, 0.2, 0.5, 1;
  CHECK(contains(error_of([&] { ahp(b); }), "not the reciprocal"));
  ahp_options loose;
  loose.reciprocal_tolerance = 0.02;
  CHECK(ahp(b, loose).weights.sum() == doctest::Approx(1));
}

TEST_CASE("MEREC weights: Keshavarz-Ghorabaee et al. (2021), Symmetry 13(4) 525, worked example") {
  matrix x(5, 4);
  x << 450, 8000, 54, 145,
       10, 9100, 2, 160,
       100, 8200, 31, 153,
       220, 9300, 1, 162,
       5, 8400, 23, 158;
  const vector w = merec_weights(x, {1, 1, -1, -1});
  const double expected[] = {0.5752, 0.0141, 0.4016, 0.0091};
  for (int j = 0; j < 4; ++j) CHECK(std::abs(w[j] - expected[j]) < 5e-5);
  // A constant criterion carries no information: weight 0, the others unchanged.
  matrix y(5, 5);
  y << x, matrix::Constant(5, 1, 3.0);
  const vector wy = merec_weights(y, {1, 1, -1, -1, 1});
  CHECK(wy[4] == 0);
  x(1, 2) = 0;
  CHECK(contains(error_of([&] { merec_weights(x, {1, 1, -1, -1}); }), "needs positive values (row 1, criterion 2"));
}

TEST_CASE("WASPAS, weighted sum and weighted product by hand") {
  // r = x/max (benefit), min/x (cost): column 1 [1, .5], column 2 (cost) [1, .5] for x (2, 1) / (1, 2)
  matrix x(2, 2);
  x << 4, 1,
       2, 2;
  const auto r = waspas(x, {3, 1}, {1, -1}, 0.5);
  // unit 0: r = (1, 1): WSM 1, WPM 1; unit 1: r = (.5, .5): WSM .5, WPM .5^(.75) .5^(.25) = .5
  CHECK(r.wsm[0] == doctest::Approx(1));
  CHECK(r.wsm[1] == doctest::Approx(0.5));
  CHECK(r.wpm[1] == doctest::Approx(0.5));
  CHECK(r.ranks[0] == 1);
  matrix z(2, 2);
  z << 4, 2,
       1, 4;  // benefit both: r = (1, .5), (.25, 1); w = (.5, .5)
  const auto s = waspas(z, {1, 1}, {}, 1.0);
  CHECK(s.q[0] == doctest::Approx(0.75));
  CHECK(s.q[1] == doctest::Approx(0.625));
  const auto p = waspas(z, {1, 1}, {}, 0.0);
  CHECK(p.q[0] == doctest::Approx(std::sqrt(0.5)));
  CHECK(p.q[1] == doctest::Approx(0.5));
  CHECK(contains(error_of([&] { waspas(z, {1, 1}, {}, 2); }), "lambda must be in [0, 1]"));
}

TEST_CASE("standard-deviation and Gini weights by hand") {
  matrix x(3, 2);
  x << 1, 10,
       2, 10,
       3, 40;
  // sd ∝ (1, √300 = 17.3205): w = (1, 17.3205) / 18.3205
  const vector s = std_weights(x);
  CHECK(s[0] == doctest::Approx(1 / (1 + std::sqrt(300.0))));
  // Gini: G1 = Σ|xi − xk| / (2·9·2) = 8 / 36; G2 = 120 / (2·9·20) = 1/3
  const vector g = gini_weights(x);
  CHECK(g[0] == doctest::Approx((8.0 / 36) / (8.0 / 36 + 1.0 / 3)));
  CHECK(contains(error_of([] { std_weights(matrix::Constant(3, 2, 1.0)); }), "every criterion is constant"));
}

TEST_CASE("rank similarity: r_w (Pinto da Costa & Soares 2005) and WS (Sałabun & Urbaniak 2020) by hand") {
  vector a(5), b(5), c(5);
  a << 1, 2, 3, 4, 5;
  b << 2, 1, 3, 4, 5;  // the top two swapped
  c << 1, 2, 3, 5, 4;  // the bottom two swapped
  CHECK(weighted_spearman(a, a) == 1);
  CHECK(ws_similarity(a, a) == 1);
  // r_w: 1 − 6 · [1 · (5 + 4) + 1 · (4 + 5)] / (625 + 125 − 25 − 5) = 1 − 108/720
  CHECK(weighted_spearman(a, b) == doctest::Approx(1 - 108.0 / 720));
  // bottom swap: 1 − 6 · [1 · (2 + 1) + 1 · (1 + 2)] / 720 = 1 − 36/720: less penalised
  CHECK(weighted_spearman(a, c) == doctest::Approx(1 - 36.0 / 720));
  // WS: 1 − [2^−1 · 1/4 + 2^−2 · 1/3] = 1 − (1/8 + 1/12)
  CHECK(ws_similarity(a, b) == doctest::Approx(1 - (1.0 / 8 + 1.0 / 12)));
  CHECK(ws_similarity(a, c) == doctest::Approx(1 - (std::pow(2.0, -4) / 3 + std::pow(2.0, -5) / 4)));
  vector short_rank(3);
  short_rank << 1, 2, 3;
  CHECK(contains(error_of([&] { weighted_spearman(a, short_rank); }), "same n"));
}

TEST_CASE("screening data without indicator columns: a chiso error, not a read through a null pointer") {
  // Found by fuzz_analysis: 5 units × 0 indicators reached Eigen's row() of an empty matrix.
  const matrix x(5, 0);
  CHECK(contains(error_of([&] { (void)screen_units(x, 0.5); }), "[chiso.analysis.screen_shape]"));
}
