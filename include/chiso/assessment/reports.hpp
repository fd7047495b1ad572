// Reports of an assessment (docs/assessment.md): final results, self vs appraised, progress, why a
// unit lost points, year over year. Each is a plain table (a vector of rows); Python turns each
// into a DataFrame.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chiso/assessment/assessment.hpp"
#include "chiso/results.hpp"

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

// Self vs appraised, per criterion: criteria with both a self record and an appraisal (either
// round) in force, sorted by the largest cut first (difference = appraised − self points, most
// negative first), then unit and criterion. Criteria that the council confirmed have difference 0
// and come last. "Appraised" is the final appraisal: round 2 where there is one, else round 1;
// both rounds and the unit's explanation between them are columns of their own.
struct cut_row {
  std::string unit, name, group, criterion, criterion_name, area;
  double self_value = 0, appraised_value = 0;  // NaN when not applicable
  double self_points = 0, appraised_points = 0, difference = 0;
  std::string reason, author, timestamp;       // of the final appraisal
  // NaN (values, points) and empty (texts) where the round has no record in force.
  double round1_value = 0, round1_points = 0, round2_value = 0, round2_points = 0;
  std::string round1_reason, round2_reason;
  std::string explanation;                     // the unit's explanation record in force
  std::vector<std::string> explanation_evidence;
};
std::vector<cut_row> self_vs_appraised(const assessment& a);

// The same per area and unit: points of the area with self-scores and with final inputs.
struct area_cut_row {
  std::string unit, name, group, area, area_name;
  double self_points = 0, appraised_points = 0, difference = 0;
};
std::vector<area_cut_row> self_vs_appraised_areas(const assessment& a);

// Progress per unit: of the appraisal criteria (source appraisal) of the model, how many have a
// self record with a value and evidence (or a written explanation instead), or are marked not
// applicable with a reason ("done");
// how many are self-scored at all, appraised, not applicable. `as_of` (ISO 8601): only records
// up to then count.
struct progress_row {
  std::string unit, name, group;
  std::size_t total = 0, self_scored = 0, done = 0, not_applicable = 0, appraised = 0;
  double share_done = 0;  // done / total
};
std::vector<progress_row> progress(const assessment& a, const std::string& as_of = {});

// Why a unit of an assessment lost points (criterion_losses, results.hpp) with the input, where it came from (appraisal_2,
// appraisal, survey, self) and the council's reason.
std::vector<loss_row> why_lost(const assessment& a, const assessment_result& r, const std::string& unit);

// The scoring table of one unit (bảng chấm điểm), one row per criterion in model order: max,
// each stage's record in force (value, points, evidence, explanation, reason) and the final
// input with its points from the evaluation `r` of the same assessment.
struct scoring_row {
  std::string criterion, name, area, source;  // source: the leaf's source (appraisal, survey, …)
  double max = 0;                              // the leaf's max in the model (0: bonus, deduction)
  bool applicable = true;                      // in the final input
  double self_value = 0, self_points = 0;      // NaN where there is no record (or not applicable)
  std::vector<std::string> self_evidence;
  std::string self_explanation, self_note, self_timestamp;
  double round1_value = 0, round1_points = 0;
  std::string round1_reason, round1_timestamp;
  double explanation_value = 0;                // the score the unit asks for (NaN: none)
  std::vector<std::string> explanation_evidence;
  std::string explanation, explanation_timestamp;
  double round2_value = 0, round2_points = 0;
  std::string round2_reason, round2_timestamp;
  double final_value = 0, final_points = 0;    // as evaluated (NaN value: not applicable)
  std::string origin;                          // appraisal_2, appraisal, survey, self, none
  bool missing_evidence = false;               // an applicable self record with no evidence and no explanation
};
std::vector<scoring_row> scoring_table(const assessment& a, const assessment_result& r, const std::string& unit);

// The assessment as it stood after appraisal round 1: the evaluation `final` of the same
// assessment with each round-2 input replaced by what it replaced — the round-1 record in force,
// else the survey rate, else the self record (a criterion with no record before round 2 scores
// nothing). Every node's round-1 points, for the scoring table's round-1 column.
assessment_result evaluate_round_one(const assessment& a, const assessment_result& final);

// Criteria self-scored without evidence and without a written explanation (MoHA letters 383 and
// 384/BNV-CCHC ask for one or the other): the applicable self records in force of appraisal
// criteria that have neither, unless an explanation record in force adds evidence or text.
struct evidence_flag {
  std::string unit, name, group, criterion, criterion_name;
  double value = 0;
  std::string timestamp, source;
};
std::vector<evidence_flag> missing_evidence(const assessment& a);

// Year over year: two periods of the same or a revised model (districts in 2023, communes since
// the 2025 reform), criteria and areas matched by id. Units of one period only are kept, with NaN
// on the other side, and listed in `units_gone` (no longer in the later period) and `units_new`.
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
  std::vector<std::string> units_gone, units_new;     // unit ids in one period only
  std::vector<yoy_unit_row> units;
  std::vector<yoy_area_row> areas;
};
year_over_year compare_periods(const assessment& before, const assessment_result& r_before,
                               const assessment& after, const assessment_result& r_after);

}  // namespace chiso
