// The model file (docs/format.md): read with full validation, write losslessly.
// Errors are model_error with the JSON path of the offending value and what was expected.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "chiso/model.hpp"

namespace chiso {

model model_from_json(const nlohmann::json& document, const model_limits& limits = {});
// How deep the JSON of a model may nest (objects and lists), from the limit on levels of nodes.
std::size_t max_json_nesting(const model_limits& limits = {});
// Parses JSON text; nesting and size are checked before parsing.
model parse_model(std::string_view text, const model_limits& limits = {});
model load_model(const std::string& path, const model_limits& limits = {});

nlohmann::json to_json(const model& m);
// Pretty-printed UTF-8 JSON (indent 2), ending with a newline.
std::string dump_model(const model& m);
void save_model(const model& m, const std::string& path);

}  // namespace chiso
