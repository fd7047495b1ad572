// criterion_losses (why a unit lost points, Result.explain) and describe_node (a node in words),
// with expectations worked out by hand from the rules of docs/format.md.
#include "helpers.hpp"

using namespace chiso_test;

namespace {

// A (sum): a1 points 0–4, a2 tiers ≥ 100 % → 2, ≥ 90 % → 1, a3 points 0–5.
// B (sum): b1 yes/no 3, b2 deduction 0.5 per occurrence (cap 1), b3 bonus 1 per occurrence (cap 2).
json losses_model() {
  json tiers = {{"kind", "tiers"}, {"unit", "percent"},
                {"tiers", {{{"min", 100}, {"points", 2}}, {{"min", 90}, {"points", 1}}}}};
  return document(inner("R", "sum",
                        {inner("A", "sum", {leaf("a1", 4, points_rule()), leaf("a2", 2, tiers), leaf("a3", 5, points_rule())}),
                         inner("B", "sum",
                               {leaf("b1", 3, {{"kind", "yes_no"}}),
                                adjustment("b2", {{"kind", "deduction"}, {"per", 0.5}, {"cap", 1}}),
                                adjustment("b3", {{"kind", "bonus"}, {"per", 1}, {"cap", 2}})})}));
}

}  // namespace

TEST_CASE("criterion_losses: the criteria that apply or scored, most points lost first") {
  // Unit 0: a1 = 3 (lost 1), a2 = 95 % → 1 point (lost 1), a3 not applicable, b1 = no → 0 (lost
  // 3), b2 = 1 occurrence → −0.5 (max 0: lost 0.5), b3 = 0 occurrences → 0 (did not apply).
  const bool_matrix applicable = mask({{1, 1, 0, 1, 1, 1}});
  run r(losses_model(), {{3, 95, 0, 0, 1, 0}}, {}, {}, &applicable);
  const auto rows = chiso::criterion_losses(r.p, r.e, 0);
  REQUIRE(rows.size() == 4);
  // Ties on "lost" keep model order (a1 before a2).
  CHECK(rows[0].criterion == "b1");
  CHECK(rows[1].criterion == "a1");
  CHECK(rows[2].criterion == "a2");
  CHECK(rows[3].criterion == "b2");
  CHECK(rows[0].area == "B");
  CHECK(rows[0].points == 0);
  CHECK(rows[0].max == 3);
  CHECK(rows[0].lost == 3);
  CHECK(rows[0].rule == "yes → 3, no → 0");
  CHECK(rows[0].leaf == 3);
  CHECK(rows[1].area == "A");
  CHECK(rows[1].points == 3);
  CHECK(rows[1].lost == 1);
  CHECK(rows[1].score == 0.75);  // 3 of 4
  CHECK(rows[1].rule == "points 0–4");
  CHECK(rows[2].points == 1);
  CHECK(rows[2].lost == 1);
  CHECK(rows[2].rule == "tiers: ≥ 100% → 2; ≥ 90% → 1; else 0");
  CHECK(rows[3].points == -0.5);
  CHECK(rows[3].max == 0);
  CHECK(rows[3].lost == 0.5);
  CHECK(rows[3].rule == "−0.5 per occurrence, at most −1");
  // The assessment's fields are left empty.
  CHECK(std::isnan(rows[0].value));
  CHECK(rows[0].origin.empty());
  CHECK(rows[0].reason.empty());
}

TEST_CASE("criterion_losses: a unit outside the result, or a result without criteria, is an error") {
  run r(losses_model(), {{3, 95, 0, 0, 1, 0}});
  CHECK(caught<chiso::parameter_error>([&] { chiso::criterion_losses(r.p, r.e, 1); }).id() == "result.unit");
  CHECK(caught<chiso::parameter_error>([&] { chiso::criterion_losses(r.p, r.e, -1); }).id() == "result.unit");
  chiso::evaluate_options index_only;
  index_only.keep = chiso::kept_nodes::root;
  const chiso::evaluation e = chiso::evaluate(r.p, matrix({{3, 95, 0, 0, 1, 0}}), {}, {}, nullptr, index_only);
  CHECK(caught<chiso::parameter_error>([&] { chiso::criterion_losses(r.p, e, 0); }).id() == "result.no_criteria");
}

TEST_CASE("describe_node: rule, source, aggregation, points window, rounding and weight in words") {
  json survey = leaf("s1", 2, {{"kind", "proportional"}, {"unit", "percent"}});
  survey["source"] = "survey";
  json weighted = inner("M", "mean", {leaf("m1", 10, points_rule()), leaf("m2", 10, {{"kind", "yes_no"}})});
  weighted["max"] = 20;
  weighted["round"] = 2;
  weighted["weight"] = 2;
  json window = inner("C9", "sum", {adjustment("c1", {{"kind", "bonus"}, {"per", 1}, {"cap", 5}}),
                                    adjustment("c2", {{"kind", "deduction"}, {"per", 2}, {"cap", 10}})});
  window["points_min"] = -3;
  window["points_max"] = 2;
  json lower = leaf("l1", 4, {{"kind", "linear"}, {"lower", 10}, {"upper", 30}, {"direction", "lower_is_better"}});
  json means = inner("W", "mean", {weighted, leaf("w1", 5, points_rule())});
  const chiso::model m = load(document(inner("R", "sum", {inner("S", "sum", {survey, lower}), means, window})));
  auto words = [&m](const std::string& id) { return chiso::describe_node(*m.find(id)); };
  CHECK(words("s1") == "2 × rate (percent), survey");     // a survey leaf names its source
  CHECK(words("m2") == "yes → 10, no → 0");               // an appraisal leaf does not
  CHECK(words("l1") == "linear 10–30 → 0–4 (lower is better)");
  CHECK(words("M") == "mean, max 20, rounded to 2 decimals, weight 2");
  CHECK(words("C9") == "sum, points within [-3, 2]");
  CHECK(words("c2") == "−2 per occurrence, at most −10");
  CHECK(words("S") == "sum");
}
