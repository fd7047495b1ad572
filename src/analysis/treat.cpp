#include "chiso/analysis/treat.hpp"

#include <algorithm>
#include <cmath>

namespace chiso::analysis {

const char* to_string(treatment t) {
  switch (t) {
    case treatment::none: return "none";
    case treatment::winsorised: return "winsorised";
    case treatment::log_transformed: return "log_transformed";
  }
  return "?";
}

namespace {
// Centred moments sums as e1071 / COINr's skew() and kurt(): x <- x - mean(x).
struct moments {
  std::ptrdiff_t n = 0;
  long double s2 = 0, s3 = 0, s4 = 0;
};
moments moments_of(const double* x, std::ptrdiff_t n) {
  std::vector<double> v = detail::present(x, n);
  moments m;
  m.n = static_cast<std::ptrdiff_t>(v.size());
  if (m.n == 0) return m;
  const double mu = detail::r_mean(v.data(), m.n);
  for (double xi : v) {
    const double d = xi - mu, d2 = d * d;
    m.s2 += d2;
    m.s3 += d2 * d;
    m.s4 += d2 * d2;
  }
  return m;
}
double skew_of(const moments& m) {
  const double n = static_cast<double>(m.n);
  const double s2 = static_cast<double>(m.s2), s3 = static_cast<double>(m.s3);
  double y = std::sqrt(n) * s3 / std::pow(s2, 1.5);
  return y * std::sqrt(n * (n - 1)) / (n - 2);
}
double kurt_of(const moments& m) {
  const double n = static_cast<double>(m.n);
  const double s2 = static_cast<double>(m.s2), s4 = static_cast<double>(m.s4);
  const double r = n * s4 / (s2 * s2);
  return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3));
}
// COINr check_SkewKurt: pass = |skew| < t_s OR kurt < t_k; NaN (zero variance) counts as NA.
struct check { double skew, kurt; bool na, pass; };
check check_of(const double* x, std::ptrdiff_t n, const treat_options& o) {
  const moments m = moments_of(x, n);
  check c{skew_of(m), kurt_of(m), false, false};
  const bool a = std::abs(c.skew) < o.skew_threshold, b = c.kurt < o.kurt_threshold;
  // R: NA | TRUE is TRUE; NA | FALSE is NA.
  if (a || b) c.pass = true;
  else if (std::isnan(c.skew) || std::isnan(c.kurt)) c.na = true;
  return c;
}
}  // namespace

double skewness(const double* x, std::ptrdiff_t n) {
  const moments m = moments_of(x, n);
  return m.n < 3 ? nan : skew_of(m);
}
double kurtosis(const double* x, std::ptrdiff_t n) {
  const moments m = moments_of(x, n);
  return m.n < 4 ? nan : kurt_of(m);
}

indicator_treatment treat_column(double* x, std::ptrdiff_t n, std::ptrdiff_t indicator, const treat_options& o,
                                 std::vector<treated_point>* points, const std::string& code) {
  indicator_treatment t;
  t.indicator = indicator;
  std::ptrdiff_t present = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i) present += std::isnan(x[i]) ? 0 : 1;
  if (present < 4)
    throw data_error("analysis.treat_too_few", "", code.empty() ? std::to_string(indicator) : code,
                     "treat: skewness and kurtosis need at least 4 present values (" + std::to_string(present) + " here)");
  const check c0 = check_of(x, n, o);
  t.skew_before = t.skew_after = c0.skew;
  t.kurt_before = t.kurt_after = c0.kurt;
  if (c0.pass || c0.na) {  // COINr returns an NA check untreated
    t.passes_after = c0.pass;
    return t;
  }
  std::vector<double> original(x, x + n), w(x, x + n);
  // Winsorisation (COINr winsorise()): imax / imin hold the positions set by the latest step on
  // each side; since a winsorised point equals the next max, they grow to cover every point
  // treated on that side, and nwin = |imax| + |imin|.
  std::vector<std::ptrdiff_t> imax, imin;
  int nwin = 0;
  bool passing = false;
  auto below = [&] { return o.winmax < 0 || nwin < o.winmax; };
  while (!passing && below()) {
    const bool high = skewness(w.data(), n) >= 0;
    double ext = high ? -INFINITY : INFINITY;
    for (std::ptrdiff_t i = 0; i < n; ++i)
      if (!std::isnan(w[static_cast<std::size_t>(i)])) ext = high ? std::max(ext, w[static_cast<std::size_t>(i)]) : std::min(ext, w[static_cast<std::size_t>(i)]);
    auto& idx = high ? imax : imin;
    idx.clear();
    double next = high ? -INFINITY : INFINITY;
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const double v = w[static_cast<std::size_t>(i)];
      if (std::isnan(v)) continue;
      if (v == ext) idx.push_back(i);
      else next = high ? std::max(next, v) : std::min(next, v);
    }
    for (auto i : idx) w[static_cast<std::size_t>(i)] = next;
    nwin = static_cast<int>(imax.size() + imin.size());
    const check c = check_of(w.data(), n, o);
    passing = c.pass || c.na;
  }
  const check c1 = check_of(w.data(), n, o);
  t.n_winsorised = nwin;
  if (c1.na) {  // COINr: an NA check after treatment returns the vector untreated
    t.passes_after = false;
    return t;
  }
  if (c1.pass || !o.log_fallback) {
    std::copy(w.begin(), w.end(), x);
    t.applied = nwin > 0 ? treatment::winsorised : treatment::none;
    t.skew_after = c1.skew;
    t.kurt_after = c1.kurt;
    t.passes_after = c1.pass;
    if (points) {
      for (auto i : imax) points->push_back({i, indicator, original[static_cast<std::size_t>(i)], w[static_cast<std::size_t>(i)], "winhi"});
      for (auto i : imin) points->push_back({i, indicator, original[static_cast<std::size_t>(i)], w[static_cast<std::size_t>(i)], "winlo"});
    }
    return t;
  }
  // log_CT on the original values (combine_treat = FALSE).
  double mn = INFINITY, mx = -INFINITY;
  for (double v : original)
    if (!std::isnan(v)) { mn = std::min(mn, v); mx = std::max(mx, v); }
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const double v = original[static_cast<std::size_t>(i)];
    x[i] = std::log(v - mn + 0.01 * (mx - mn));
    if (points && !std::isnan(v)) points->push_back({i, indicator, v, x[i], "log_CT"});
  }
  const check c2 = check_of(x, n, o);
  t.applied = treatment::log_transformed;
  t.n_winsorised = 0;
  t.skew_after = c2.skew;
  t.kurt_after = c2.kurt;
  t.passes_after = c2.pass;
  return t;
}

treat_result treat(const matrix_ref& x, const treat_options& o, const std::vector<std::string>& codes) {
  treat_result out{matrix(x), {}, {}, o};
  for (std::ptrdiff_t j = 0; j < x.cols(); ++j) {
    const std::string code = static_cast<std::size_t>(j) < codes.size() ? codes[static_cast<std::size_t>(j)] : std::string();
    out.indicators.push_back(treat_column(out.data.col(j).data(), x.rows(), j, o, &out.points, code));
  }
  return out;
}

}  // namespace chiso::analysis
