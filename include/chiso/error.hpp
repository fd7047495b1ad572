// Errors. Every error says where the input broke: a JSON path (RFC 6901, "/root/children/2/rule"),
// a record (file and line), a unit and a node. The id ("model.tiers_order") is stable and can be
// searched for; the message is for people.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include "chiso/detail/utf8.hpp"

namespace chiso {

// Base of every chiso error. Derives from std::invalid_argument because every chiso error is
// caused by an input (model, data, parameters); pybind11 maps it to ValueError by default.
// Messages are always valid UTF-8: a byte quoted from a file in another encoding reads \xNN.
class error : public std::invalid_argument {
 public:
  error(std::string id, const std::string& message)
      : std::invalid_argument("[chiso." + id + "] " + detail::escape_invalid_utf8(message)), id_(std::move(id)) {}
  const std::string& id() const noexcept { return id_; }

 private:
  std::string id_;
};

// A model (file or built in code) that breaks the format: `path` is the JSON path of the value.
class model_error : public error {
 public:
  model_error(std::string id, std::string path, const std::string& expectation)
      : error(std::move(id), (path.empty() ? std::string("/") : path) + ": " + expectation),
        path_(path.empty() ? std::string("/") : detail::escape_invalid_utf8(path)),
        expectation_(detail::escape_invalid_utf8(expectation)) {}
  const std::string& path() const noexcept { return path_; }
  // The message without the id and the path.
  const std::string& expectation() const noexcept { return expectation_; }

 private:
  std::string path_, expectation_;
};

// Data that the model cannot take: `unit` and `node` name where (either may be empty), `source`
// names a file and line or a record ("inputs.csv:12") when the data came from one.
class data_error : public error {
 public:
  data_error(std::string id, std::string unit, std::string node, const std::string& what,
             std::string source = {})
      : error(std::move(id), describe(unit, node, source) + what),
        unit_(detail::escape_invalid_utf8(unit)), node_(detail::escape_invalid_utf8(node)),
        source_(detail::escape_invalid_utf8(source)) {}
  const std::string& unit() const noexcept { return unit_; }
  const std::string& node() const noexcept { return node_; }
  const std::string& source() const noexcept { return source_; }

 private:
  static std::string describe(const std::string& unit, const std::string& node,
                              const std::string& source) {
    std::string where = source;
    auto add = [&where](const std::string& part) {
      where += (where.empty() ? "" : ", ") + part;
    };
    if (!unit.empty()) add("unit '" + unit + "'");
    if (!node.empty()) add("criterion '" + node + "'");
    return where.empty() ? where : where + ": ";
  }
  std::string unit_, node_, source_;
};

// Parameters of an analysis step that cannot be used (a weight vector of the wrong length,
// an unknown method name, a pairwise matrix that is not reciprocal…).
class parameter_error : public error {
 public:
  parameter_error(std::string id, const std::string& message) : error(std::move(id), message) {}
};

}  // namespace chiso
