// The ASEM example (COINr's build_example_coin) for the uncertainty tests and benchmark:
// read the CSVs, then Denominate → Impute (i_mean_grp by EurAsia_group) → Screen (byNA, 0.9),
// the fixed part; Treat (winmax) and Normalise are the uncertain steps, done by a data builder.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "chiso/analysis/data.hpp"
#include "chiso/analysis/denominate.hpp"
#include "chiso/analysis/impute.hpp"
#include "chiso/analysis/normalise.hpp"
#include "chiso/analysis/screen.hpp"
#include "chiso/analysis/treat.hpp"
#include "chiso/sensitivity/uncertainty.hpp"

namespace chiso_bench {

using table = std::vector<std::vector<std::string>>;

inline table read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  table rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (std::size_t k = 0; k < line.size(); ++k) {
      const char c = line[k];
      if (quoted) {
        if (c == '"' && k + 1 < line.size() && line[k + 1] == '"') {
          field += '"';
          ++k;
        } else if (c == '"') {
          quoted = false;
        } else {
          field += c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.push_back(field);
        field.clear();
      } else {
        field += c;
      }
    }
    fields.push_back(field);
    rows.push_back(std::move(fields));
  }
  return rows;
}

inline double number(const std::string& s) {
  if (s.empty() || s == "NA") return chiso::analysis::nan;
  return std::stod(s);
}

struct asem {
  chiso::analysis::hierarchy tree;
  std::vector<std::string> units;  // uCode of the units kept by the screening
  Eigen::MatrixXd screened;        // units × indicators, before treatment
  std::vector<int> directions;
};

inline asem load_asem(const std::string& dir) {
  namespace an = chiso::analysis;
  const table meta = read_csv(dir + "/ASEM_iMeta.csv");
  const table data = read_csv(dir + "/ASEM_iData.csv");
  auto column = [](const std::vector<std::string>& header, const std::string& name) {
    for (std::size_t k = 0; k < header.size(); ++k)
      if (header[k] == name) return k;
    throw std::runtime_error("no column " + name);
  };
  const auto& mh = meta[0];
  std::vector<an::hierarchy_row> rows;
  for (std::size_t r = 1; r < meta.size(); ++r) {
    const auto& m = meta[r];
    const std::string type = m[column(mh, "Type")];
    if (type != "Indicator" && type != "Aggregate") continue;
    an::hierarchy_row h;
    h.code = m[column(mh, "iCode")];
    h.level = std::stoi(m[column(mh, "Level")]);
    h.parent = m[column(mh, "Parent")] == "NA" ? "" : m[column(mh, "Parent")];
    h.weight = number(m[column(mh, "Weight")]);
    h.direction = std::stoi(m[column(mh, "Direction")]);
    h.target = number(m[column(mh, "Target")]);
    h.denominator = m[column(mh, "Denominator")] == "NA" ? "" : m[column(mh, "Denominator")];
    rows.push_back(h);
  }
  asem out;
  out.tree = an::hierarchy(rows);
  out.directions = out.tree.directions();
  const auto codes = out.tree.indicator_codes();
  const auto& dh = data[0];
  const std::vector<std::string> denominators = {"Area", "Energy", "GDP", "Population"};
  const auto n = static_cast<Eigen::Index>(data.size() - 1);
  Eigen::MatrixXd raw(n, static_cast<Eigen::Index>(codes.size())), den(n, 4);
  std::vector<int> groups;
  std::vector<std::string> ucodes;
  for (Eigen::Index u = 0; u < n; ++u) {
    const auto& row = data[static_cast<std::size_t>(u + 1)];
    for (std::size_t c = 0; c < codes.size(); ++c) raw(u, static_cast<Eigen::Index>(c)) = number(row[column(dh, codes[c])]);
    for (std::size_t c = 0; c < 4; ++c) den(u, static_cast<Eigen::Index>(c)) = number(row[column(dh, denominators[c])]);
    groups.push_back(row[column(dh, "EurAsia_group")] == "Europe" ? 0 : 1);
    ucodes.push_back(row[column(dh, "uCode")]);
  }
  const auto denominated = an::denominate(raw, den, an::denominator_columns(out.tree, denominators));
  an::impute_options io;
  io.method = an::impute_method::group_mean;
  io.groups = groups;
  const auto imputed = an::impute(denominated.data, io);
  const auto screened = an::screen_units(imputed.data, 0.9);
  out.screened = screened.data;
  for (auto k : screened.kept) out.units.push_back(ucodes[static_cast<std::size_t>(k)]);
  return out;
}

// Data builder for two uncertain steps: choices[0] = winmax − 1 (1…5), choices[1] = normalisation
// (0: min-max to [1, 100], 1: z-score with mean 10 and sd 2 — COINr's SA vignette alternatives).
// Either may be absent (winmax 5 and min-max [0, 100] — the example coin's — then apply).
inline chiso::uncertainty::data_builder asem_builder(const asem& a, bool vary_winmax, bool vary_norm) {
  return [&a, vary_winmax, vary_norm](const std::size_t* choices, const double*, Eigen::Ref<Eigen::MatrixXd> out) {
    namespace an = chiso::analysis;
    std::size_t next = 0;
    an::treat_options to;
    to.winmax = vary_winmax ? static_cast<int>(choices[next++]) + 1 : 5;
    an::normalise_spec ns;
    if (vary_norm) {
      if (choices[next++] == 0) {
        ns.method = an::normalise_method::min_max;
        ns.lower = 1;
        ns.upper = 100;
      } else {
        ns.method = an::normalise_method::z_score;
        ns.mean = 10;
        ns.sd = 2;
      }
    }
    const auto treated = an::treat(a.screened, to);
    out = an::normalise(treated.data, a.directions, ns);
  };
}

}  // namespace chiso_bench
