// Correlations (Pearson, Spearman) and Cronbach's alpha, for checking that indicators agree
// with their parent and with each other (COINr get_corr, get_cronbach).
#pragma once

#include <string>
#include <vector>

#include "chiso/analysis/data.hpp"

namespace chiso::analysis {

enum class correlation_method { pearson, spearman };
const char* to_string(correlation_method m);
correlation_method correlation_method_from_string(const std::string& s);

// Pairwise-complete correlations between columns (Spearman: Pearson of average ranks).
double correlation(const double* a, const double* b, std::ptrdiff_t n, correlation_method m);
matrix correlation_matrix(const matrix_ref& x, correlation_method m);

// scores: units × nodes (pipeline_result::scores). Entry (i) = corr(child node i, its parent);
// NaN for the root.
vector parent_correlations(const hierarchy& h, const matrix_ref& scores, correlation_method m);
// Correlation matrix between the children of aggregate `node` (COINr get_corr(withparent =
// FALSE) within one aggregate), in the order of the children; parameter_error
// analysis.aggregation_node for an indicator.
matrix within_node_correlations(const hierarchy& h, const matrix_ref& scores, std::ptrdiff_t node, correlation_method m);
// Cronbach's alpha of node's children as COINr get_cronbach: C = cov(x, use =
// "pairwise.complete.obs") (sample covariances, each over the rows where both are present),
// α = k² · mean(off-diagonal C) / ΣC. With no missing values this is k/(k−1) · (1 − Σ var_i /
// var(Σ x_i)). NaN when k < 2 (or every covariance is undefined or 0).
double cronbach_alpha(const matrix_ref& x);
vector cronbach_alphas(const hierarchy& h, const matrix_ref& scores);  // per node (NaN for indicators)

}  // namespace chiso::analysis
