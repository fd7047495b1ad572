// Small helpers the analysis tests share: hierarchy rows, the message of a thrown chiso error.
#pragma once

#include <chiso/analysis/data.hpp>
#include <chiso/error.hpp>

#include <functional>
#include <string>

namespace analysis_test {

inline chiso::analysis::hierarchy_row row(const char* code, int level, const char* parent, double weight,
                                          int direction = 1) {
  chiso::analysis::hierarchy_row r;
  r.code = code;
  r.level = level;
  r.parent = parent;
  r.weight = weight;
  r.direction = direction;
  return r;
}

// The message of the chiso::error `f` throws ("" if none).
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const chiso::error& e) {
    return e.what();
  }
  return "";
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace analysis_test
