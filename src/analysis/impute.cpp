#include "chiso/analysis/impute.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace chiso::analysis {

const char* to_string(impute_method m) {
  switch (m) {
    case impute_method::indicator_mean: return "indicator_mean";
    case impute_method::indicator_median: return "indicator_median";
    case impute_method::group_mean: return "group_mean";
    case impute_method::group_median: return "group_median";
    case impute_method::parent_mean: return "parent_mean";
    case impute_method::none: return "none";
  }
  return "?";
}
impute_method impute_method_from_string(const std::string& s) {
  for (auto m : {impute_method::indicator_mean, impute_method::indicator_median, impute_method::group_mean,
                 impute_method::group_median, impute_method::parent_mean, impute_method::none})
    if (s == to_string(m)) return m;
  throw parameter_error("analysis.impute_method", "impute: unknown method '" + s +
                                                      "' (indicator_mean, indicator_median, group_mean, group_median, parent_mean, none)");
}

namespace {
double median_of(std::vector<double> v) {
  if (v.empty()) return nan;
  const std::size_t n = v.size(), half = (n + 1) / 2;  // R median.default
  std::sort(v.begin(), v.end());
  if (n % 2 == 1) return v[half - 1];
  return (v[half - 1] + v[half]) / 2;
}
double centre(const std::vector<double>& v, bool median) {
  if (v.empty()) return nan;  // R: mean(numeric(0)) is NaN; the cell stays missing
  return median ? median_of(v) : detail::r_mean(v.data(), static_cast<std::ptrdiff_t>(v.size()));
}
}  // namespace

impute_result impute(const matrix_ref& x, const impute_options& o, const hierarchy* h) {
  impute_result out{matrix(x), {}, {}, o.method};
  const auto n = x.rows(), m = x.cols();
  if (o.method == impute_method::none) {
    for (std::ptrdiff_t j = 0; j < m; ++j)
      for (std::ptrdiff_t i = 0; i < n; ++i)
        if (std::isnan(x(i, j))) out.still_missing.push_back({i, j, nan});
    return out;
  }
  const bool median = o.method == impute_method::indicator_median || o.method == impute_method::group_median;
  if (o.method == impute_method::indicator_mean || o.method == impute_method::indicator_median) {
    for (std::ptrdiff_t j = 0; j < m; ++j) {
      const double c = centre(detail::present(x.col(j).data(), n), median);
      for (std::ptrdiff_t i = 0; i < n; ++i)
        if (std::isnan(x(i, j))) out.data(i, j) = c;
    }
  } else if (o.method == impute_method::group_mean || o.method == impute_method::group_median) {
    if (static_cast<std::ptrdiff_t>(o.groups.size()) != n)
      throw parameter_error("analysis.impute_groups", "impute: group imputation needs one group per unit (" + std::to_string(o.groups.size()) +
                                                          " given for " + std::to_string(n) + " units)");
    for (std::ptrdiff_t j = 0; j < m; ++j) {
      std::map<int, std::vector<double>> by_group;
      for (std::ptrdiff_t i = 0; i < n; ++i)
        if (o.groups[static_cast<std::size_t>(i)] >= 0 && !std::isnan(x(i, j))) by_group[o.groups[static_cast<std::size_t>(i)]].push_back(x(i, j));
      std::map<int, double> c;
      for (auto& [g, v] : by_group) c[g] = centre(v, median);
      for (std::ptrdiff_t i = 0; i < n; ++i) {
        const int g = o.groups[static_cast<std::size_t>(i)];
        if (!std::isnan(x(i, j)) || g < 0) continue;
        auto it = c.find(g);
        out.data(i, j) = it == c.end() ? nan : it->second;
      }
    }
  } else {  // parent_mean
    if (h == nullptr || h->n_indicators() != m)
      throw parameter_error("analysis.impute_hierarchy", "impute: parent_mean needs the hierarchy of the " + std::to_string(m) + " indicators");
    // Min-max normalise each column after applying its direction (COINr normalise_first).
    matrix z(n, m);
    std::vector<double> lo(static_cast<std::size_t>(m)), hi(static_cast<std::size_t>(m));
    for (std::ptrdiff_t j = 0; j < m; ++j) {
      const int d = h->node(j).direction;
      double mn = INFINITY, mx = -INFINITY;
      for (std::ptrdiff_t i = 0; i < n; ++i)
        if (!std::isnan(x(i, j))) { mn = std::min(mn, d * x(i, j)); mx = std::max(mx, d * x(i, j)); }
      lo[static_cast<std::size_t>(j)] = mn; hi[static_cast<std::size_t>(j)] = mx;
      for (std::ptrdiff_t i = 0; i < n; ++i) z(i, j) = (d * x(i, j) - mn) / (mx - mn);
    }
    for (std::ptrdiff_t j = 0; j < m; ++j) {
      const auto p = h->node(j).parent;
      const auto& siblings = p >= 0 ? h->node(p).children : std::vector<std::ptrdiff_t>{j};
      for (std::ptrdiff_t i = 0; i < n; ++i) {
        if (!std::isnan(x(i, j))) continue;
        std::vector<double> v;
        for (auto k : siblings)
          if (!std::isnan(z(i, k))) v.push_back(z(i, k));
        const double c = centre(v, false);
        const auto J = static_cast<std::size_t>(j);
        out.data(i, j) = (c * (hi[J] - lo[J]) + lo[J]) * h->node(j).direction;
      }
    }
  }
  for (std::ptrdiff_t j = 0; j < m; ++j)
    for (std::ptrdiff_t i = 0; i < n; ++i)
      if (std::isnan(x(i, j))) {
        if (std::isnan(out.data(i, j))) out.still_missing.push_back({i, j, nan});
        else out.imputed.push_back({i, j, out.data(i, j)});
      }
  return out;
}

}  // namespace chiso::analysis
