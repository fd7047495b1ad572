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

// One column's normalisation: x' = d · x, and the present values' min, max and count of x'.
class column_normaliser {
 public:
  column_normaliser(const double* in, double* out, std::ptrdiff_t n, int d, const normalise_spec& s, const std::string& indicator)
      : in_(in), out_(out), n_(n), d_(d), s_(s), indicator_(indicator) {
    for (std::ptrdiff_t i = 0; i < n; ++i)
      if (!std::isnan(in[i])) { mn_ = std::min(mn_, d * in[i]); mx_ = std::max(mx_, d * in[i]); ++present_; }
  }

  void run() {
    require_defined();
    switch (s_.method) {
      case normalise_method::min_max: return min_max();
      case normalise_method::z_score: return z_score();
      case normalise_method::goalposts: return goalposts();
      case normalise_method::rank:
      case normalise_method::percentile_rank:
      case normalise_method::borda: return by_rank();
      case normalise_method::distance_to_max:
        for (std::ptrdiff_t i = 0; i < n_; ++i) out_[i] = 1 - (mx_ - d_ * in_[i]) / (mx_ - mn_);
        return;
      case normalise_method::distance_to_target: return distance_to_target();
      case normalise_method::ratio_to_mean: return ratio_to_mean();
      case normalise_method::fraction_of_max:
        if (mx_ == 0) degenerate("its maximum is 0");
        for (std::ptrdiff_t i = 0; i < n_; ++i) out_[i] = d_ * in_[i] / mx_;
        return;
      case normalise_method::scaled:
        for (std::ptrdiff_t i = 0; i < n_; ++i) out_[i] = (d_ * in_[i] - s_.lower) / (s_.upper - s_.lower) * s_.scale_factor;
        return;
      case normalise_method::distance_to_reference: return distance_to_reference();
      case normalise_method::none:
        for (std::ptrdiff_t i = 0; i < n_; ++i) out_[i] = in_[i];
        return;
    }
  }

 private:
  [[noreturn]] void degenerate(const std::string& why) const {
    throw data_error("analysis.normalise_degenerate", "", indicator_,
                     std::string("normalise: ") + to_string(s_.method) + " is undefined for this indicator: " + why);
  }

  // What the method's formula needs of the column and of the spec, checked before it runs.
  void require_defined() const {
    const normalise_method m = s_.method;
    if (m != normalise_method::none && present_ == 0) degenerate("every value is missing");
    const bool range_needed = m == normalise_method::min_max || m == normalise_method::distance_to_max;
    if (range_needed && !(mx_ > mn_)) degenerate("every present value is " + std::to_string(d_ * mn_) + " (zero range)");
    if ((m == normalise_method::z_score || m == normalise_method::percentile_rank) && present_ < 2)
      degenerate("it needs at least 2 present values");
    if ((m == normalise_method::min_max || m == normalise_method::scaled) && s_.lower == s_.upper)
      throw parameter_error("analysis.normalise_bounds", "normalise: lower and upper must differ (both " + std::to_string(s_.lower) + ")");
    if (m == normalise_method::goalposts && s_.goal_low == s_.goal_high)
      throw parameter_error("analysis.normalise_bounds", "normalise: goal_low and goal_high must differ (both " + std::to_string(s_.goal_low) + ")");
  }

  void min_max() {
    for (std::ptrdiff_t i = 0; i < n_; ++i) out_[i] = (d_ * in_[i] - mn_) / (mx_ - mn_) * (s_.upper - s_.lower) + s_.lower;
  }

  void z_score() {
    std::vector<double> v;
    for (std::ptrdiff_t i = 0; i < n_; ++i)
      if (!std::isnan(in_[i])) v.push_back(d_ * in_[i]);
    const double mu = detail::r_mean(v.data(), present_);
    long double ss = 0;
    for (double xi : v) ss += (xi - mu) * (xi - mu);
    const double sd = std::sqrt(static_cast<double>(ss / static_cast<long double>(present_ - 1)));
    if (!(sd > 0)) degenerate("its standard deviation is 0");
    for (std::ptrdiff_t i = 0; i < n_; ++i) out_[i] = (d_ * in_[i] - mu) / sd * s_.sd + s_.mean;
  }

  // On the indicator's own scale: the goalposts are in its units, the direction picks the end.
  void goalposts() {
    const double lo = s_.goal_low, hi = s_.goal_high;
    for (std::ptrdiff_t i = 0; i < n_; ++i) {
      double y = d_ == 1 ? (in_[i] - lo) / (hi - lo) : (hi - in_[i]) / (hi - lo);
      if (s_.cap && !std::isnan(y)) y = std::clamp(y, 0.0, 1.0);
      out_[i] = y * s_.scale;
    }
  }

  // rank, percentile_rank (rank − 1)/(present − 1) and borda (rank − 1).
  void by_rank() {
    vector v(n_);
    for (std::ptrdiff_t i = 0; i < n_; ++i) v[i] = d_ * in_[i];
    const vector r = rank_values(v, true, s_.ties);
    for (std::ptrdiff_t i = 0; i < n_; ++i)
      out_[i] = s_.method == normalise_method::rank ? r[i]
                : s_.method == normalise_method::borda ? r[i] - 1
                                                        : (r[i] - 1) / static_cast<double>(present_ - 1);
  }

  // 1 − (t' − x')/(t' − min), capped at 1 when cap: distance_to_target and distance_to_reference.
  void distance_to(double t) {
    for (std::ptrdiff_t i = 0; i < n_; ++i) {
      double y = 1 - (t - d_ * in_[i]) / (t - mn_);
      if (s_.cap && y > 1) y = 1;
      out_[i] = y;
    }
  }

  void distance_to_target() {
    if (std::isnan(s_.target)) throw parameter_error("analysis.normalise_target", "normalise: distance_to_target needs a target");
    const double t = d_ * s_.target;
    if (t == mn_) degenerate("the target equals the minimum");
    distance_to(t);
  }

  void distance_to_reference() {
    if (s_.reference < 0 || s_.reference >= n_)
      throw parameter_error("analysis.normalise_reference", "normalise: distance_to_reference needs a reference row in 0.." +
                                                                std::to_string(n_ - 1) + ", not " + std::to_string(s_.reference));
    const double ref = d_ * in_[s_.reference];
    if (std::isnan(ref)) degenerate("the reference unit's value is missing");
    if (ref == mn_) degenerate("the reference unit has the minimum value");
    distance_to(ref);
  }

  void ratio_to_mean() {
    std::vector<double> v = detail::present(in_, n_);
    const double mu = detail::r_mean(v.data(), present_);
    if (mu == 0) degenerate("its mean is 0");
    for (std::ptrdiff_t i = 0; i < n_; ++i) out_[i] = (d_ == 1 ? in_[i] / mu : mu / in_[i]) * s_.scale;
  }

  const double* in_;
  double* out_;
  const std::ptrdiff_t n_;
  const int d_;
  const normalise_spec& s_;
  const std::string& indicator_;
  double mn_ = INFINITY, mx_ = -INFINITY;
  std::ptrdiff_t present_ = 0;
};

}  // namespace

void normalise_column(const double* in, double* out, std::ptrdiff_t n, int d, const normalise_spec& s,
                      const std::string& indicator) {
  if (d != 1 && d != -1) throw parameter_error("analysis.direction", "normalise: direction must be 1 or -1");
  column_normaliser(in, out, n, d, s, indicator).run();
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
