// A PAR-style index worked out fully by hand: 3 areas (lĩnh vực), 9 criteria, one deduction,
// criteria that do not apply to some units, 4 units in 2 groups (departments, districts).
#include "helpers.hpp"

using namespace chiso_test;

namespace {

const char* const par_model = R"json({
  "format": "chiso-model/1",
  "id": "par-mini",
  "name": "Chỉ số CCHC — ví dụ",
  "scale": 100,
  "rounding": {"digits": 2, "mode": "half_up"},
  "ranking": {"ties": "competition", "by": "group"},
  "missing": "error",
  "bands": [{"min": 80, "label": "Tốt"}, {"min": 60, "label": "Khá"}, {"min": 0, "label": "Trung bình"}],
  "root": {"id": "PAR", "name": "Chỉ số CCHC", "aggregate": "sum", "children": [
    {"id": "A1", "name": "Công tác chỉ đạo, điều hành CCHC", "aggregate": "sum", "children": [
      {"id": "A1.1", "name": "Kế hoạch CCHC", "max": 2, "rule": {"kind": "points", "step": 0.25}},
      {"id": "A1.2", "name": "Báo cáo đúng hạn", "max": 1, "rule": {"kind": "yes_no"}},
      {"id": "A1.3", "name": "Tỷ lệ nhiệm vụ hoàn thành", "max": 1, "rule": {"kind": "tiers", "unit": "percent",
        "tiers": [{"min": 100, "points": 1}, {"min": 90, "points": 0.5}]}}]},
    {"id": "A2", "name": "Thủ tục hành chính, một cửa", "aggregate": "sum", "children": [
      {"id": "A2.1", "name": "Hồ sơ trực tuyến đúng hạn", "max": 2, "source": "data", "rule": {"kind": "tiers", "unit": "percent",
        "tiers": [{"min": 95, "points": 2}, {"min": 80, "points": 1}, {"min": 50, "points": 0.5}]}},
      {"id": "A2.2", "name": "Hồ sơ trễ hạn", "max": 1, "source": "data", "rule": {"kind": "tiers", "unit": "percent",
        "direction": "lower_is_better", "tiers": [{"max": 0, "points": 1}, {"max": 5, "points": 0.5}]}},
      {"id": "A2.3", "name": "Thanh toán trực tuyến", "max": 1, "rule": {"kind": "yes_no"}}]},
    {"id": "A3", "name": "Tổ chức bộ máy", "aggregate": "sum", "children": [
      {"id": "A3.1", "name": "Vị trí việc làm", "max": 1, "rule": {"kind": "points", "values": [0, 0.5, 1]}},
      {"id": "A3.2", "name": "Sắp xếp tổ chức", "max": 1, "rule": {"kind": "points", "step": 0.25}},
      {"id": "A3.3", "name": "Vi phạm kỷ luật", "rule": {"kind": "deduction", "per": 0.5, "cap": 1}}]}
  ]}
})json";

}  // namespace

// Inputs (columns A1.1, A1.2, A1.3, A2.1, A2.2, A2.3, A3.1, A3.2, A3.3); n/a = does not apply.
//
// S1 "Sở Tư pháp" (group 0): 1.75, 1, 100%, 96.5%, 0%, n/a, 0.5, 0.75, 1 violation
//   A1 = 1.75 + 1 (yes) + 1 (100 ≥ 100)              = 3.75 of 4
//   A2 = 2 (96.5 ≥ 95) + 1 (0 ≤ 0) [+ A2.3 n/a]       = 3    of 3 (adjusted: 4 − 1)
//   A3 = 0.5 + 0.75 − 0.5 (1 × 0.5)                   = 0.75 of 2
//   PAR = 7.5 of 9 → 83.333… → 83.33
// S2 "Sở Nội vụ" (group 0): 2, 1, 92.5%, 96.5%, 3.2%, n/a, 1, 1, 1 violation
//   A1 = 2 + 1 + 0.5 (92.5 ≥ 90)                      = 3.5 of 4
//   A2 = 2 + 0.5 (3.2 ≤ 5)                            = 2.5 of 3
//   A3 = 1 + 1 − 0.5                                  = 1.5 of 2
//   PAR = 7.5 of 9 → 83.33 (ties with S1)
// H1 "Quận Đống Đa" (group 1): 1.5, 1, 89.9%, 95%, 6.21%, 1, 0.5, 1, 0
//   A1 = 1.5 + 1 + 0 (89.9 < 90)                      = 2.5 of 4
//   A2 = 2 (95 ≥ 95) + 0 (6.21 > 5) + 1               = 3   of 4
//   A3 = 0.5 + 1 − 0                                  = 1.5 of 2
//   PAR = 7 of 10 → 70.00
// H2 "Huyện Ba Vì" (group 1): 2, 1, 90%, 50%, 5%, 0, n/a, n/a, 0
//   A1 = 2 + 1 + 0.5 (90 ≥ 90, inclusive)             = 3.5 of 4
//   A2 = 0.5 (50 ≥ 50) + 0.5 (5 ≤ 5) + 0              = 1   of 4
//   A3 = nothing applies but the deduction (0)        = 0   of 0: score undefined
//   PAR = 4.5 of 8 → 56.25
// Ranks in groups (competition): S1 1, S2 1; H1 1, H2 2. Across all: 1, 1, 3, 4; dense: 1, 1, 2, 3.
// Bands (80 Tốt, 60 Khá, 0 Trung bình): Tốt, Tốt, Khá, Trung bình.
TEST_CASE("PAR example worked by hand") {
  const chiso::model m = chiso::parse_model(par_model);
  const chiso::plan p(m);
  const Eigen::MatrixXd x = matrix({
      {1.75, 1, 100, 96.5, 0, nan_value, 0.5, 0.75, 1},
      {2, 1, 92.5, 96.5, 3.2, nan_value, 1, 1, 1},
      {1.5, 1, 89.9, 95, 6.21, 1, 0.5, 1, 0},
      {2, 1, 90, 50, 5, 0, nan_value, nan_value, 0},
  });
  const bool_matrix applies = mask({
      {1, 1, 1, 1, 1, 0, 1, 1, 1},
      {1, 1, 1, 1, 1, 0, 1, 1, 1},
      {1, 1, 1, 1, 1, 1, 1, 1, 1},
      {1, 1, 1, 1, 1, 1, 0, 0, 1},
  });
  const std::vector<std::string> units = {"Sở Tư pháp", "Sở Nội vụ", "Quận Đống Đa", "Huyện Ba Vì"};
  const std::vector<std::int32_t> groups = {0, 0, 1, 1};
  const chiso::evaluation e = chiso::evaluate(p, x, units, groups, &applies);
  auto P = [&](const char* id, Eigen::Index u) { return e.points(u, column_of(p, e, id)); };
  auto M = [&](const char* id, Eigen::Index u) { return e.max(u, column_of(p, e, id)); };

  // Per area: points and adjusted max.
  CHECK(P("A1", 0) == 3.75);
  CHECK(M("A1", 0) == 4);
  CHECK(P("A2", 0) == 3);
  CHECK(M("A2", 0) == 3);
  CHECK(P("A3", 0) == 0.75);
  CHECK(M("A3", 0) == 2);
  CHECK(P("A3.3", 0) == -0.5);

  CHECK(P("A1", 1) == 3.5);
  CHECK(P("A2", 1) == 2.5);
  CHECK(M("A2", 1) == 3);
  CHECK(P("A3", 1) == 1.5);

  CHECK(P("A1", 2) == 2.5);
  CHECK(P("A1.3", 2) == 0);
  CHECK(P("A2", 2) == 3);
  CHECK(M("A2", 2) == 4);
  CHECK(P("A2.2", 2) == 0);
  CHECK(P("A3", 2) == 1.5);

  CHECK(P("A1", 3) == 3.5);
  CHECK(P("A2", 3) == 1);
  CHECK(P("A3", 3) == 0);
  CHECK(M("A3", 3) == 0);
  CHECK(std::isnan(e.score(3, column_of(p, e, "A3"))));

  // Totals and index.
  CHECK(P("PAR", 0) == 7.5);
  CHECK(M("PAR", 0) == 9);
  CHECK(P("PAR", 1) == 7.5);
  CHECK(M("PAR", 1) == 9);
  CHECK(P("PAR", 2) == 7);
  CHECK(M("PAR", 2) == 10);
  CHECK(P("PAR", 3) == 4.5);
  CHECK(M("PAR", 3) == 8);
  CHECK(e.index(0) == 83.33);
  CHECK(e.index(1) == 83.33);
  CHECK(e.index(2) == 70);
  CHECK(e.index(3) == 56.25);

  // Ranks within groups, bands.
  CHECK(e.rank == Eigen::Vector4i(1, 1, 1, 2));
  CHECK(e.band == Eigen::Vector4i(0, 0, 1, 2));
  CHECK(m.info().bands[static_cast<std::size_t>(e.band(2))].label == "Khá");

  // The same model ranked across all units, competition then dense.
  nlohmann::json d = nlohmann::json::parse(par_model);
  d["ranking"]["by"] = "all";
  const chiso::plan all(load(d));
  CHECK(chiso::evaluate(all, x, units, groups, &applies).rank == Eigen::Vector4i(1, 1, 3, 4));
  d["ranking"]["ties"] = "dense";
  const chiso::plan dense(load(d));
  CHECK(chiso::evaluate(dense, x, units, groups, &applies).rank == Eigen::Vector4i(1, 1, 2, 3));
  d["ranking"]["ties"] = "ordinal";
  const chiso::plan ordinal(load(d));
  // S1 and S2 tie; by unit id "Sở Nội vụ" < "Sở Tư pháp" (N before T): S2 first.
  CHECK(chiso::evaluate(ordinal, x, units, groups, &applies).rank == Eigen::Vector4i(2, 1, 3, 4));
}

TEST_CASE("PAR example: a missing applicable input names unit and criterion") {
  const chiso::plan p(chiso::parse_model(par_model));
  Eigen::MatrixXd x = matrix({{2, 1, 90, 50, 5, 0, 1, 1, 0}});
  x(0, 4) = nan_value;
  const chiso::data_error e = caught<chiso::data_error>([&] { chiso::evaluate(p, x, {"Huyện Ba Vì"}); });
  CHECK(e.id() == "data.missing");
  CHECK(e.unit() == "Huyện Ba Vì");
  CHECK(e.node() == "A2.2");
}
