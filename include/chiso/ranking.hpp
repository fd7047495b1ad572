// Ranks, for every engine: the scored index (rank_units, by group, on the rounded index), the
// composite-indicator toolkit (rank_values) and the Monte Carlo loops (rank_descending_*).
//
// Tie rules (one enum; R's rank(ties.method = …) and COINr call them by the names in brackets,
// which only the edges — the analysis spec parser and the bindings — translate):
//   competition  1, 2, 2, 4    ["min"]  tied units share the best rank of their run
//   dense        1, 2, 2, 3    ["dense"]
//   ordinal      1, 2, 3, 4    ["first"] tied units in row order (rank_units: by unit name)
//   average      1, 2.5, 2.5, 4 ["average"]
//   max          1, 3, 3, 4    ["max"]  tied units share the worst rank of their run
// A model file's `ties` takes competition, dense or ordinal (docs/format.md).
//
// Not ranked: a unit whose score is NaN (nothing applicable, a failed replication) gets no rank.
// Ranks start at 1, so integer ranks mark it `not_ranked` (0); real-valued ranks (rank_values,
// which `average` needs) mark it NaN, the missing value of a real column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace chiso {

enum class tie_rule { competition, dense, ordinal, average, max };
const char* to_string(tie_rule t) noexcept;
// R's and COINr's names: "min", "dense", "first", "average", "max".
const char* r_name(tie_rule t) noexcept;
tie_rule tie_rule_from_r_name(const std::string& name);  // parameter_error analysis.tie_rule

constexpr std::int32_t not_ranked = 0;

// Name of the unit in row `row` (for messages and ordinal ties).
using unit_namer = std::function<std::string(std::ptrdiff_t row)>;

// Ranks units by `index` (higher first) within each group (`groups` may be null: one group).
// Ordinal ties order equal indices by unit name in natural order (digit runs as numbers: "9"
// before "10"), by row when there are no names. `average` gives half ranks, which integer ranks
// cannot hold: a parameter_error (ranking.ties). When the index is rounded to `digits`
// (digits ≥ 0) the ranks take linear time (counts, or a counting sort for ordinal ties).
void rank_units(const double* index, std::ptrdiff_t units, const std::int32_t* groups,
                tie_rule ties, int digits, const unit_namer& names, std::int32_t* ranks);

// Real-valued ranks of x[0, n) into ranks[0, n): ascending (the smallest gets 1) or descending,
// any tie rule, ordinal ties in row order; NaN values are not ranked (NaN).
void rank_values(const double* x, std::ptrdiff_t n, bool ascending, tie_rule ties, double* ranks);

// Competition ranks, highest score first, for replication loops (no allocation): `order` is
// scratch space of n entries. NaN scores are not ranked (0).
void rank_descending_competition(const double* score, std::size_t n, std::int32_t* rank, std::uint32_t* order);
// The same with a warm start: `order` holds a permutation of 0…n−1 on entry (for instance the
// previous replication's order) and is left sorted by descending score. Replications that move
// few units then cost about n comparisons (insertion sort); a start far from sorted falls back to
// std::sort. The ranks never depend on the starting permutation.
void rank_descending_competition_warm(const double* score, std::size_t n, std::int32_t* rank, std::uint32_t* order);
// The same with `keys`, scratch space of n doubles: sorts the scores themselves alongside the
// order (no indirection in the inner loop) — the form the replication loops use.
void rank_descending_competition_warm(const double* score, std::size_t n, std::int32_t* rank, std::uint32_t* order,
                                      double* keys);
// The same ranks by counting, for each unit, the scores above it: n² comparisons without a
// branch, faster than sorting for a few dozen units (the usual composite indicator).
void rank_descending_competition_counting(const double* score, std::size_t n, std::int32_t* rank);

}  // namespace chiso
