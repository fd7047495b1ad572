// The assessment (records) JSON reader: any bytes as a chiso-assessment/1 file of the tutorial
// model. What it reads must evaluate, save and reload.
#include <optional>
#include <string>

#include "fuzz_assessment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<chiso::assessment> a;
  if (!chiso_fuzz::accepts("parse_assessment_json", [&] {
        a.emplace(chiso::parse_assessment_json(text, chiso_fuzz::tutorial_plan(), "fuzz.json"));
      }))
    return 0;
  chiso_fuzz::check_assessment(a->records());
  return 0;
}
