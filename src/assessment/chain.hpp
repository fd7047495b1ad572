// The hash chains of an assessment (internal): each record, and each act of the schedule, carries
// the SHA-256 of its canonical JSON together with the hash of the entry before it, so a change
// made behind chiso's back (in a file or a database) breaks the chain from there on.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "chiso/assessment/records.hpp"

namespace chiso::detail {

// The fields an entry's hash covers (everything saved but the hash), as JSON.
nlohmann::json canonical(const record& r);
nlohmann::json canonical(const schedule_act& a);
// SHA-256 (hex) of `fields` with "previous": `previous` added, dumped with sorted keys, no spaces
// and UTF-8 as it is: {"applicable":true,"author":"…",…,"previous":"…",…}.
std::string chain_hash(nlohmann::json fields, const std::string& previous);
// The "previous" of a chain's first entry: binds the chain to its model and period. `chain` is
// "records" or "schedule".
std::string chain_genesis(const std::string& model_id, const std::string& period, const char* chain);

}  // namespace chiso::detail
