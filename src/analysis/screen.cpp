#include "chiso/analysis/screen.hpp"

#include <cmath>

namespace chiso::analysis {

screen_result screen_units(const matrix_ref& x, double threshold) {
  if (!(threshold >= 0 && threshold <= 1))
    throw parameter_error("analysis.screen_threshold", "screen: the data availability threshold must be in [0, 1]");
  screen_result out;
  out.threshold = threshold;
  for (std::ptrdiff_t i = 0; i < x.rows(); ++i) {
    std::ptrdiff_t missing = 0;
    for (std::ptrdiff_t j = 0; j < x.cols(); ++j) missing += std::isnan(x(i, j)) ? 1 : 0;
    // COINr: Dat_Avail = 1 - nNA / ncol; LowData = Dat_Avail < dat_thresh.
    const double avail = 1.0 - static_cast<double>(missing) / static_cast<double>(x.cols());
    out.availability.push_back(avail);
    if (avail < threshold) out.removed.push_back({i, avail, missing});
    else out.kept.push_back(i);
  }
  out.data.resize(static_cast<std::ptrdiff_t>(out.kept.size()), x.cols());
  for (std::size_t k = 0; k < out.kept.size(); ++k) out.data.row(static_cast<std::ptrdiff_t>(k)) = x.row(out.kept[k]);
  return out;
}

}  // namespace chiso::analysis
