// Reports of an assessment (docs/assessment.md): final results, self vs appraised, progress, why a
// unit lost points, year over year. Each is a plain table (a vector of rows); Python turns each
// into a DataFrame.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chiso/assessment.hpp"

namespace chiso {

// Final results: one row per unit, by group, then rank (unranked last), then unit id.
struct final_row {
  std::string unit, name, group;
  double index = 0;
  std::int32_t rank = 0;       // 0: not ranked
  std::string band;            // empty when the model has no band for it
  std::vector<double> area_points, area_max;  // per area (child of the root)
  bool final = true;           // every applicable appraisal criterion appraised
};
struct final_results {
  std::vector<std::string> area_ids, area_names;
  std::vector<final_row> rows;
};
final_results final_results_report(const assessment_result& r);

// Self vs appraised, per criterion: criteria with both a self record and an appraisal in force,
// sorted by the largest cut first (difference = appraised − self points, most negative first),
// then unit and criterion. Criteria that the council confirmed have difference 0 and come last.
struct cut_row {
  std::string unit, name, group, criterion, criterion_name, area;
  double self_value = 0, appraised_value = 0;  // NaN when not applicable
  double self_points = 0, appraised_points = 0, difference = 0;
  std::string reason, author, timestamp;
};
std::vector<cut_row> self_vs_appraised(const assessment& a);

// The same per area and unit: points of the area with self-scores and with final inputs.
struct area_cut_row {
  std::string unit, name, group, area, area_name;
  double self_points = 0, appraised_points = 0, difference = 0;
};
std::vector<area_cut_row> self_vs_appraised_areas(const assessment& a);

// Progress per unit: of the appraisal criteria (source appraisal) of the model, how many have a
// self record with a value and evidence, or are marked not applicable with a reason ("done");
// how many are self-scored at all, appraised, not applicable. `as_of` (ISO 8601): only records
// up to then count.
struct progress_row {
  std::string unit, name, group;
  std::size_t total = 0, self_scored = 0, done = 0, not_applicable = 0, appraised = 0;
  double share_done = 0;  // done / total
};
std::vector<progress_row> progress(const assessment& a, const std::string& as_of = {});

// Why a unit lost points: its criteria sorted by points lost (max − points), largest first, with
// the rule that applied, the input and where it came from, and the council's reason.
struct loss_row {
  std::string criterion, name, area, rule;
  double value = 0, points = 0, max = 0, lost = 0;
  std::string origin, reason;
};
std::vector<loss_row> why_lost(const assessment& a, const assessment_result& r, const std::string& unit);

// A readable form of a leaf's rule: "tiers (percent): ≥ 100 → 1; ≥ 90 → 0.5; else 0".
std::string describe_rule(const node& leaf);

// Year over year: two periods of the same or a revised model, criteria matched by id.
struct yoy_unit_row {
  std::string unit, name, group;
  double index_before = 0, index_after = 0, index_change = 0;  // NaN when the unit is in one period only
  std::int32_t rank_before = 0, rank_after = 0, rank_change = 0;  // change > 0: moved up
};
struct yoy_area_row {
  std::string unit, area;
  double points_before = 0, points_after = 0, change = 0;  // NaN when the area is in one model only
};
struct year_over_year {
  std::string period_before, period_after;
  std::vector<std::string> added, removed, matched;  // criteria (leaves) by id
  std::vector<yoy_unit_row> units;
  std::vector<yoy_area_row> areas;
};
year_over_year compare_periods(const assessment& before, const assessment_result& r_before,
                               const assessment& after, const assessment_result& r_after);

}  // namespace chiso
