// The assessment the records fuzzers feed: the tutorial model (examples/models/tutorial-par.json)
// with its three units.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <chiso/assessment.hpp>
#include <chiso/chiso.hpp>

#include "fuzz_common.hpp"

namespace chiso_fuzz {

inline const std::shared_ptr<const chiso::plan>& tutorial_plan() {
  static const auto plan =
      std::make_shared<const chiso::plan>(chiso::load_model(CHISO_SOURCE_DIR "/examples/models/tutorial-par.json"));
  return plan;
}

inline std::vector<chiso::unit_info> tutorial_units() {
  return {{"ba-dinh", "Ba Đình", "district"}, {"hoan-kiem", "Hoàn Kiếm", "district"},
          {"so-tu-phap", "Sở Tư pháp", "department"}};
}

// Adds the records (one by one, so that a refused record leaves the others); then evaluates,
// saves as JSON and CSV, and reloads both: whatever chiso accepts, it must reload.
inline void check_assessment(std::vector<chiso::record> records) {
  chiso::assessment a(tutorial_plan(), "2025", tutorial_units());
  for (auto& r : records) accepts("assessment.add", [&] { a.add(std::move(r)); });
  accepts("evaluate", [&] { chiso::evaluate(a); });
  std::string json_text, csv_text;
  require(accepts("dump_assessment", [&] { json_text = chiso::dump_assessment(a); }), "an accepted assessment saves as JSON");
  require(accepts("parse_assessment_json", [&] { chiso::parse_assessment_json(json_text, tutorial_plan(), "saved.json"); }),
          "a saved assessment JSON reloads", json_text);
  require(accepts("records_csv", [&] { csv_text = chiso::records_csv(a); }), "an accepted assessment saves as CSV");
  require(accepts("parse_records_csv", [&] {
            chiso::assessment b(tutorial_plan(), "2025", tutorial_units());
            b.add(chiso::parse_records_csv(csv_text, "saved.csv"));
          }),
          "saved records CSV reloads", csv_text);
}

}  // namespace chiso_fuzz
