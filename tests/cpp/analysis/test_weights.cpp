// Weights against published values (each test cites its paper).
#include <doctest/doctest.h>

#include <chiso/analysis/weights.hpp>

#include "asem_fixture.hpp"

using namespace chiso::analysis;

namespace {
matrix drinks() {
  // Saaty, T. L. (2008). Decision making with the analytic hierarchy process. Int. J. Services
  // Sciences 1(1), 83–98: relative consumption of drinks in the United States.
  // Order: coffee, wine, tea, beer, sodas, milk, water.
  matrix a(7, 7);
  a << 1, 9, 5, 2, 1, 1, 0.5,
       1.0 / 9, 1, 1.0 / 3, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9,
       1.0 / 5, 3, 1, 1.0 / 3, 1.0 / 4, 1.0 / 3, 1.0 / 9,
       0.5, 9, 3, 1, 0.5, 1, 1.0 / 3,
       1, 9, 4, 2, 1, 2, 0.5,
       1, 9, 3, 1, 0.5, 1, 1.0 / 3,
       2, 9, 9, 3, 2, 3, 1;
  return a;
}
}  // namespace

TEST_CASE("AHP: Saaty's drinks example (Saaty 2008) — weights and consistency ratio") {
  const auto r = ahp(drinks());
  // Published: coffee .177, wine .019, tea .042, beer .116, sodas .190, milk .129, water .327.
  const double expected[] = {0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327};
  for (int i = 0; i < 7; ++i) CHECK(std::abs(r.weights[i] - expected[i]) < 0.0015);
  CHECK(r.ri == 1.32);
  CHECK(std::abs(r.cr - 0.022) < 0.0015);  // published CR 0.022 with Saaty's random index
  CHECK(r.consistent);
  CHECK(r.random_index_name == "saaty");
  CHECK(r.method == ahp_method::eigenvector);

  SUBCASE("power iteration agrees with the eigenvector; geometric mean is close") {
    ahp_options o;
    o.method = ahp_method::power_iteration;
    const auto p = ahp(drinks(), o);
    CHECK((p.weights - r.weights).cwiseAbs().maxCoeff() < 1e-10);
    CHECK(p.lambda_max == doctest::Approx(r.lambda_max).epsilon(1e-10));
    o.method = ahp_method::geometric_mean;
    CHECK((ahp(drinks(), o).weights - r.weights).cwiseAbs().maxCoeff() < 0.01);
  }
}

TEST_CASE("AHP: inconsistency warns or errors; bad matrices are rejected naming the cell") {
  matrix a(3, 3);
  a << 1, 9, 1.0 / 9, 1.0 / 9, 1, 9, 9, 1.0 / 9, 1;  // a > b > c > a
  const auto r = ahp(a);
  CHECK_FALSE(r.consistent);
  CHECK(r.cr > 0.1);
  CHECK(r.warning.find("consistency ratio") != std::string::npos);
  ahp_options o;
  o.on_inconsistent = inconsistency_policy::error;
  CHECK_THROWS_AS(ahp(a, o), chiso::parameter_error);
  matrix b = matrix::Ones(3, 3);
  b(0, 1) = 2;
  CHECK_THROWS_WITH_AS(ahp(b), doctest::Contains("(1, 2)"), chiso::parameter_error);
}

TEST_CASE("CRITIC: Diakoulaki, Mavrotas & Papayannakis (1995)") {
  // Matrix and expected weights as used in scikit-criteria's tests of the paper.
  matrix x(8, 3);
  x << 61, 1.08, 4.33, 20.7, 0.26, 4.34, 16.3, 1.98, 2.53, 9, 3.29, 1.65, 5.4, 2.77, 2.33, 4, 4.12, 1.21, -6.1, 3.52, 2.10,
      -34.6, 3.31, 0.98;
  const auto w = critic_weights(x);
  CHECK(w[0] == doctest::Approx(0.20222554).epsilon(1e-7));
  CHECK(w[1] == doctest::Approx(0.48090173).epsilon(1e-7));
  CHECK(w[2] == doctest::Approx(0.31687273).epsilon(1e-7));
}

TEST_CASE("entropy weights: by hand") {
  // Two criteria over 2 units: [1, 1] has maximal entropy (weight 0), [1, 3] gets all the weight.
  matrix x(2, 2);
  x << 1, 1, 1, 3;
  const auto w = entropy_weights(x);
  CHECK(w[0] == doctest::Approx(0.0));
  CHECK(w[1] == doctest::Approx(1.0));
  // p = (.25, .75): E = −(.25 ln .25 + .75 ln .75)/ln 2 = 0.811278...; checked with a third column.
  matrix y(2, 3);
  y << 1, 1, 1, 1, 3, 3;
  const auto v = entropy_weights(y);
  CHECK(v[1] == doctest::Approx(0.5));
  CHECK(v[0] == doctest::Approx(0.0));
}

TEST_CASE("PCA weights: first-component loadings of a two-block correlation structure") {
  // Columns 0 and 1 identical, column 2 independent-ish: the first component loads 1/√2 on each of
  // the first two (by hand: the correlation matrix's top eigenvector is (1, 1, ρ·…)/‖·‖).
  matrix x(6, 3);
  x << 1, 1, 0, 2, 2, 1, 3, 3, 0, 4, 4, 1, 5, 5, 0, 6, 6, 1;
  const auto r = pca_weights(x);
  // corr(x0, x2) = corr(x1, x2) = ρ; top eigenvalue of [[1,1,ρ],[1,1,ρ],[ρ,ρ,1]].
  const double rho = 0.29277002188455997;  // corr((1..6), (0,1,0,1,0,1)) = 1.5/sqrt(17.5·1.5)
  CHECK(std::abs(rho - 1.5 / std::sqrt(17.5 * 1.5)) < 1e-15);
  const double lam = (3 + std::sqrt(1 + 8 * rho * rho)) / 2;  // roots of (2−λ)(1−λ) − 2ρ² = 0
  CHECK(r.variance_share == doctest::Approx(lam / 3));
  CHECK(r.loadings[0] == doctest::Approx(r.loadings[1]));
  CHECK(r.loadings.norm() == doctest::Approx(1.0));
  CHECK(r.loadings[2] / r.loadings[0] == doctest::Approx(2 * rho / (lam - 1)));
}

TEST_CASE("hierarchical weights: local and effective weights over ASEM") {
  const auto h = asem::hierarchy();
  vector w = Eigen::Map<const vector>(h.weights().data(), h.n_nodes());
  const auto eff = effective_weights(h, w);
  CHECK(eff.head(h.n_indicators()).sum() == doctest::Approx(1.0));
  // LPI: 1/8 of Physical, Physical 1/5 of Conn, Conn 1/2 of Index.
  CHECK(eff[h.find("LPI")] == doctest::Approx(1.0 / 8 / 5 / 2));
  const auto conn = h.find("Conn");
  const vector w2 = with_children_weights(h, w, conn, vector::LinSpaced(5, 1, 5));
  CHECK(local_weights(h, w2)[h.find("P2P")] == doctest::Approx(5.0 / 15));
}

TEST_CASE("PCA weights of a matrix without columns: a chiso error, not a read through a null pointer") {
  // Found by fuzz_analysis: 5 units × 0 indicators reached Eigen's row() of an empty matrix.
  const matrix x(5, 0);
  try {
    (void)pca_weights(x);
    FAIL("no error");
  } catch (const chiso::error& e) {
    CHECK(std::string(e.id()) == "analysis.weights_shape");
  }
}
