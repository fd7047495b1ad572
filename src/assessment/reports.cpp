#include "chiso/assessment/reports.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "chiso/detail/decimal.hpp"
#include "chiso/error.hpp"
#include "chiso/rule.hpp"

namespace chiso {

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

// after − before as the decimals they are (docs/format.md, "Decimal arithmetic"): 61.96 − 56 is
// 5.96, not the 5.959999999999994 of the doubles. NaN when either side is missing.
double decimal_difference(double after, double before) {
  return detail::decimal_value(after - before, std::fmax(std::fabs(after), std::fabs(before)));
}

double points_of(const node& leaf, const record& r) {
  if (!r.applicable) return 0.0;
  return leaf_points(*leaf.rule, leaf.max, r.value);
}

const unit_info& unit_of(const assessment& a, const std::string& id) {
  return a.units()[static_cast<std::size_t>(a.unit_row(id))];
}

}  // namespace

final_results final_results_report(const assessment_result& r) {
  final_results out;
  const model& m = r.plan->compiled_model();
  for (const node& area : m.root().children) {
    out.area_ids.push_back(area.id);
    out.area_names.push_back(area.name);
  }
  std::vector<std::ptrdiff_t> columns;
  for (const auto& id : out.area_ids) columns.push_back(r.column(id));
  for (std::size_t u = 0; u < r.units.size(); ++u) {
    final_row row;
    row.unit = r.units[u].id;
    row.name = r.units[u].name;
    row.group = r.units[u].group;
    const auto ui = static_cast<Eigen::Index>(u);
    row.index = r.eval.index(ui);
    row.rank = r.eval.rank(ui);
    const std::int32_t band = r.eval.band(ui);
    if (band >= 0) row.band = m.info().bands[static_cast<std::size_t>(band)].label;
    for (std::ptrdiff_t c : columns) {
      row.area_points.push_back(r.eval.points(ui, c));
      row.area_max.push_back(r.eval.max(ui, c));
    }
    row.final = r.final[u];
    out.rows.push_back(std::move(row));
  }
  std::stable_sort(out.rows.begin(), out.rows.end(), [](const final_row& x, const final_row& y) {
    if (x.group != y.group) return x.group < y.group;
    const std::int32_t rx = x.rank == 0 ? INT32_MAX : x.rank, ry = y.rank == 0 ? INT32_MAX : y.rank;
    if (rx != ry) return rx < ry;
    return x.unit < y.unit;
  });
  return out;
}

std::vector<cut_row> self_vs_appraised(const assessment& a) {
  std::vector<cut_row> rows;
  const model& m = a.model();
  for (const auto& unit : a.units())
    for (const node* leaf : m.leaves()) {
      const record* self = a.current(unit.id, leaf->id, stage::self);
      const record* round1 = a.current(unit.id, leaf->id, stage::appraisal);
      const record* round2 = a.current(unit.id, leaf->id, stage::appraisal_2);
      const record* appraisal = round2 ? round2 : round1;
      // (A criterion of named inputs: its self record of evidence has no value to compare.)
      if (!self || !appraisal || (self->applicable && std::isnan(self->value))) continue;
      cut_row row;
      row.unit = unit.id;
      row.name = unit.name;
      row.group = unit.group;
      row.criterion = leaf->id;
      row.criterion_name = leaf->name;
      row.area = area_of(m, leaf->id);
      row.self_value = self->applicable ? self->value : nan_value;
      row.appraised_value = appraisal->applicable ? appraisal->value : nan_value;
      row.self_points = points_of(*leaf, *self);
      row.appraised_points = points_of(*leaf, *appraisal);
      row.difference = decimal_difference(row.appraised_points, row.self_points);
      row.reason = appraisal->note;
      row.author = appraisal->author;
      row.timestamp = appraisal->timestamp;
      row.round1_value = round1 && round1->applicable ? round1->value : nan_value;
      row.round1_points = round1 ? points_of(*leaf, *round1) : nan_value;
      row.round1_reason = round1 ? round1->note : std::string();
      row.round2_value = round2 && round2->applicable ? round2->value : nan_value;
      row.round2_points = round2 ? points_of(*leaf, *round2) : nan_value;
      row.round2_reason = round2 ? round2->note : std::string();
      if (const record* e = a.current(unit.id, leaf->id, stage::explanation)) {
        row.explanation = e->explanation;
        row.explanation_evidence = e->evidence;
      }
      rows.push_back(std::move(row));
    }
  std::stable_sort(rows.begin(), rows.end(), [](const cut_row& x, const cut_row& y) {
    if (x.difference != y.difference) return x.difference < y.difference;
    if (x.unit != y.unit) return x.unit < y.unit;
    return x.criterion < y.criterion;
  });
  return rows;
}

std::vector<area_cut_row> self_vs_appraised_areas(const assessment& a) {
  assessment_options self_view;
  self_view.self_view = true;
  const assessment_result mine = evaluate(a, self_view);
  assessment_options final_view;
  final_view.provisional = true;
  const assessment_result theirs = evaluate(a, final_view);
  std::vector<area_cut_row> rows;
  const model& m = a.model();
  for (std::size_t u = 0; u < a.units().size(); ++u)
    for (const node& area : m.root().children) {
      const auto ui = static_cast<Eigen::Index>(u);
      area_cut_row row;
      row.unit = a.units()[u].id;
      row.name = a.units()[u].name;
      row.group = a.units()[u].group;
      row.area = area.id;
      row.area_name = area.name;
      row.self_points = mine.eval.points(ui, mine.column(area.id));
      row.appraised_points = theirs.eval.points(ui, theirs.column(area.id));
      row.difference = decimal_difference(row.appraised_points, row.self_points);
      rows.push_back(std::move(row));
    }
  std::stable_sort(rows.begin(), rows.end(), [](const area_cut_row& x, const area_cut_row& y) {
    if (x.difference != y.difference) return x.difference < y.difference;
    if (x.unit != y.unit) return x.unit < y.unit;
    return x.area < y.area;
  });
  return rows;
}

std::vector<progress_row> progress(const assessment& a, const std::string& as_of) {
  std::optional<std::int64_t> limit;
  if (!as_of.empty()) limit = a.instant(as_of, "as_of");
  std::vector<progress_row> rows;
  for (const auto& unit : a.units()) {
    progress_row row;
    row.unit = unit.id;
    row.name = unit.name;
    row.group = unit.group;
    for (const node* leaf : a.model().leaves()) {
      if (leaf->source != leaf_source::appraisal) continue;
      ++row.total;
      const record* self = a.current(unit.id, leaf->id, stage::self, limit);
      const record* round2 = a.current(unit.id, leaf->id, stage::appraisal_2, limit);
      const record* appraisal = round2 ? round2 : a.current(unit.id, leaf->id, stage::appraisal, limit);
      if (appraisal) ++row.appraised;
      const record* in_force = appraisal ? appraisal : self;
      if (in_force && !in_force->applicable) ++row.not_applicable;
      if (!self) continue;
      ++row.self_scored;
      if (!self->applicable || !self->evidence.empty() || !self->explanation.empty()) ++row.done;
    }
    row.share_done = row.total ? static_cast<double>(row.done) / static_cast<double>(row.total) : 0.0;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<scoring_row> scoring_table(const assessment& a, const assessment_result& r, const std::string& unit) {
  const std::ptrdiff_t u = a.unit_row(unit);
  if (u < 0) throw data_error("assessment.unknown_unit", unit, "", "unknown unit");
  const model& m = a.model();
  std::vector<scoring_row> rows;
  for (std::size_t j = 0; j < m.leaves().size(); ++j) {
    const node& leaf = *m.leaves()[j];
    scoring_row row;
    row.criterion = leaf.id;
    row.name = leaf.name;
    row.area = area_of(m, leaf.id);
    row.source = to_string(leaf.source);
    row.max = leaf.max;
    auto value_of = [](const record* x) { return x && x->applicable ? x->value : nan_value; };
    auto points = [&](const record* x) {
      return x && (!x->applicable || !std::isnan(x->value)) ? points_of(leaf, *x) : nan_value;
    };
    const record* self = a.current(unit, leaf.id, stage::self);
    row.self_value = value_of(self);
    row.self_points = points(self);
    if (self) {
      row.self_evidence = self->evidence;
      row.self_explanation = self->explanation;
      row.self_note = self->note;
      row.self_timestamp = self->timestamp;
    }
    const record* round1 = a.current(unit, leaf.id, stage::appraisal);
    row.round1_value = value_of(round1);
    row.round1_points = points(round1);
    if (round1) {
      row.round1_reason = round1->note;
      row.round1_timestamp = round1->timestamp;
    }
    const record* explained = a.current(unit, leaf.id, stage::explanation);
    row.explanation_value = value_of(explained);
    if (explained) {
      row.explanation_evidence = explained->evidence;
      row.explanation = explained->explanation;
      row.explanation_timestamp = explained->timestamp;
    }
    const record* round2 = a.current(unit, leaf.id, stage::appraisal_2);
    row.round2_value = value_of(round2);
    row.round2_points = points(round2);
    if (round2) {
      row.round2_reason = round2->note;
      row.round2_timestamp = round2->timestamp;
    }
    const final_input& f = r.at(u, static_cast<std::ptrdiff_t>(j));
    row.applicable = f.applicable;
    row.final_value = f.applicable ? f.value : nan_value;
    row.final_points = r.eval.points(u, r.column(leaf.id));
    row.origin = to_string(f.origin);
    row.missing_evidence = self && self->applicable && self->evidence.empty() && self->explanation.empty() &&
                           !(explained && (!explained->evidence.empty() || !explained->explanation.empty()));
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

// What stood before round 2 for unit row u and leaf j: the round-1 record, else the survey rate
// (unless the unit marked the criterion not applicable), else the self record.
final_input before_round_two(const assessment& a, std::ptrdiff_t u, std::ptrdiff_t j) {
  const std::string& unit = a.units()[static_cast<std::size_t>(u)].id;
  const std::string& leaf = a.model().leaves()[static_cast<std::size_t>(j)]->id;
  final_input out;
  auto use = [&](const record* r, input_origin from) {
    out.value = r->value;
    out.applicable = r->applicable;
    out.origin = from;
    out.record = r - a.records().data();
  };
  const record* self = a.current(unit, leaf, stage::self);
  if (const record* round1 = a.current(unit, leaf, stage::appraisal)) {
    use(round1, input_origin::appraisal);
  } else if (const double survey = a.survey_input(u, j); !std::isnan(survey)) {
    out.value = survey;
    out.origin = input_origin::survey;
    if (self && !self->applicable) use(self, input_origin::self);
  } else if (self) {
    use(self, input_origin::self);
  } else {
    out.value = 0.0;  // nothing before round 2: no points in round 1
  }
  return out;
}

}  // namespace

assessment_result evaluate_round_one(const assessment& a, const assessment_result& final) {
  assessment_result out = final;
  const Eigen::Index n_leaves = out.inputs.cols();
  for (Eigen::Index u = 0; u < out.inputs.rows(); ++u)
    for (Eigen::Index j = 0; j < n_leaves; ++j) {
      final_input& f = out.resolved[static_cast<std::size_t>(u * n_leaves + j)];
      if (f.origin != input_origin::appraisal_2) continue;
      f = before_round_two(a, u, j);
      out.inputs(u, j) = f.applicable ? f.value : 0.0;
      out.applicable(u, j) = f.applicable;
    }
  std::vector<std::string> ids;
  for (const auto& unit : out.units) ids.push_back(unit.id);
  out.eval = chiso::evaluate(*out.plan, out.inputs, ids, out.groups, &out.applicable);
  return out;
}

std::vector<evidence_flag> missing_evidence(const assessment& a) {
  std::vector<evidence_flag> rows;
  for (const auto& unit : a.units())
    for (const node* leaf : a.model().leaves()) {
      if (leaf->source != leaf_source::appraisal) continue;
      const record* self = a.current(unit.id, leaf->id, stage::self);
      if (!self || !self->applicable || !self->evidence.empty() || !self->explanation.empty()) continue;
      // An explanation record always carries a text (the assessment requires it).
      if (a.current(unit.id, leaf->id, stage::explanation)) continue;
      rows.push_back({unit.id, unit.name, unit.group, leaf->id, leaf->name, self->value, self->timestamp, self->source});
    }
  return rows;
}

std::vector<loss_row> why_lost(const assessment& a, const assessment_result& r, const std::string& unit) {
  const std::ptrdiff_t u = a.unit_row(unit);
  if (u < 0) throw data_error("assessment.unknown_unit", unit, "", "unknown unit");
  std::vector<loss_row> rows = criterion_losses(*r.plan, r.eval, u);
  for (loss_row& row : rows) {
    const final_input& f = r.at(u, static_cast<std::ptrdiff_t>(row.leaf));
    row.value = f.value;
    row.origin = to_string(f.origin);
    if (f.record >= 0) row.reason = a.records()[static_cast<std::size_t>(f.record)].note;
  }
  return rows;
}

year_over_year compare_periods(const assessment& before, const assessment_result& rb, const assessment& after,
                               const assessment_result& ra) {
  year_over_year out;
  out.period_before = before.period();
  out.period_after = after.period();
  const model& mb = before.model();
  const model& ma = after.model();
  for (const node* leaf : ma.leaves()) {
    const node* old = mb.find(leaf->id);
    (old && old->is_leaf() ? out.matched : out.added).push_back(leaf->id);
  }
  for (const node* leaf : mb.leaves()) {
    const node* now = ma.find(leaf->id);
    if (!now || !now->is_leaf()) out.removed.push_back(leaf->id);
  }
  // Units of either period, in the order of the later one, then those that left.
  std::vector<std::string> ids;
  for (const auto& u : after.units()) ids.push_back(u.id);
  for (const auto& u : after.units())
    if (before.unit_row(u.id) < 0) out.units_new.push_back(u.id);
  for (const auto& u : before.units())
    if (after.unit_row(u.id) < 0) {
      ids.push_back(u.id);
      out.units_gone.push_back(u.id);
    }
  std::vector<std::string> areas;
  for (const node& area : ma.root().children) areas.push_back(area.id);
  for (const node& area : mb.root().children)
    if (std::find(areas.begin(), areas.end(), area.id) == areas.end()) areas.push_back(area.id);
  for (const auto& id : ids) {
    const std::ptrdiff_t ub = before.unit_row(id), ua = after.unit_row(id);
    const unit_info& info = ua >= 0 ? unit_of(after, id) : unit_of(before, id);
    yoy_unit_row row;
    row.unit = id;
    row.name = info.name;
    row.group = info.group;
    row.index_before = ub >= 0 ? rb.eval.index(ub) : nan_value;
    row.index_after = ua >= 0 ? ra.eval.index(ua) : nan_value;
    row.index_change = decimal_difference(row.index_after, row.index_before);
    row.rank_before = ub >= 0 ? rb.eval.rank(ub) : 0;
    row.rank_after = ua >= 0 ? ra.eval.rank(ua) : 0;
    row.rank_change = row.rank_before && row.rank_after ? row.rank_before - row.rank_after : 0;
    out.units.push_back(row);
    for (const auto& area : areas) {
      yoy_area_row ar;
      ar.unit = id;
      ar.area = area;
      const node* nb = mb.find(area);
      const node* na = ma.find(area);
      ar.points_before = ub >= 0 && nb ? rb.eval.points(ub, rb.column(area)) : nan_value;
      ar.points_after = ua >= 0 && na ? ra.eval.points(ua, ra.column(area)) : nan_value;
      ar.change = decimal_difference(ar.points_after, ar.points_before);
      out.areas.push_back(ar);
    }
  }
  return out;
}

}  // namespace chiso
