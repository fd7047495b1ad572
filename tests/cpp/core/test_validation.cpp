// Every model error the issue names: its type, its stable id, and the JSON path of the value.
#include "helpers.hpp"

#include <cstdio>
#include <fstream>

using namespace chiso_test;
using chiso::model_error;

namespace {

json two_points_leaves() {
  return inner("R", "sum", {leaf("a", 1, points_rule()), leaf("b", 1, points_rule())});
}

chiso::model_info info_with_id() {
  chiso::model_info info;
  info.id = "m";
  return info;
}

model_error load_error(const json& d) {
  return caught<model_error>([&] { (void)load(d); });
}

model_error parse_error(const std::string& text, const chiso::model_limits& limits = {}) {
  return caught<model_error>([&] { (void)chiso::parse_model(text, limits); });
}

json tiers_leaf(const std::string& id, double max, json tiers, const std::string& unit = "percent",
                const std::string& dir = "higher_is_better") {
  return leaf(id, max, {{"kind", "tiers"}, {"unit", unit}, {"direction", dir}, {"tiers", std::move(tiers)}});
}

}  // namespace

TEST_CASE("a valid minimal model loads (the base the error tests break)") {
  const chiso::model m = load(document(two_points_leaves()));
  CHECK(m.leaf_ids() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("malformed JSON: model.parse, with line and column") {
  // Line 3 is `  "id": "x",,`: the second comma, the unexpected token, is its 13th character.
  const std::string text = "{\n  \"format\": \"chiso-model/1\",\n  \"id\": \"x\",,\n  \"root\": {}\n}";
  const model_error e = parse_error(text);
  CHECK(e.id() == "model.parse");
  CHECK(e.path() == "/");
  CHECK(contains(e.what(), "line 3"));
  CHECK(contains(e.what(), "column 13"));
}

TEST_CASE("malformed JSON: truncated document") {
  const model_error e = parse_error("{\"format\": \"chiso-model/1\", \"id\": ");
  CHECK(e.id() == "model.parse");
  CHECK(contains(e.what(), "line 1"));
}

TEST_CASE("duplicate node ids: path of the second, message names the first") {
  json root = inner("R", "sum",
                    {inner("A", "sum", {leaf("a", 1, points_rule())}), inner("B", "sum", {leaf("a", 1, points_rule())})});
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.duplicate_id");
  CHECK(e.path() == "/root/children/1/children/0/id");
  CHECK(contains(e.expectation(), "\"a\""));
  CHECK(contains(e.expectation(), "/root/children/0/children/0"));
}

TEST_CASE("duplicate id between an inner node and a leaf") {
  json root = inner("R", "sum", {leaf("R", 1, points_rule())});
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.duplicate_id");
  CHECK(e.path() == "/root/children/0/id");
  CHECK(contains(e.expectation(), "first used at /root)"));
}

TEST_CASE("unknown rule kind") {
  json root = inner("R", "sum", {leaf("a", 1, points_rule()), leaf("b", 1, {{"kind", "percentage"}})});
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.unknown_value");
  CHECK(e.path() == "/root/children/1/rule/kind");
  CHECK(contains(e.expectation(), "\"percentage\""));
  CHECK(contains(e.expectation(), "\"tiers\""));
}

TEST_CASE("unknown aggregate") {
  json root = inner("R", "average", {leaf("a", 1, points_rule())});
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.unknown_value");
  CHECK(e.path() == "/root/aggregate");
}

TEST_CASE("unknown fields are rejected everywhere, with their path") {
  SUBCASE("top level") {
    const model_error e = load_error(document(two_points_leaves(), {{"scal", 10}}));
    CHECK(e.id() == "model.unknown_field");
    CHECK(e.path() == "/scal");
  }
  SUBCASE("misspelt field of an inner node") {
    json root = two_points_leaves();
    root["agregate"] = "mean";
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.unknown_field");
    CHECK(e.path() == "/root/agregate");
    CHECK(contains(e.expectation(), "\"agregate\""));
  }
  SUBCASE("field of a leaf") {
    json root = two_points_leaves();
    root["children"][1]["wieght"] = 1;
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.unknown_field");
    CHECK(e.path() == "/root/children/1/wieght");
  }
  SUBCASE("field of a rule that belongs to another kind") {
    json root = inner("R", "sum", {leaf("a", 1, {{"kind", "yes_no"}, {"step", 0.25}})});
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.unknown_field");
    CHECK(e.path() == "/root/children/0/rule/step");
  }
  SUBCASE("field of a tier") {
    json root = inner("R", "sum", {tiers_leaf("a", 1, {{{"min", 90}, {"pts", 1}}})});
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.unknown_field");
    CHECK(e.path() == "/root/children/0/rule/tiers/0/pts");
  }
  SUBCASE("`min` on a lower_is_better tier (it is written `max`)") {
    json root = inner("R", "sum", {tiers_leaf("a", 1, {{{"min", 5}, {"points", 1}}}, "percent", "lower_is_better")});
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.unknown_field");
    CHECK(e.path() == "/root/children/0/rule/tiers/0/min");
  }
  SUBCASE("rounding and ranking objects") {
    CHECK(load_error(document(two_points_leaves(), {{"rounding", {{"digit", 2}}}})).path() == "/rounding/digit");
    CHECK(load_error(document(two_points_leaves(), {{"ranking", {{"tie", "dense"}}}})).path() == "/ranking/tie");
  }
  SUBCASE("band") {
    const model_error e = load_error(document(two_points_leaves(), {{"bands", {{{"min", 0}, {"label", "x"}, {"color", "red"}}}}}));
    CHECK(e.id() == "model.unknown_field");
    CHECK(e.path() == "/bands/0/color");
  }
}

TEST_CASE("`$schema` is accepted at the top level") {
  CHECK_NOTHROW(load(document(two_points_leaves(), {{"$schema", "https://example.org/chiso-model-1.schema.json"}})));
}

TEST_CASE("tiers out of order: model.tiers_order at the second tier's bound") {
  SUBCASE("increasing min") {
    json root = inner("R", "sum", {leaf("x", 1, points_rule()),
                                   tiers_leaf("a", 1, {{{"min", 90}, {"points", 0.5}}, {{"min", 100}, {"points", 1}}})});
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.tiers_order");
    CHECK(e.path() == "/root/children/1/rule/tiers/1/min");
  }
  SUBCASE("overlapping (equal) min, deeper in the tree") {
    json root = inner("R", "sum", {inner("A", "sum", {tiers_leaf("a", 1, {{{"min", 90}, {"points", 1}},
                                                                       {{"min", 50}, {"points", 0.5}},
                                                                       {{"min", 50}, {"points", 0.25}}})})});
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.tiers_order");
    CHECK(e.path() == "/root/children/0/children/0/rule/tiers/2/min");
  }
  SUBCASE("lower_is_better tiers must increase, written `max`") {
    json root = inner("R", "sum", {tiers_leaf("a", 1, {{{"max", 5}, {"points", 0.5}}, {{"max", 0}, {"points", 1}}},
                                              "percent", "lower_is_better")});
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.tiers_order");
    CHECK(e.path() == "/root/children/0/rule/tiers/1/max");
  }
}

TEST_CASE("tier bound outside the rate's unit") {
  // 95 is not a fraction (0–1).
  json root = inner("R", "sum", {tiers_leaf("a", 1, {{{"min", 95}, {"points", 1}}}, "fraction")});
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.tiers");
  CHECK(e.path() == "/root/children/0/rule/tiers/0/min");
}

TEST_CASE("tier points above the leaf's max") {
  json root = inner("R", "sum", {tiers_leaf("a", 1, {{{"min", 100}, {"points", 1.5}}, {{"min", 90}, {"points", 0.5}}})});
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.tiers");
  CHECK(e.path() == "/root/children/0/rule/tiers/0/points");
  CHECK(contains(e.expectation(), "1.5"));
}

TEST_CASE("empty tiers list") {
  json root = inner("R", "sum", {tiers_leaf("a", 1, json::array())});
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.tiers");
  CHECK(e.path() == "/root/children/0/rule/tiers");
}

TEST_CASE("a leaf's max must be > 0") {
  SUBCASE("zero") {
    const model_error e = load_error(document(inner("R", "sum", {leaf("a", 1, points_rule()), leaf("b", 0, points_rule())})));
    CHECK(e.id() == "model.max");
    CHECK(e.path() == "/root/children/1/max");
  }
  SUBCASE("negative") {
    const model_error e = load_error(document(inner("R", "sum", {leaf("a", -2, {{"kind", "yes_no"}})})));
    CHECK(e.id() == "model.max");
    CHECK(e.path() == "/root/children/0/max");
  }
  SUBCASE("missing") {
    json root = inner("R", "sum", {{{"id", "a"}, {"rule", {{"kind", "yes_no"}}}}});
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.missing_field");
    CHECK(e.path() == "/root/children/0/max");
  }
  SUBCASE("declared max of a mean node") {
    json root = inner("R", "mean", {leaf("a", 1, points_rule())});
    root["max"] = 0;
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.max");
    CHECK(e.path() == "/root/max");
  }
  SUBCASE("infinite max built in code") {
    chiso::node root = chiso::node::inner("R", "", chiso::aggregate::sum,
                                          {chiso::node::leaf("a", "", chiso_test::inf_value, chiso::rule{})});
    const model_error e = caught<model_error>([&] { chiso::model m(info_with_id(), root); });
    CHECK(e.id() == "model.max");
    CHECK(e.path() == "/root/children/0/max");
  }
}

TEST_CASE("a declared max on a sum node would be ignored") {
  json root = two_points_leaves();
  root["max"] = 10;
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.max_ignored");
  CHECK(e.path() == "/root/max");
}

TEST_CASE("negative weight") {
  json root = inner("R", "mean", {leaf("a", 1, points_rule()), leaf("b", 1, points_rule())});
  root["children"][1]["weight"] = -0.5;
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.weight");
  CHECK(e.path() == "/root/children/1/weight");
  CHECK(contains(e.expectation(), "-0.5"));
}

TEST_CASE("NaN and infinite weights (only a model built in code can have them)") {
  for (double bad : {chiso_test::nan_value, chiso_test::inf_value}) {
    chiso::node b = chiso::node::leaf("b", "", 1, chiso::rule{});
    b.weight = bad;
    b.weight_given = true;
    chiso::node root = chiso::node::inner("R", "", chiso::aggregate::mean, {chiso::node::leaf("a", "", 1, chiso::rule{}), b});
    const model_error e = caught<model_error>([&] { chiso::model m(info_with_id(), root); });
    CHECK(e.id() == "model.weight");
    CHECK(e.path() == "/root/children/1/weight");
  }
}

TEST_CASE("weights of a mean's children summing to 0") {
  json root = inner("R", "mean", {leaf("a", 1, points_rule()), leaf("b", 1, points_rule())});
  root["children"][0]["weight"] = 0;
  root["children"][1]["weight"] = 0;
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.weight");
  CHECK(e.path() == "/root/children");
}

TEST_CASE("a weight on a child of a sum node would be ignored") {
  json root = two_points_leaves();
  root["children"][1]["weight"] = 2;
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.weight_ignored");
  CHECK(e.path() == "/root/children/1/weight");
  // weight 1 on a child of sum changes nothing and is accepted.
  root["children"][1]["weight"] = 1;
  CHECK_NOTHROW(load(document(root)));
}

TEST_CASE("a weight on a child of a sum node, built in code, is rejected too") {
  // node::weight is public; a model built in code that sets weight = 2 under a `sum` parent
  // (without also setting weight_given) must not have that weight silently ignored.
  chiso::node b = chiso::node::leaf("b", "", 1, chiso::rule{});
  b.weight = 2;
  chiso::node root = chiso::node::inner("R", "", chiso::aggregate::sum, {chiso::node::leaf("a", "", 1, chiso::rule{}), b});
  const model_error e = caught<model_error>([&] { chiso::model m(info_with_id(), root); });
  CHECK(e.id() == "model.weight_ignored");
  CHECK(e.path() == "/root/children/1/weight");
}

TEST_CASE("band minimums must strictly decrease") {
  SUBCASE("increasing") {
    json bands = {{{"min", 80}, {"label", "B"}}, {{"min", 90}, {"label", "A"}}};
    const model_error e = load_error(document(two_points_leaves(), {{"bands", bands}}));
    CHECK(e.id() == "model.bands_order");
    CHECK(e.path() == "/bands/1/min");
  }
  SUBCASE("equal") {
    json bands = {{{"min", 90}, {"label", "A"}}, {{"min", 80}, {"label", "B"}}, {{"min", 80}, {"label", "C"}}};
    const model_error e = load_error(document(two_points_leaves(), {{"bands", bands}}));
    CHECK(e.id() == "model.bands_order");
    CHECK(e.path() == "/bands/2/min");
  }
  SUBCASE("empty label") {
    json bands = {{{"min", 90}, {"label", ""}}};
    const model_error e = load_error(document(two_points_leaves(), {{"bands", bands}}));
    CHECK(e.id() == "model.bands");
    CHECK(e.path() == "/bands/0/label");
  }
}

namespace {
// A chain of `levels` inner nodes below the root, ending in a leaf: the leaf is at depth levels + 1.
json chain(std::size_t levels) {
  json node = leaf("leaf", 1, points_rule());
  for (std::size_t i = levels; i > 0; --i) node = inner("n" + std::to_string(i), "sum", json::array({node}));
  return inner("R", "sum", json::array({node}));
}
chiso::node chain_in_code(std::size_t levels) {
  chiso::node n = chiso::node::leaf("leaf", "", 1, chiso::rule{});
  for (std::size_t i = levels; i > 0; --i) {
    std::vector<chiso::node> children;
    children.push_back(std::move(n));
    n = chiso::node::inner("n" + std::to_string(i), "", chiso::aggregate::sum, std::move(children));
  }
  std::vector<chiso::node> children;
  children.push_back(std::move(n));
  return chiso::node::inner("R", "", chiso::aggregate::sum, std::move(children));
}
std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}
}  // namespace

TEST_CASE("nesting: a JSON text nested 100,000 deep is refused without a crash") {
  SUBCASE("lists") {
    const model_error e = parse_error(repeat("[", 100000) + repeat("]", 100000));
    CHECK(e.id() == "model.depth");
    CHECK(contains(e.what(), "line 1"));
  }
  SUBCASE("objects inside meta") {
    const std::string text = "{\"format\": \"chiso-model/1\", \"id\": \"x\", \"meta\": " + repeat("{\"a\":", 100000) + "1" +
                             repeat("}", 100000) + "}";
    const model_error e = parse_error(text);
    CHECK(e.id() == "model.depth");
  }
  SUBCASE("unbalanced, never closed") {
    const model_error e = parse_error(repeat("{\"a\":[", 100000));
    CHECK(e.id() == "model.depth");
  }
}

TEST_CASE("nesting: brackets inside strings do not count") {
  json root = two_points_leaves();
  root["name"] = repeat("[{", 500) + "\\\"";  // also an escaped quote and backslash
  CHECK_NOTHROW(chiso::parse_model(document(root).dump()));
}

TEST_CASE("nesting: a node tree deeper than model_limits::max_depth") {
  const chiso::model_limits limits;
  REQUIRE(limits.max_depth == 32);
  SUBCASE("from JSON: 32 levels below the root load, 33 do not") {
    // chain(31): root (depth 0), n1..n31 (depths 1..31), leaf at depth 32.
    CHECK_NOTHROW(chiso::parse_model(document(chain(31)).dump()));
    const model_error e = parse_error(document(chain(32)).dump());  // leaf at depth 33
    CHECK(e.id() == "model.depth");
    CHECK(e.path() == "/root" + repeat("/children/0", 33));
    CHECK(contains(e.expectation(), "32"));
  }
  SUBCASE("built in code") {
    CHECK_NOTHROW(chiso::model(info_with_id(), chain_in_code(31)));
    const model_error e = caught<model_error>([&] { chiso::model m(info_with_id(), chain_in_code(32)); });
    CHECK(e.id() == "model.depth");
    CHECK(e.path() == "/root" + repeat("/children/0", 33));
  }
  SUBCASE("a smaller limit") {
    chiso::model_limits small;
    small.max_depth = 3;
    CHECK_NOTHROW(chiso::model_from_json(document(chain(2)), small));
    const model_error e = caught<model_error>([&] { (void)chiso::model_from_json(document(chain(3)), small); });
    CHECK(e.id() == "model.depth");
  }
}

TEST_CASE("size: text and files over model_limits::max_bytes") {
  const std::string text = document(two_points_leaves()).dump();
  chiso::model_limits small;
  small.max_bytes = text.size() - 1;
  SUBCASE("text") {
    const model_error e = parse_error(text, small);
    CHECK(e.id() == "model.size");
    CHECK(contains(e.expectation(), std::to_string(text.size())));
    chiso::model_limits exact;
    exact.max_bytes = text.size();
    CHECK_NOTHROW(chiso::parse_model(text, exact));
  }
  SUBCASE("file") {
    const std::string path = "chiso_core_test_size.json";
    {
      std::ofstream out(path, std::ios::binary);
      out << text;
    }
    const model_error e = caught<model_error>([&] { (void)chiso::load_model(path, small); });
    CHECK(e.id() == "model.size");
    CHECK(contains(e.what(), path));
    CHECK_NOTHROW(chiso::load_model(path));
    std::remove(path.c_str());
  }
  SUBCASE("the default limit is 64 MiB") {
    REQUIRE(chiso::model_limits{}.max_bytes == 64u * 1024u * 1024u);
    const std::string big(64u * 1024u * 1024u + 1u, ' ');
    const model_error e = parse_error(big);
    CHECK(e.id() == "model.size");
  }
}

TEST_CASE("a missing model file is an io error, not a crash") {
  const chiso::error e = caught<chiso::error>([] { (void)chiso::load_model("/nonexistent/chiso/model.json"); });
  CHECK(e.id() == "io.open");
  CHECK(contains(e.what(), "/nonexistent/chiso/model.json"));
}

TEST_CASE("a deduction or bonus under a mean parent") {
  for (const char* kind : {"deduction", "bonus"}) {
    json root = inner("R", "mean", {leaf("a", 1, points_rule()),
                                    adjustment("d", {{"kind", kind}, {"per", 0.5}, {"cap", 1}})});
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.rule");
    CHECK(e.path() == "/root/children/1/rule");
    CHECK(contains(e.expectation(), kind));
  }
}

TEST_CASE("a deduction with a max") {
  json root = inner("R", "sum", {leaf("a", 1, points_rule()), leaf("d", 2, {{"kind", "deduction"}, {"per", 0.5}, {"cap", 1}})});
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.max");
  CHECK(e.path() == "/root/children/1/max");
}

TEST_CASE("a deduction's per and cap must be > 0") {
  json root = inner("R", "sum", {leaf("a", 1, points_rule()), adjustment("d", {{"kind", "deduction"}, {"per", 0}, {"cap", 1}})});
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.rule");
  CHECK(e.path() == "/root/children/1/rule/per");
  root["children"][1]["rule"] = {{"kind", "bonus"}, {"per", 1}, {"cap", -1}};
  CHECK(load_error(document(root)).path() == "/root/children/1/rule/cap");
}

TEST_CASE("`format` wrong or missing") {
  SUBCASE("wrong") {
    json d = document(two_points_leaves());
    d["format"] = "chiso-model/2";
    const model_error e = load_error(d);
    CHECK(e.id() == "model.format");
    CHECK(e.path() == "/format");
    CHECK(contains(e.expectation(), "chiso-model/2"));
  }
  SUBCASE("missing") {
    json d = document(two_points_leaves());
    d.erase("format");
    const model_error e = load_error(d);
    CHECK(e.id() == "model.missing_field");
    CHECK(e.path() == "/format");
  }
  SUBCASE("built in code") {
    chiso::model_info info = info_with_id();
    info.format = "chiso/1";
    const model_error e = caught<model_error>([&] {
      chiso::model m(info, chiso::node::inner("R", "", chiso::aggregate::sum, {chiso::node::leaf("a", "", 1, chiso::rule{})}));
    });
    CHECK(e.id() == "model.format");
  }
}

TEST_CASE("other structural errors") {
  SUBCASE("model id missing") {
    json d = document(two_points_leaves());
    d.erase("id");
    CHECK(load_error(d).path() == "/id");
  }
  SUBCASE("node id empty") {
    json root = two_points_leaves();
    root["children"][0]["id"] = "";
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.id");
    CHECK(e.path() == "/root/children/0/id");
  }
  SUBCASE("children empty") {
    const model_error e = load_error(document(inner("R", "sum", json::array())));
    CHECK(e.id() == "model.node");
    CHECK(e.path() == "/root/children");
  }
  SUBCASE("neither rule nor children") {
    json root = two_points_leaves();
    root["children"][1] = {{"id", "b"}, {"max", 1}};
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.node");
    CHECK(e.path() == "/root/children/1");
  }
  SUBCASE("wrong types") {
    json root = two_points_leaves();
    root["children"][1]["max"] = "1";
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.type");
    CHECK(e.path() == "/root/children/1/max");
    CHECK(load_error(document(two_points_leaves(), {{"clamp", "yes"}})).path() == "/clamp");
    CHECK(load_error(document(two_points_leaves(), {{"bands", {{"min", 1}}}})).id() == "model.type");
  }
  SUBCASE("root is a leaf") {
    const model_error e = load_error(document(leaf("a", 1, points_rule())));
    CHECK(e.id() == "model.root");
    CHECK(e.path() == "/root");
  }
  SUBCASE("scale ≤ 0") {
    const model_error e = load_error(document(two_points_leaves(), {{"scale", 0}}));
    CHECK(e.id() == "model.scale");
    CHECK(e.path() == "/scale");
  }
  SUBCASE("rounding digits not a whole number from 0 to 12") {
    for (double digits : {-1.0, 2.5, 13.0}) {
      const model_error e = load_error(document(two_points_leaves(), {{"rounding", {{"digits", digits}}}}));
      CHECK(e.id() == "model.rounding");
      CHECK(e.path() == "/rounding/digits");
    }
  }
  SUBCASE("unknown values of settings") {
    CHECK(load_error(document(two_points_leaves(), {{"missing", "impute"}})).path() == "/missing");
    CHECK(load_error(document(two_points_leaves(), {{"rounding", {{"mode", "bankers"}}}})).path() == "/rounding/mode");
    CHECK(load_error(document(two_points_leaves(), {{"ranking", {{"ties", "average"}}}})).path() == "/ranking/ties");
    CHECK(load_error(document(two_points_leaves(), {{"ranking", {{"by", "region"}}}})).path() == "/ranking/by");
  }
  SUBCASE("points: step and values together, step ≤ 0, values above max") {
    json root = inner("R", "sum", {leaf("a", 1, {{"kind", "points"}, {"step", 0.25}, {"values", {0, 1}}})});
    CHECK(load_error(document(root)).path() == "/root/children/0/rule");
    root["children"][0]["rule"] = {{"kind", "points"}, {"step", 0}};
    CHECK(load_error(document(root)).path() == "/root/children/0/rule/step");
    root["children"][0]["rule"] = {{"kind", "points"}, {"values", {0, 0.5, 2}}};
    CHECK(load_error(document(root)).path() == "/root/children/0/rule/values/2");
  }
  SUBCASE("linear: upper must exceed lower") {
    json root = inner("R", "sum", {leaf("a", 1, {{"kind", "linear"}, {"lower", 5}, {"upper", 5}})});
    const model_error e = load_error(document(root));
    CHECK(e.id() == "model.rule");
    CHECK(e.path() == "/root/children/0/rule/upper");
  }
  SUBCASE("path escapes ~ and / in field names (RFC 6901)") {
    json root = two_points_leaves();
    root["a/b~c"] = 1;
    CHECK(load_error(document(root)).path() == "/root/a~1b~0c");
  }
}

TEST_CASE("numbers in messages are written as a person would write them") {
  // A tier bound of 120 for a percent rate: the message should read "[0, 100]" and "got 120".
  json root = inner("R", "sum", {tiers_leaf("a", 1, {{{"min", 120}, {"points", 1}}}, "percent")});
  const model_error e = load_error(document(root));
  CHECK(e.id() == "model.tiers");
  CHECK(contains(e.expectation(), "[0, 100]"));
  CHECK(contains(e.expectation(), "got 120"));
  // And a leaf max of 90 in "tier points must lie in [0, max = 90]".
  json over = inner("R", "sum", {tiers_leaf("b", 90, {{{"min", 50}, {"points", 95}}}, "percent")});
  CHECK(contains(load_error(document(over)).expectation(), "max = 90, got 95"));
}
