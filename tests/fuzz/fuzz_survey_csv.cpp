// The survey reader: any bytes as a survey CSV, checked against the units of the tutorial
// assessment. What it reads must summarise and map onto the survey leaves of the SIPAS model.
#include <string>

#include <chiso/assessment/survey.hpp>

#include "fuzz_assessment.hpp"

namespace {
const chiso::model& sipas() {
  static const chiso::model m = chiso::load_model(CHISO_SOURCE_DIR "/examples/models/sipas-2023.json");
  return m;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const bool check_units = size > 0 && data[0] % 2 == 0;
  std::vector<std::string> units;
  if (check_units)
    for (const auto& u : chiso_fuzz::tutorial_units()) units.push_back(u.id);
  chiso::survey_data s;
  if (!chiso_fuzz::accepts("parse_survey_csv", [&] { s = chiso::parse_survey_csv(text, "survey.csv", units); }))
    return 0;
  chiso_fuzz::accepts("summarise_survey", [&] { chiso::summarise_survey(s, chiso::question_elements(sipas())); });
  chiso_fuzz::accepts("survey_leaf_inputs", [&] { chiso::survey_leaf_inputs(sipas(), s); });
  return 0;
}
