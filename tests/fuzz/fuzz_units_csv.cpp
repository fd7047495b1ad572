// The units CSV reader (it reads files only): any bytes written to a file and read as units.
// Units it reads must make an assessment of the tutorial model and save and reload unchanged.
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include "fuzz_assessment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/chiso-fuzz-units-" + std::to_string(getpid()) + ".csv";
  static const std::string saved_path = path + ".saved.csv";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  std::vector<chiso::unit_info> units;
  if (!chiso_fuzz::accepts("load_units_csv", [&] { units = chiso::load_units_csv(path); })) return 0;
  if (!chiso_fuzz::accepts("assessment", [&] { chiso::assessment(chiso_fuzz::tutorial_plan(), "2025", units); }))
    return 0;
  chiso::save_units_csv(units, saved_path);
  std::vector<chiso::unit_info> reloaded;
  chiso_fuzz::require(chiso_fuzz::accepts("reload units", [&] { reloaded = chiso::load_units_csv(saved_path); }),
                      "saved units reload");
  chiso_fuzz::require(reloaded.size() == units.size(), "saved units reload as many");
  for (std::size_t i = 0; i < units.size(); ++i)
    chiso_fuzz::require(reloaded[i].id == units[i].id && reloaded[i].name == units[i].name &&
                            reloaded[i].group == units[i].group,
                        "saved units reload unchanged", units[i].id);
  return 0;
}
