// Reads COINr's ASEM example (tests/data/asem) into chiso's analysis types, for tests.
#pragma once

#include <chiso/analysis/pipeline.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace asem {

using table = std::vector<std::map<std::string, std::string>>;

inline std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) { out.push_back(cur); cur.clear(); }
    else if (c != '\r') cur += c;
  }
  out.push_back(cur);
  return out;
}

inline table read_csv(const std::string& path, std::vector<std::string>* header_out = nullptr) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(f, line);
  const auto header = split_csv(line);
  if (header_out) *header_out = header;
  table rows;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    const auto cells = split_csv(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

inline double number(const std::string& s) {
  if (s.empty() || s == "NA") return std::nan("");
  return std::stod(s);
}

inline std::string dir() { return std::string(CHISO_TEST_DATA_DIR) + "/asem/"; }

inline chiso::analysis::hierarchy hierarchy() {
  std::vector<chiso::analysis::hierarchy_row> rows;
  for (auto& r : read_csv(dir() + "ASEM_iMeta.csv")) {
    if (r["Level"] == "NA") continue;  // groups and denominators
    chiso::analysis::hierarchy_row h;
    h.code = r["iCode"];
    h.level = std::stoi(r["Level"]);
    h.parent = r["Parent"] == "NA" ? "" : r["Parent"];
    h.weight = number(r["Weight"]);
    h.direction = static_cast<int>(number(r["Direction"]));
    h.target = number(r["Target"]);
    h.denominator = r["Denominator"] == "NA" ? "" : r["Denominator"];
    rows.push_back(h);
  }
  return chiso::analysis::hierarchy(rows);
}

inline chiso::analysis::pipeline_input input(const chiso::analysis::hierarchy& h) {
  auto rows = read_csv(dir() + "ASEM_iData.csv");
  chiso::analysis::pipeline_input in;
  const auto codes = h.indicator_codes();
  in.denominator_codes = {"Area", "Energy", "GDP", "Population"};
  in.data.resize(static_cast<std::ptrdiff_t>(rows.size()), static_cast<std::ptrdiff_t>(codes.size()));
  in.denominators.resize(static_cast<std::ptrdiff_t>(rows.size()), 4);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& r = rows[i];
    in.units.push_back(r["uCode"]);
    for (std::size_t j = 0; j < codes.size(); ++j) in.data(static_cast<std::ptrdiff_t>(i), static_cast<std::ptrdiff_t>(j)) = number(r[codes[j]]);
    for (std::size_t d = 0; d < 4; ++d)
      in.denominators(static_cast<std::ptrdiff_t>(i), static_cast<std::ptrdiff_t>(d)) = number(r[in.denominator_codes[d]]);
    for (const char* g : {"GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"}) in.groups[g].push_back(r[g]);
  }
  return in;
}

}  // namespace asem
