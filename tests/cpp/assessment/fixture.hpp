// A small PAR model worked by hand (docs/assessment.md walks through the same numbers),
// tests/data/mini-par.json:
//   A1 (sum): A1.1 points 0–2 step 0.25; A1.2 yes/no 1; A1.3 tiers % ≥100 → 2, ≥90 → 1
//   A2 (sum): A2.1 survey, 2 × rate (questions Q1, Q2); A2.2 deduction 0.5 per case, cap 1
// Units: u1 Ba Đình, u2 Hoàn Kiếm (district), u3 Sở Nội vụ (department).
#pragma once

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <chiso/assessment.hpp>
#include <chiso/model_json.hpp>
#include <chiso/assessment/survey.hpp>

namespace fixture {

// The model's text, tests/data/mini-par.json (the Python assessment tests load it too).
inline const std::string model_text = [] {
  std::ifstream file(CHISO_TEST_DATA_DIR "/mini-par.json", std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}();

inline std::shared_ptr<const chiso::plan> plan() {
  return std::make_shared<const chiso::plan>(chiso::parse_model(model_text));
}

inline std::vector<chiso::unit_info> units() {
  return {{"u1", "Quận Ba Đình", "district"}, {"u2", "Quận Hoàn Kiếm", "district"}, {"u3", "Sở Nội vụ", "department"}};
}

inline chiso::record rec(const std::string& unit, const std::string& criterion, chiso::stage s, double value,
                         const std::string& time, const std::string& note = {},
                         std::vector<std::string> evidence = {"12/KH-UBND"}) {
  chiso::record r;
  r.unit = unit;
  r.criterion = criterion;
  r.stage = s;
  r.value = value;
  r.evidence = s == chiso::stage::self ? std::move(evidence) : std::vector<std::string>{};
  r.note = note;
  r.author = s == chiso::stage::self ? "Phòng Nội vụ" : "Hội đồng thẩm định";
  r.timestamp = time;
  return r;
}

inline chiso::record not_applicable(const std::string& unit, const std::string& criterion, const std::string& reason,
                                    const std::string& time) {
  chiso::record r = rec(unit, criterion, chiso::stage::self, 0, time, reason);
  r.value = std::nan("");
  r.applicable = false;
  return r;
}

constexpr auto S = chiso::stage::self;
constexpr auto A = chiso::stage::appraisal;

// The records of the worked example (self in October, appraisal in November).
inline std::vector<chiso::record> records() {
  const std::string t1 = "2023-10-10T09:00:00+07:00", t2 = "2023-11-25T09:00:00+07:00";
  return {
      rec("u1", "A1.1", S, 2, t1), rec("u1", "A1.1", A, 1.5, t2, "Thiếu tài liệu kiểm chứng"),
      rec("u1", "A1.2", S, 1, t1), rec("u1", "A1.2", A, 1, t2),
      rec("u1", "A1.3", S, 100, t1), rec("u1", "A1.3", A, 95, t2, "Tỷ lệ thực tế 95%"),
      rec("u1", "A2.2", S, 0, t1, {}, {}), rec("u1", "A2.2", A, 0, t2),
      rec("u2", "A1.1", S, 1.75, t1), rec("u2", "A1.1", A, 1.75, t2),
      rec("u2", "A1.2", S, 1, t1), rec("u2", "A1.2", A, 1, t2),
      rec("u2", "A1.3", S, 95, t1), rec("u2", "A1.3", A, 95, t2),
      rec("u2", "A2.2", S, 1, t1), rec("u2", "A2.2", A, 1, t2),
      rec("u3", "A1.1", S, 2, t1), rec("u3", "A1.1", A, 2, t2),
      not_applicable("u3", "A1.2", "Không có nhiệm vụ báo cáo", t1),
      rec("u3", "A1.3", S, 100, t1), rec("u3", "A1.3", A, 100, t2),
      rec("u3", "A2.2", S, 0, t1), rec("u3", "A2.2", A, 0, t2),
  };
}

// Survey: u1 Q1 5,4,3,2 and Q2 5,5,4,4 → 6 of 8 satisfied = 0.75; u2 all 5 but one missing → 1;
// u3 Q1 4,3,4,4 and Q2 4,4,2,4 → 6/8 = 0.75.
inline const char* survey_csv =
    "respondent,unit,service,Q1,Q2\n"
    "r1,u1,Hộ tịch,5,5\n" "r2,u1,Hộ tịch,4,5\n" "r3,u1,Đất đai,3,4\n" "r4,u1,Đất đai,2,4\n"
    "r5,u2,Hộ tịch,5,5\n" "r6,u2,Hộ tịch,5,5\n" "r7,u2,Hộ tịch,5,5\n" "r8,u2,Hộ tịch,5,\n"
    "r9,u3,Cấp phép,4,4\n" "r10,u3,Cấp phép,3,4\n" "r11,u3,Cấp phép,4,2\n" "r12,u3,Cấp phép,4,4\n";

inline chiso::assessment worked() {
  chiso::assessment a(plan(), "2023", units());
  a.add(records());
  const auto survey = chiso::parse_survey_csv(survey_csv, "survey.csv");
  a.set_survey_inputs(chiso::survey_leaf_inputs(a.model(), survey));
  return a;
}

}  // namespace fixture
