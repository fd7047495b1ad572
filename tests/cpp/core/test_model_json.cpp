// Reading the model file field by field, and the round trip load → dump → load.
#include "helpers.hpp"

#include <cstdio>
#include <functional>

using namespace chiso_test;

namespace {

const char* const rich_model = R"json({
  "$schema": "https://chiso.example/schema/chiso-model-1.schema.json",
  "format": "chiso-model/1",
  "id": "hanoi-par-district-2023",
  "name": "Chỉ số CCHC cấp huyện — Hà Nội 2023",
  "description": "Bộ chỉ số theo Quyết định 4190/QĐ-UBND; điểm minh họa.",
  "meta": {"nguồn": "QĐ 4190", "year": 2023, "tags": ["par", "huyện"], "nested": {"a": [1, 2.5, null, true]}},
  "scale": 10,
  "rounding": {"digits": 3, "mode": "half_even"},
  "ranking": {"ties": "dense", "by": "all"},
  "missing": "zero",
  "bands": [{"min": 9, "label": "Xuất sắc"}, {"min": 8, "label": "Tốt"}, {"min": 0, "label": "Chưa đạt"}],
  "clamp": true,
  "root": {"id": "PAR", "name": "Chỉ số", "description": "gốc", "aggregate": "sum", "children": [
    {"id": "A", "name": "Lĩnh vực A", "meta": {"trọng_số": "x"}, "aggregate": "sum", "children": [
      {"id": "a1", "name": "Điểm", "max": 2, "rule": {"kind": "points", "step": 0.25}},
      {"id": "a2", "name": "Chọn", "max": 1.5, "source": "self", "rule": {"kind": "points", "values": [0, 0.5, 1.5]}},
      {"id": "a3", "name": "Có/Không", "weight": 1, "max": 1, "source": "survey", "rule": {"kind": "yes_no"}},
      {"id": "a4", "name": "Bậc", "max": 1, "rule": {"kind": "tiers", "unit": "percent", "tiers": [
        {"min": 100, "points": 1}, {"min": 90, "points": 0.5, "exclusive": true}]}},
      {"id": "a5", "name": "Trễ hạn", "max": 1, "rule": {"kind": "tiers", "direction": "lower_is_better", "tiers": [
        {"max": 0, "points": 1}, {"max": 0.05, "points": 0.5}]}},
      {"id": "a6", "name": "Trừ điểm", "rule": {"kind": "deduction", "per": 0.25, "cap": 1}},
      {"id": "a7", "name": "Thưởng", "rule": {"kind": "bonus", "per": 0.5, "cap": 1.5}}]},
    {"id": "B", "name": "Lĩnh vực B", "aggregate": "mean", "max": 6, "children": [
      {"id": "b1", "name": "Tuyến tính", "weight": 2, "max": 3, "source": "data", "rule": {"kind": "linear", "lower": 20, "upper": 80, "direction": "lower_is_better"}},
      {"id": "b2", "name": "Tỷ lệ", "weight": 0.5, "max": 3, "rule": {"kind": "proportional", "unit": "percent", "clamp": true}},
      {"id": "C", "name": "Nhóm C", "aggregate": "geomean", "weight": 1.5, "children": [
        {"id": "c1", "max": 1, "rule": {"kind": "proportional", "direction": "lower_is_better"}},
        {"id": "c2", "max": 1, "rule": {"kind": "linear", "lower": 0, "upper": 1}}]},
      {"id": "H", "aggregate": "harmonic", "children": [{"id": "h1", "max": 1, "rule": {"kind": "yes_no"}}]},
      {"id": "Mn", "aggregate": "min", "children": [{"id": "m1", "max": 1, "rule": {"kind": "yes_no"}}]},
      {"id": "Mx", "aggregate": "max", "children": [{"id": "x1", "max": 1, "rule": {"kind": "yes_no"}}]}]}
  ]}
})json";

}  // namespace

TEST_CASE("a loaded model, field by field, is what the JSON says") {
  const chiso::model m = chiso::parse_model(rich_model);
  const chiso::model_info& info = m.info();
  CHECK(info.format == "chiso-model/1");
  CHECK(info.id == "hanoi-par-district-2023");
  CHECK(info.name == "Chỉ số CCHC cấp huyện — Hà Nội 2023");
  CHECK(info.description == "Bộ chỉ số theo Quyết định 4190/QĐ-UBND; điểm minh họa.");
  CHECK(info.meta["nguồn"] == "QĐ 4190");
  CHECK(info.meta["nested"]["a"][1] == 2.5);
  CHECK(info.meta["nested"]["a"][2].is_null());
  CHECK(info.scale == 10);
  CHECK(info.rounding_digits == 3);
  CHECK(info.rounding == chiso::rounding_mode::half_even);
  CHECK(info.ties == chiso::tie_rule::dense);
  CHECK(info.rank_by == chiso::rank_scope::all);
  CHECK(info.missing == chiso::missing_policy::zero);
  REQUIRE(info.bands.size() == 3);
  CHECK(info.bands[0].min == 9);
  CHECK(info.bands[0].label == "Xuất sắc");
  CHECK(info.bands[2].min == 0);
  CHECK(info.clamp);

  const chiso::node& root = m.root();
  CHECK(root.id == "PAR");
  CHECK(root.description == "gốc");
  CHECK(root.combine == chiso::aggregate::sum);
  CHECK(root.children.size() == 2);
  CHECK_FALSE(root.is_leaf());

  const chiso::node& A = *m.find("A");
  CHECK(A.meta["trọng_số"] == "x");
  CHECK(A.weight == 1);
  CHECK_FALSE(A.weight_given);

  const chiso::node& a1 = *m.find("a1");
  REQUIRE(a1.is_leaf());
  CHECK(a1.max == 2);
  CHECK(a1.source == chiso::leaf_source::appraisal);  // default
  CHECK(a1.rule->kind == chiso::rule_kind::points);
  CHECK(a1.rule->step == 0.25);
  CHECK(a1.rule->values.empty());

  const chiso::node& a2 = *m.find("a2");
  CHECK(a2.source == chiso::leaf_source::self);
  CHECK_FALSE(a2.rule->step.has_value());
  CHECK(a2.rule->values == std::vector<double>{0, 0.5, 1.5});

  const chiso::node& a3 = *m.find("a3");
  CHECK(a3.source == chiso::leaf_source::survey);
  CHECK(a3.weight_given);  // weight 1 under sum: accepted and kept
  CHECK(a3.rule->kind == chiso::rule_kind::yes_no);

  const chiso::rule& t = *m.find("a4")->rule;
  CHECK(t.kind == chiso::rule_kind::tiers);
  CHECK(t.unit == chiso::rate_unit::percent);
  CHECK(t.dir == chiso::direction::higher_is_better);
  REQUIRE(t.tiers.size() == 2);
  CHECK(t.tiers[0].bound == 100);
  CHECK(t.tiers[0].points == 1);
  CHECK_FALSE(t.tiers[0].exclusive);
  CHECK(t.tiers[1].bound == 90);
  CHECK(t.tiers[1].points == 0.5);
  CHECK(t.tiers[1].exclusive);

  const chiso::rule& lower = *m.find("a5")->rule;
  CHECK(lower.unit == chiso::rate_unit::fraction);  // default
  CHECK(lower.dir == chiso::direction::lower_is_better);
  CHECK(lower.tiers[1].bound == 0.05);

  const chiso::node& a6 = *m.find("a6");
  CHECK(a6.max == 0);
  CHECK(a6.rule->kind == chiso::rule_kind::deduction);
  CHECK(a6.rule->per == 0.25);
  CHECK(a6.rule->cap == 1);
  CHECK(m.find("a7")->rule->kind == chiso::rule_kind::bonus);
  CHECK(m.find("a7")->rule->cap == 1.5);

  const chiso::node& B = *m.find("B");
  CHECK(B.combine == chiso::aggregate::mean);
  CHECK(B.declared_max == 6.0);
  const chiso::node& b1 = *m.find("b1");
  CHECK(b1.weight == 2);
  CHECK(b1.source == chiso::leaf_source::data);
  CHECK(b1.rule->kind == chiso::rule_kind::linear);
  CHECK(b1.rule->lower == 20);
  CHECK(b1.rule->upper == 80);
  CHECK(b1.rule->dir == chiso::direction::lower_is_better);
  const chiso::rule& b2 = *m.find("b2")->rule;
  CHECK(b2.kind == chiso::rule_kind::proportional);
  CHECK(b2.clamp);
  CHECK(b2.unit == chiso::rate_unit::percent);
  CHECK(m.find("b2")->weight == 0.5);
  CHECK(m.find("C")->combine == chiso::aggregate::geomean);
  CHECK(m.find("C")->weight == 1.5);
  CHECK_FALSE(m.find("C")->declared_max.has_value());
  CHECK(m.find("c1")->name.empty());  // name is optional
  CHECK(m.find("H")->combine == chiso::aggregate::harmonic);
  CHECK(m.find("Mn")->combine == chiso::aggregate::min);
  CHECK(m.find("Mx")->combine == chiso::aggregate::max);

  // Leaves in file order, nodes in pre-order with their paths.
  CHECK(m.leaf_ids() == std::vector<std::string>{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "b1", "b2", "c1", "c2", "h1", "m1", "x1"});
  CHECK(m.nodes()[0]->id == "PAR");
  CHECK(m.paths()[m.index_of("b2")] == "/root/children/1/children/1");
  CHECK(m.paths()[m.index_of("c2")] == "/root/children/1/children/2/children/1");
  CHECK(m.nodes()[static_cast<std::size_t>(m.parent_of(m.index_of("c2")))]->id == "C");
  CHECK(m.parent_of(0) == -1);
  CHECK(m.find("nope") == nullptr);
}

TEST_CASE("defaults of a minimal model") {
  const chiso::model m = load(document(inner("R", "sum", {leaf("a", 1, {{"kind", "tiers"}, {"tiers", {{{"min", 0.5}, {"points", 1}}}}})})));
  const chiso::model_info& info = m.info();
  CHECK(info.scale == 100);
  CHECK(info.rounding_digits == 2);
  CHECK(info.rounding == chiso::rounding_mode::half_up);
  CHECK(info.ties == chiso::tie_rule::competition);
  CHECK(info.rank_by == chiso::rank_scope::group);
  CHECK(info.missing == chiso::missing_policy::error);
  CHECK(info.bands.empty());
  CHECK_FALSE(info.clamp);
  CHECK(info.meta.is_null());
  CHECK(info.name.empty());
  const chiso::rule& r = *m.find("a")->rule;
  CHECK(r.unit == chiso::rate_unit::fraction);
  CHECK(r.dir == chiso::direction::higher_is_better);
  CHECK(r.tiers[0].exclusive == false);
  // Partial settings objects keep the other defaults.
  const chiso::model partial = load(document(inner("R", "sum", {leaf("a", 1, points_rule())}),
                                             {{"rounding", {{"mode", "none"}}}, {"ranking", {{"by", "all"}}}}));
  CHECK(partial.info().rounding_digits == 2);
  CHECK(partial.info().ties == chiso::tie_rule::competition);
}

TEST_CASE("round trip: load → dump → load gives an equal model") {
  const chiso::model first = chiso::parse_model(rich_model);
  const std::string text = chiso::dump_model(first);
  CHECK(text.back() == '\n');
  CHECK(contains(text, "Chỉ số CCHC cấp huyện — Hà Nội 2023"));  // UTF-8 kept, not \u-escaped
  CHECK(contains(text, "\n  \"id\""));                        // indent 2
  const chiso::model second = chiso::parse_model(text);
  CHECK(second == first);
  CHECK(second.info().meta == first.info().meta);
  CHECK(second.find("b1")->weight == 2);
  CHECK(second.find("B")->declared_max == 6.0);
  CHECK(second.root().description == "gốc");
  // And a second round gives the same text.
  CHECK(chiso::dump_model(second) == text);
  // to_json / model_from_json too.
  CHECK(chiso::model_from_json(chiso::to_json(first)) == first);
}

TEST_CASE("round trip through a file") {
  const chiso::model first = chiso::parse_model(rich_model);
  const std::string path = "chiso_core_test_roundtrip.json";
  chiso::save_model(first, path);
  CHECK(chiso::load_model(path) == first);
  std::remove(path.c_str());
}

TEST_CASE("equality can fail: every kind of difference is seen") {
  const chiso::model base = chiso::parse_model(rich_model);
  auto differs = [&](const std::function<void(json&)>& change) {
    json d = json::parse(rich_model);
    change(d);
    return load(d) != base;
  };
  CHECK(differs([](json& d) { d["meta"]["year"] = 2024; }));
  CHECK(differs([](json& d) { d["name"] = "Chỉ số CCHC cấp huyện — Hà Nội 2024"; }));
  CHECK(differs([](json& d) { d["scale"] = 100; }));
  CHECK(differs([](json& d) { d["bands"][1]["label"] = "Khá"; }));
  CHECK(differs([](json& d) { d["root"]["children"][1]["children"][0]["weight"] = 3; }));
  CHECK(differs([](json& d) { d["root"]["children"][1]["max"] = 7; }));
  CHECK(differs([](json& d) { d["root"]["children"][0]["children"][3]["rule"]["tiers"][1].erase("exclusive"); }));
  CHECK(differs([](json& d) { d["root"]["children"][0]["children"][0]["rule"]["step"] = 0.5; }));
  CHECK(differs([](json& d) { d["root"]["children"][0]["children"][0]["source"] = "data"; }));
  CHECK(differs([](json& d) { d["root"]["children"][1]["children"][1]["rule"].erase("clamp"); }));
  CHECK(differs([](json& d) { d["root"]["description"] = "khác"; }));
  CHECK(differs([](json& d) { d.erase("clamp"); }));
  CHECK_FALSE(differs([](json& d) { d.erase("$schema"); }));  // $schema is not part of the model
}

TEST_CASE("round trip of a model built in code keeps its weights") {
  // A mean whose child has weight 3, set in code without weight_given: saving must not drop
  // the weight (else the reloaded model scores differently).
  chiso::node a = chiso::node::leaf("a", "", 1, chiso::rule{});
  a.weight = 3;
  chiso::node root = chiso::node::inner("R", "", chiso::aggregate::mean, {a, chiso::node::leaf("b", "", 1, chiso::rule{})});
  chiso::model_info info;
  info.id = "code";
  const chiso::model built(info, root);
  const chiso::model reloaded = chiso::parse_model(chiso::dump_model(built));
  CHECK(reloaded.find("a")->weight == 3);
  // (3 × 1 + 1 × 0) / 4 = 0.75 → 75 for inputs a = 1, b = 0.
  const Eigen::MatrixXd x = matrix({{1, 0}});
  CHECK(chiso::evaluate(chiso::plan(built), x).index(0) == 75);
  CHECK(chiso::evaluate(chiso::plan(reloaded), x).index(0) == 75);
}

TEST_CASE("a model is a value: copies and moves keep working node pointers") {
  chiso::model m = chiso::parse_model(rich_model);
  chiso::model copy = m;
  chiso::model moved = std::move(m);
  CHECK(copy == moved);
  CHECK(copy.find("b1")->weight == 2);
  CHECK(moved.leaves()[7]->id == "b1");
}
