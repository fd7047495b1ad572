#include "chiso/analysis/screen.hpp"

#include <cmath>

namespace chiso::analysis {

const char* to_string(screen_rule r) {
  switch (r) {
    case screen_rule::by_missing: return "byNA";
    case screen_rule::by_zeros: return "byzeros";
    case screen_rule::by_missing_and_zeros: return "byNAandzeros";
  }
  return "?";
}
screen_rule screen_rule_from_string(const std::string& s) {
  for (auto r : {screen_rule::by_missing, screen_rule::by_zeros, screen_rule::by_missing_and_zeros})
    if (s == to_string(r)) return r;
  throw parameter_error("analysis.screen_rule", "screen: unknown rule '" + s + "' (byNA, byzeros, byNAandzeros)");
}

screen_result screen_units(const matrix_ref& x, const screen_options& o) {
  if (!(o.threshold >= 0 && o.threshold <= 1))
    throw parameter_error("analysis.screen_threshold", "screen: the data availability threshold must be in [0, 1]");
  if (!(o.nonzero_threshold >= 0 && o.nonzero_threshold <= 1))
    throw parameter_error("analysis.screen_threshold", "screen: the non-zero threshold must be in [0, 1]");
  // A unit's availability is a share of the indicators: none means nothing to screen on.
  if (x.cols() < 1) throw parameter_error("analysis.screen_shape", "screen: the data has no indicator columns");
  screen_result out;
  out.threshold = o.threshold;
  out.options = o;
  for (std::ptrdiff_t i = 0; i < x.rows(); ++i) {
    std::ptrdiff_t missing = 0, zeros = 0;
    for (std::ptrdiff_t j = 0; j < x.cols(); ++j) {
      missing += std::isnan(x(i, j)) ? 1 : 0;
      zeros += x(i, j) == 0 ? 1 : 0;
    }
    // COINr get_data_avail: Dat_Avail = 1 - nNA / ncol, Non_Zero = 1 - nzero / (ncol - nNA).
    const double avail = 1.0 - static_cast<double>(missing) / static_cast<double>(x.cols());
    const auto present = x.cols() - missing;
    const double nonzero = present > 0 ? 1.0 - static_cast<double>(zeros) / static_cast<double>(present) : 0.0;
    out.availability.push_back(avail);
    out.nonzero.push_back(nonzero);
    const bool low_data = avail < o.threshold, low_nonzero = nonzero < o.nonzero_threshold;
    const bool removed = o.rule == screen_rule::by_missing ? low_data
                         : o.rule == screen_rule::by_zeros ? low_nonzero
                                                           : (low_data || low_nonzero);
    if (removed) out.removed.push_back({i, avail, missing, nonzero, zeros});
    else out.kept.push_back(i);
  }
  out.data.resize(static_cast<std::ptrdiff_t>(out.kept.size()), x.cols());
  for (std::size_t k = 0; k < out.kept.size(); ++k) out.data.row(static_cast<std::ptrdiff_t>(k)) = x.row(out.kept[k]);
  return out;
}

screen_result screen_units(const matrix_ref& x, double threshold) {
  screen_options o;
  o.threshold = threshold;
  return screen_units(x, o);
}

}  // namespace chiso::analysis
