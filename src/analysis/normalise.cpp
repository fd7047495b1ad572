#include "chiso/analysis/normalise.hpp"

#include <algorithm>
#include <cmath>

namespace chiso::analysis {

const char* to_string(normalise_method m) {
  switch (m) {
    case normalise_method::min_max: return "min_max";
    case normalise_method::z_score: return "z_score";
    case normalise_method::goalposts: return "goalposts";
    case normalise_method::rank: return "rank";
    case normalise_method::percentile_rank: return "percentile_rank";
    case normalise_method::borda: return "borda";
    case normalise_method::distance_to_max: return "distance_to_max";
    case normalise_method::distance_to_target: return "distance_to_target";
    case normalise_method::ratio_to_mean: return "ratio_to_mean";
    case normalise_method::fraction_of_max: return "fraction_of_max";
    case normalise_method::scaled: return "scaled";
    case normalise_method::distance_to_reference: return "distance_to_reference";
    case normalise_method::none: return "none";
  }
  return "?";
}
normalise_method normalise_method_from_string(const std::string& s) {
  for (auto m : {normalise_method::min_max, normalise_method::z_score, normalise_method::goalposts, normalise_method::rank,
                 normalise_method::percentile_rank, normalise_method::borda, normalise_method::distance_to_max,
                 normalise_method::distance_to_target, normalise_method::ratio_to_mean, normalise_method::fraction_of_max, normalise_method::scaled,
                 normalise_method::distance_to_reference, normalise_method::none})
    if (s == to_string(m)) return m;
  throw parameter_error("analysis.normalise_method",
                        "normalise: unknown method '" + s + "' (min_max, z_score, goalposts, rank, percentile_rank, borda, "
                        "distance_to_max, distance_to_target, ratio_to_mean, fraction_of_max, scaled, "
                        "distance_to_reference, none)");
}

namespace {
[[noreturn]] void degenerate(const std::string& indicator, const normalise_spec& s, const std::string& why) {
  throw data_error("analysis.normalise_degenerate", "", indicator,
                   std::string("normalise: ") + to_string(s.method) + " is undefined for this indicator: " + why);
}
}  // namespace

void normalise_column(const double* in, double* out, std::ptrdiff_t n, int d, const normalise_spec& s,
                      const std::string& indicator) {
  if (d != 1 && d != -1) throw parameter_error("analysis.direction", "normalise: direction must be 1 or -1");
  double mn = INFINITY, mx = -INFINITY;
  std::ptrdiff_t present = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i)
    if (!std::isnan(in[i])) { mn = std::min(mn, d * in[i]); mx = std::max(mx, d * in[i]); ++present; }
  if (s.method != normalise_method::none && present == 0) degenerate(indicator, s, "every value is missing");
  const bool range_needed = s.method == normalise_method::min_max || s.method == normalise_method::distance_to_max;
  if (range_needed && !(mx > mn)) degenerate(indicator, s, "every present value is " + std::to_string(d * mn) + " (zero range)");
  if ((s.method == normalise_method::z_score || s.method == normalise_method::percentile_rank) && present < 2)
    degenerate(indicator, s, "it needs at least 2 present values");
  if ((s.method == normalise_method::min_max || s.method == normalise_method::scaled) && s.lower == s.upper)
    throw parameter_error("analysis.normalise_bounds", "normalise: lower and upper must differ (both " + std::to_string(s.lower) + ")");
  if (s.method == normalise_method::goalposts && s.goal_low == s.goal_high)
    throw parameter_error("analysis.normalise_bounds", "normalise: goal_low and goal_high must differ (both " + std::to_string(s.goal_low) + ")");
  switch (s.method) {
    case normalise_method::min_max:
      for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = (d * in[i] - mn) / (mx - mn) * (s.upper - s.lower) + s.lower;
      break;
    case normalise_method::z_score: {
      std::vector<double> v;
      for (std::ptrdiff_t i = 0; i < n; ++i)
        if (!std::isnan(in[i])) v.push_back(d * in[i]);
      const double mu = detail::r_mean(v.data(), present);
      long double ss = 0;
      for (double xi : v) ss += (xi - mu) * (xi - mu);
      const double sd = std::sqrt(static_cast<double>(ss / static_cast<long double>(present - 1)));
      if (!(sd > 0)) degenerate(indicator, s, "its standard deviation is 0");
      for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = (d * in[i] - mu) / sd * s.sd + s.mean;
      break;
    }
    case normalise_method::goalposts:
      for (std::ptrdiff_t i = 0; i < n; ++i) {
        double y = d == 1 ? (in[i] - s.goal_low) / (s.goal_high - s.goal_low) : (s.goal_high - in[i]) / (s.goal_high - s.goal_low);
        if (s.cap && !std::isnan(y)) y = std::clamp(y, 0.0, 1.0);
        out[i] = y * s.scale;
      }
      break;
    case normalise_method::rank:
    case normalise_method::percentile_rank:
    case normalise_method::borda: {
      vector v(n);
      for (std::ptrdiff_t i = 0; i < n; ++i) v[i] = d * in[i];
      const vector r = rank_values(v, true, s.ties);
      for (std::ptrdiff_t i = 0; i < n; ++i)
        out[i] = s.method == normalise_method::rank ? r[i]
                 : s.method == normalise_method::borda ? r[i] - 1
                                                        : (r[i] - 1) / static_cast<double>(present - 1);
      break;
    }
    case normalise_method::distance_to_max:
      for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = 1 - (mx - d * in[i]) / (mx - mn);
      break;
    case normalise_method::distance_to_target: {
      if (std::isnan(s.target)) throw parameter_error("analysis.normalise_target", "normalise: distance_to_target needs a target");
      const double t = d * s.target;
      if (t == mn) degenerate(indicator, s, "the target equals the minimum");
      for (std::ptrdiff_t i = 0; i < n; ++i) {
        double y = 1 - (t - d * in[i]) / (t - mn);
        if (s.cap && y > 1) y = 1;
        out[i] = y;
      }
      break;
    }
    case normalise_method::ratio_to_mean: {
      std::vector<double> v = detail::present(in, n);
      const double mu = detail::r_mean(v.data(), present);
      if (mu == 0) degenerate(indicator, s, "its mean is 0");
      for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = (d == 1 ? in[i] / mu : mu / in[i]) * s.scale;
      break;
    }
    case normalise_method::fraction_of_max:
      if (mx == 0) degenerate(indicator, s, "its maximum is 0");
      for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = d * in[i] / mx;
      break;
    case normalise_method::scaled:
      for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = (d * in[i] - s.lower) / (s.upper - s.lower) * s.scale_factor;
      break;
    case normalise_method::distance_to_reference: {
      if (s.reference < 0 || s.reference >= n)
        throw parameter_error("analysis.normalise_reference", "normalise: distance_to_reference needs a reference row in 0.." +
                                                                  std::to_string(n - 1) + ", not " + std::to_string(s.reference));
      const double ref = d * in[s.reference];
      if (std::isnan(ref)) degenerate(indicator, s, "the reference unit's value is missing");
      if (ref == mn) degenerate(indicator, s, "the reference unit has the minimum value");
      for (std::ptrdiff_t i = 0; i < n; ++i) {
        double y = 1 - (ref - d * in[i]) / (ref - mn);
        if (s.cap && y > 1) y = 1;
        out[i] = y;
      }
      break;
    }
    case normalise_method::none:
      for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = in[i];
      break;
  }
}

matrix normalise(const matrix_ref& x, const std::vector<int>& directions, const normalise_spec& spec,
                 const std::vector<double>& targets, const std::vector<std::string>& codes) {
  std::vector<normalise_spec> specs(static_cast<std::size_t>(x.cols()), spec);
  if (spec.method == normalise_method::distance_to_target && std::isnan(spec.target)) {
    if (static_cast<std::ptrdiff_t>(targets.size()) != x.cols())
      throw parameter_error("analysis.normalise_target", "normalise: distance_to_target needs one target per indicator");
    for (std::size_t j = 0; j < specs.size(); ++j) specs[j].target = targets[j];
  }
  return normalise(x, directions, specs, codes);
}

matrix normalise(const matrix_ref& x, const std::vector<int>& directions, const std::vector<normalise_spec>& specs,
                 const std::vector<std::string>& codes) {
  if (static_cast<std::ptrdiff_t>(directions.size()) != x.cols() || static_cast<std::ptrdiff_t>(specs.size()) != x.cols())
    throw parameter_error("analysis.normalise_shape", "normalise: need one direction and one spec per indicator (" +
                                                          std::to_string(x.cols()) + " indicators)");
  matrix out(x.rows(), x.cols());
  for (std::ptrdiff_t j = 0; j < x.cols(); ++j) {
    const auto jj = static_cast<std::size_t>(j);
    const std::string code = jj < codes.size() ? codes[jj] : "column " + std::to_string(j);
    normalise_column(x.col(j).data(), out.col(j).data(), x.rows(), directions[jj], specs[jj], code);
  }
  return out;
}

}  // namespace chiso::analysis
