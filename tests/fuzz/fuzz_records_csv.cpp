// The records CSV reader: any bytes as a records file. Records it reads are added to an
// assessment of the tutorial model; what the assessment accepts must evaluate, save and reload.
#include <string>

#include <chiso/assessment.hpp>
#include <chiso/chiso.hpp>

#include "fuzz_assessment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<chiso::record> records;
  if (!chiso_fuzz::accepts("parse_records_csv", [&] { records = chiso::parse_records_csv(text, "records.csv"); }))
    return 0;
  chiso_fuzz::check_assessment(std::move(records));
  return 0;
}
