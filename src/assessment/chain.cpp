#include "chain.hpp"

#include <cmath>

#include "sha256.hpp"

namespace chiso::detail {

// The hash of an entry of a chain: SHA-256 of its canonical JSON (keys sorted, no spaces, UTF-8)
// with the hash of the entry before it as "previous".
std::string chain_hash(nlohmann::json fields, const std::string& previous) {
  fields["previous"] = previous;
  return detail::sha256_hex(fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict));
}

nlohmann::json canonical(const record& r) {
  return {{"unit", r.unit},
          {"criterion", r.criterion},
          {"stage", to_string(r.stage)},
          {"value", std::isnan(r.value) ? nlohmann::json(nullptr) : nlohmann::json(r.value)},
          {"applicable", r.applicable},
          {"evidence", r.evidence},
          {"explanation", r.explanation},
          {"note", r.note},
          {"author", r.author},
          {"timestamp", r.timestamp},
          {"entered_at", r.entered_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.entered_at)}};
}

nlohmann::json canonical(const schedule_act& a) {
  return {{"act", to_string(a.act)},
          {"stage", to_string(a.stage)},
          {"when", a.when},
          {"note", a.note},
          {"author", a.author},
          {"timestamp", a.timestamp},
          {"entered_at", a.entered_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.entered_at)}};
}


std::string chain_genesis(const std::string& model_id, const std::string& period, const char* chain) {
  return chain_hash({{"format", "chiso-assessment/1"}, {"model", model_id}, {"period", period}, {"chain", chain}}, "");
}

}  // namespace chiso::detail
