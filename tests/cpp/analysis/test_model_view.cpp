// One tree: a composite index written as a model file, the composite view of a model (scored or
// composite), and iMeta rows turned into a model. Expected values are worked by hand below.
#include <doctest/doctest.h>

#include <chiso/analysis/aggregate.hpp>
#include <chiso/analysis/data.hpp>
#include <chiso/analysis/pipeline.hpp>
#include <chiso/evaluate.hpp>
#include <chiso/model_json.hpp>
#include <chiso/sensitivity/uncertainty.hpp>

#include <cmath>

#include "helpers.hpp"

using namespace chiso;
using analysis_test::contains;
using analysis_test::error_of;

namespace {

// Index = mean of P1 (weight 2) and P2 (weight 1); P1 = mean(i1, i2), P2 = geomean(i3, i4).
const char* composite_index = R"({
  "format": "chiso-model/1", "id": "toy-composite", "name": "Toy composite",
  "root": {"id": "Index", "name": "Index", "aggregate": "mean", "children": [
    {"id": "P1", "name": "Pillar 1", "aggregate": "mean", "weight": 2, "children": [
      {"id": "i1", "name": "Indicator 1", "source": "data", "rule": {"kind": "indicator"}},
      {"id": "i2", "name": "Indicator 2", "source": "data",
       "rule": {"kind": "indicator", "direction": "lower_is_better", "target": 30}}]},
    {"id": "P2", "name": "Pillar 2", "aggregate": "geomean", "children": [
      {"id": "i3", "name": "Indicator 3", "source": "data", "rule": {"kind": "indicator", "denominator": "population"}},
      {"id": "i4", "name": "Indicator 4", "source": "data", "rule": {"kind": "indicator"}}]}]}})";

}  // namespace

TEST_CASE("a composite index is a model file: indicator leaves keep direction, target and denominator") {
  const model m = parse_model(composite_index);
  CHECK(m.composite());
  const analysis::hierarchy h(m);
  REQUIRE(h.indicator_codes() == std::vector<std::string>{"i1", "i2", "i3", "i4"});
  CHECK(h.codes() == std::vector<std::string>{"i1", "i2", "i3", "i4", "P1", "P2", "Index"});
  CHECK(h.directions() == std::vector<int>{1, -1, 1, 1});
  CHECK(h.node(1).target == 30);
  CHECK(std::isnan(h.node(0).target));
  CHECK(h.node(2).denominator == "population");
  CHECK(h.node(4).level == 2);
  CHECK(h.node(6).level == 3);
  CHECK(h.node(4).weight == 2);
  CHECK(h.node(5).combine == aggregate::geomean);
  CHECK(h.root() == 6);

  // Each node's own method: P1 = (1 + 9)/2 = 5 and (4 + 1)/2 = 2.5; P2 = √(4·9) = 6 and √(1·16) = 4;
  // Index = (2·5 + 6)/3 = 16/3 and (2·2.5 + 4)/3 = 3.
  analysis::matrix x(2, 4);
  x << 1, 9, 4, 9,  //
      4, 1, 1, 16;
  const analysis::aggregation_plan plan(h);
  const analysis::matrix scores = plan.aggregate(x, Eigen::Map<const analysis::vector>(h.weights().data(), h.n_nodes()));
  CHECK(scores(0, 4) == doctest::Approx(5).epsilon(1e-15));
  CHECK(scores(1, 4) == doctest::Approx(2.5).epsilon(1e-15));
  CHECK(scores(0, 5) == doctest::Approx(6).epsilon(1e-15));
  CHECK(scores(1, 5) == doctest::Approx(4).epsilon(1e-15));
  CHECK(scores(0, 6) == doctest::Approx(16.0 / 3).epsilon(1e-15));
  CHECK(scores(1, 6) == doctest::Approx(3).epsilon(1e-15));

  // Saved and read again, the same model; a pipeline saves the model itself.
  CHECK(parse_model(dump_model(m)) == m);
  const analysis::hierarchy again = analysis::hierarchy_from_json(analysis::to_json(h));
  REQUIRE(again.source_model());
  CHECK(*again.source_model() == m);
}

TEST_CASE("a composite index is not scored by a plan, and holds only indicators under means") {
  const plan compiled(parse_model(composite_index));  // compiles (its nodes, its JSON), but scores nothing
  const std::string refused = error_of([&] { evaluate(compiled, Eigen::MatrixXd::Zero(1, 4)); });
  CHECK(contains(refused, "[chiso.model.composite]"));
  CHECK(contains(refused, "/root/children/0/children/0"));

  std::string text = composite_index;
  const std::string mean_p2 = R"("id": "P2", "name": "Pillar 2", "aggregate": "geomean")";
  text.replace(text.find(mean_p2), mean_p2.size(), R"("id": "P2", "name": "Pillar 2", "aggregate": "sum")");
  const std::string summed = error_of([&] { parse_model(text); });
  CHECK(contains(summed, "[chiso.model.indicator]"));
  CHECK(contains(summed, "/root/children/1/aggregate"));

  text = composite_index;
  const std::string i4 = R"("rule": {"kind": "indicator"}}]}]}})";
  text.replace(text.find(i4), i4.size(), R"("max": 1, "rule": {"kind": "yes_no"}}]}]}})");
  const std::string mixed = error_of([&] { parse_model(text); });
  CHECK(contains(mixed, "[chiso.model.indicator]"));
  CHECK(contains(mixed, "/root/children/1/children/1/rule"));

  text = composite_index;
  const std::string i1 = R"("source": "data", "rule": {"kind": "indicator"}},)";
  text.replace(text.find(i1), i1.size(), R"("source": "data", "max": 10, "rule": {"kind": "indicator"}},)");
  const std::string with_max = error_of([&] { parse_model(text); });
  CHECK(contains(with_max, "[chiso.model.max]"));
  CHECK(contains(with_max, "/root/children/0/children/0/max"));
}

TEST_CASE("the composite view of a scored model gives the plan's scores") {
  // Root (sum) = C1 (points, max 4) + C2 (mean, max 6) of a (yes/no, max 1, weight 1) and
  // b (linear 0–10, max 2, weight 3). Inputs C1 = 3, a = 1, b = 5: C1 scores 0.75, a 1, b 0.5;
  // C2 = (1·1 + 3·0.5)/4 = 0.625 (points 3.75); root = (3 + 3.75)/10 = 0.675.
  const model m = parse_model(R"({"format": "chiso-model/1", "id": "toy-par", "name": "Toy PAR",
    "root": {"id": "R", "name": "Root", "aggregate": "sum", "children": [
      {"id": "C1", "name": "C1", "max": 4, "rule": {"kind": "points"}},
      {"id": "C2", "name": "C2", "aggregate": "mean", "max": 6, "children": [
        {"id": "a", "name": "a", "max": 1, "rule": {"kind": "yes_no"}},
        {"id": "b", "name": "b", "max": 2, "weight": 3, "rule": {"kind": "linear", "lower": 0, "upper": 10}}]}]}})");
  const analysis::hierarchy h(m);
  CHECK(h.indicator_codes() == std::vector<std::string>{"C1", "a", "b"});
  CHECK(h.weights() == std::vector<double>{4, 1, 3, 6, 1});  // C1, a, b, C2, R: under a sum, the max
  CHECK(h.node(0).level == 1);
  CHECK(h.node(3).level == 2);
  CHECK(h.node(4).level == 3);  // the root sits above its highest child, C2

  Eigen::MatrixXd inputs(1, 3);
  inputs << 3, 1, 5;
  const evaluation e = evaluate(plan(m), inputs);
  analysis::matrix leaf_scores(1, 3);
  leaf_scores << 0.75, 1, 0.5;
  const analysis::aggregation_plan view(h);
  const analysis::matrix scores = view.aggregate(leaf_scores, Eigen::Map<const analysis::vector>(h.weights().data(), 5));
  CHECK(scores(0, 3) == doctest::Approx(0.625).epsilon(1e-15));
  CHECK(scores(0, 4) == doctest::Approx(0.675).epsilon(1e-15));
  CHECK(e.raw_index(0) == doctest::Approx(67.5).epsilon(1e-15));
  CHECK(scores(0, 4) * 100 == doctest::Approx(e.raw_index(0)).epsilon(1e-15));
}

TEST_CASE("points outside the max enter the composite view as points added to their sum") {
  // Root (sum) = C1 (points, max 4) + B (bonus 1 per occurrence, cap 2) + C9 (sum, points at most
  // 1) of d1 (deduction 1 per occurrence, cap 3) and b2 (bonus 0.5 per occurrence, cap 2).
  // Inputs C1 = 3, B = 1, d1 = 0, b2 = 4: C9 = min(0.5·4, 2) = 2, bounded to 1; root points
  // 3 + 1 + 1 = 5 out of 4: score 1.25. In the view: 0.75 + (1 + 1)/4 = 1.25.
  const model m = parse_model(R"({"format": "chiso-model/1", "id": "toy-bonus", "name": "Toy",
    "root": {"id": "R", "name": "Root", "aggregate": "sum", "children": [
      {"id": "C1", "name": "C1", "max": 4, "rule": {"kind": "points"}},
      {"id": "B", "name": "Bonus", "rule": {"kind": "bonus", "per": 1, "cap": 2}},
      {"id": "C9", "name": "Bonus and penalty", "aggregate": "sum", "points_max": 1, "children": [
        {"id": "d1", "name": "d1", "rule": {"kind": "deduction", "per": 1, "cap": 3}},
        {"id": "b2", "name": "b2", "rule": {"kind": "bonus", "per": 0.5, "cap": 2}}]}]}})");
  const analysis::hierarchy h(m);
  CHECK(h.indicator_codes() == std::vector<std::string>{"C1", "B", "C9"});  // C9's leaves are not in the view
  CHECK(h.outside_max() == std::vector<bool>{false, true, true, false});
  CHECK(h.weights() == std::vector<double>{4, 0, 0, 1});
  Eigen::MatrixXd inputs(1, 4);
  inputs << 3, 1, 0, 4;
  const evaluation e = evaluate(plan(m), inputs);
  CHECK(e.raw_index(0) == doctest::Approx(125).epsilon(1e-15));
  analysis::matrix x(1, 3);
  x << 0.75, 1, 1;  // C1's score; B's and C9's points
  const analysis::matrix scores =
      analysis::aggregation_plan(h).aggregate(x, Eigen::Map<const analysis::vector>(h.weights().data(), 4));
  CHECK(scores(0, 3) == doctest::Approx(1.25).epsilon(1e-15));

  // Only an arithmetic mean has a place for them; bounds over scored criteria have none.
  analysis::aggregation_spec geometric;
  geometric.method = analysis::aggregation::geometric;
  CHECK(contains(error_of([&] { analysis::aggregation_plan(h, {geometric}); }), "[chiso.analysis.model_adjustments]"));
  // The uncertainty engine asks the same: a geometric mean among the methods it would try at R.
  const std::string varied = error_of([&] {
    uncertainty::composite_analysis(h, x, {"u"},
                                    {uncertainty::assumption::aggregation_methods(
                                        "mean", {analysis::aggregation::arithmetic, analysis::aggregation::geometric})});
  });
  CHECK(contains(varied, "[chiso.analysis.model_adjustments]"));
  CHECK(contains(varied, "'R' adds points outside the max"));
  CHECK(contains(varied, "not geometric"));
  const model bounded = parse_model(R"({"format": "chiso-model/1", "id": "toy-bounded", "name": "Toy",
    "root": {"id": "R", "name": "Root", "aggregate": "sum", "points_max": 3, "children": [
      {"id": "C1", "name": "C1", "max": 4, "rule": {"kind": "points"}}]}})");
  const std::string message = error_of([&] { analysis::hierarchy view(bounded); });
  CHECK(contains(message, "[chiso.analysis.model_adjustments]"));
  CHECK(contains(message, "'R' (/root)"));
}

TEST_CASE("iMeta rows become a composite-index model") {
  using analysis_test::row;
  std::vector<analysis::hierarchy_row> rows = {row("x1", 1, "A", 1), row("y1", 1, "B", 2, -1), row("x2", 1, "A", 3),
                                               row("A", 2, "Index", 1), row("B", 2, "Index", 1), row("Index", 3, "", 1)};
  rows[1].target = 7;
  const model m = analysis::composite_model(rows, "from-rows");
  CHECK(m.composite());
  CHECK(m.id() == "from-rows");
  CHECK(m.leaf_ids() == std::vector<std::string>{"x1", "x2", "y1"});  // parent by parent
  const node* y1 = m.find("y1");
  REQUIRE(y1);
  CHECK(y1->rule->dir == direction::lower_is_better);
  CHECK(y1->rule->target == 7);
  CHECK(y1->weight == 2);
  CHECK(m.find("x2")->weight == 3);
  const analysis::hierarchy h(m);
  CHECK(h.indicator_codes() == std::vector<std::string>{"x1", "x2", "y1"});
  CHECK(h.directions() == std::vector<int>{1, 1, -1});

  rows.pop_back();
  rows[3].parent = rows[4].parent = "";
  const std::string message = error_of([&] { analysis::composite_model(rows); });
  CHECK(contains(message, "[chiso.analysis.hierarchy_roots]"));
  CHECK(contains(message, "'A', 'B'"));
}
