#include "chiso/analysis/denominate.hpp"

#include <cmath>

namespace chiso::analysis {

namespace {
std::string name_of(const std::vector<std::string>& names, std::ptrdiff_t i, const char* what) {
  if (i >= 0 && static_cast<std::size_t>(i) < names.size()) return names[static_cast<std::size_t>(i)];
  return std::string(what) + " " + std::to_string(i);
}
}  // namespace

denominate_result denominate(const matrix_ref& x, const matrix_ref& denominators,
                             const std::vector<std::ptrdiff_t>& by, const std::vector<double>& scale,
                             const std::vector<std::string>& unit_codes,
                             const std::vector<std::string>& indicator_codes) {
  if (static_cast<std::ptrdiff_t>(by.size()) != x.cols())
    throw parameter_error("analysis.denominate_spec", "denominate: " + std::to_string(by.size()) +
                                                          " denominator entries for " + std::to_string(x.cols()) + " indicators");
  if (!scale.empty() && scale.size() != by.size())
    throw parameter_error("analysis.denominate_scale", "denominate: scale factors must be one per indicator");
  if (denominators.rows() != x.rows())
    throw parameter_error("analysis.denominate_rows", "denominate: denominators have " + std::to_string(denominators.rows()) +
                                                          " rows, data " + std::to_string(x.rows()));
  denominate_result out{matrix(x), {}, {}};
  for (std::ptrdiff_t j = 0; j < x.cols(); ++j) {
    const auto d = by[static_cast<std::size_t>(j)];
    if (d < 0) continue;
    if (d >= denominators.cols())
      throw parameter_error("analysis.denominate_column", "denominate: indicator '" + name_of(indicator_codes, j, "indicator") +
                                                              "' refers to denominator column " + std::to_string(d) + " which does not exist");
    const double s = scale.empty() ? 1.0 : scale[static_cast<std::size_t>(j)];
    out.denominated.push_back(j);
    for (std::ptrdiff_t i = 0; i < x.rows(); ++i) {
      const double den = denominators(i, d) / s;
      if (den == 0.0)
        throw data_error("analysis.denominate_zero", name_of(unit_codes, i, "unit"), name_of(indicator_codes, j, "indicator"),
                         "denominate: the denominator is zero");
      if (std::isnan(den) && !std::isnan(x(i, j))) out.lost.push_back({i, j});
      out.data(i, j) = x(i, j) / den;
    }
  }
  return out;
}

std::vector<std::ptrdiff_t> denominator_columns(const hierarchy& h, const std::vector<std::string>& denominator_codes) {
  std::vector<std::ptrdiff_t> by(static_cast<std::size_t>(h.n_indicators()), -1);
  for (std::ptrdiff_t j = 0; j < h.n_indicators(); ++j) {
    const auto& d = h.node(j).denominator;
    if (d.empty()) continue;
    std::ptrdiff_t k = -1;
    for (std::size_t c = 0; c < denominator_codes.size(); ++c)
      if (denominator_codes[c] == d) k = static_cast<std::ptrdiff_t>(c);
    if (k < 0)
      throw parameter_error("analysis.denominator_missing", "denominate: indicator '" + h.node(j).code + "' is to be divided by '" + d +
                                                                "', which is not among the denominator columns");
    by[static_cast<std::size_t>(j)] = k;
  }
  return by;
}

}  // namespace chiso::analysis
