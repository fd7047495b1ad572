// The bundled service-index model (examples/models/service-index-766.json) against the national
// public-service portal's published scores: Phú Thọ (H44, the province; H44.xx its agencies and
// communes), month 2026-08, copied from the project's notes on the portal (domain/SERVICE_INDEX_766.md)
// so that a fresh clone tests them. The published numerators and denominators go in unchanged; every published metric
// score (two decimals) and every group sum the sample covers must come out exactly.
#include <doctest/doctest.h>

#include <chiso/chiso.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace {

struct observation {
  std::string unit, metric;
  std::vector<double> inputs;  // numerator, denominator; or the five payment fields; or a rate
  double published;
};

const std::vector<std::string> payment_fields = {
    "totalDossierOnlinePaymentSuccess", "totalDossierFinancialObligation",
    "totalDossierOnlineFormalityPaymentSuccess", "totalFeeDossierFormality", "totalFeeFormality"};

const std::vector<observation> observations = {
    {"H44", "DVC_PROGRESS_ON_TIME", {144625, 184513}, 15.68},
    {"H44.01", "DVC_PROGRESS_ON_TIME", {0, 0}, 0},
    {"H44.03", "DVC_PROGRESS_ON_TIME", {486, 588}, 16.53},
    {"H44", "ONLINE_PAYMENT", {82913, 98459, 93, 56, 310}, 6.25},
    {"H44.01", "ONLINE_PAYMENT", {0, 0, 0, 0, 1}, 0},
    {"H44.03", "ONLINE_PAYMENT", {7, 7, 2, 0, 3}, 7.67},
    {"H44", "DOSSIER_RECEIVING_SATISFACTION", {144574, 184513}, 5.22},
    {"H44.01", "DOSSIER_RECEIVING_SATISFACTION", {0, 0}, 0},
    {"H44.03", "DOSSIER_RECEIVING_SATISFACTION", {486, 588}, 5.51},
    {"H44", "PETITION_PROCESSING_ON_TIME", {182, 247}, 4.42},
    {"H44.01", "PETITION_PROCESSING_ON_TIME", {0, 0}, 6},
    {"H44.03", "PETITION_PROCESSING_ON_TIME", {0, 0}, 6},
    {"H44", "PETITION_HANDLING_SATISFACTION", {137, 247}, 3.33},
    {"H44.01", "PETITION_HANDLING_SATISFACTION", {0, 0}, 6},
    {"H44.03", "PETITION_HANDLING_SATISFACTION", {0, 0}, 6},
    {"H44", "ORIGINAL_RESULT_AVAILABLE", {133274, 184513}, 4.33},
    {"H44.03", "ORIGINAL_RESULT_AVAILABLE", {385, 588}, 3.93},
    {"H44.07", "ORIGINAL_RESULT_AVAILABLE", {339, 482}, 4.22},
    {"H44", "SO_HOA_GIAY_TO_GIAI_QUYET", {21233, 184513}, 0.46},
    {"H44.03", "SO_HOA_GIAY_TO_GIAI_QUYET", {312, 588}, 2.12},
    {"H44.07", "SO_HOA_GIAY_TO_GIAI_QUYET", {231, 482}, 1.92},
    {"H44", "REUSED_DIGITIZED_DATA", {3160, 184513}, 0.04},
    {"H44.03", "REUSED_DIGITIZED_DATA", {0, 588}, 0},
    {"H44.07", "REUSED_DIGITIZED_DATA", {0, 482}, 0},
    {"H44", "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", {0, 184513}, 0},
    {"H44.03", "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", {0, 588}, 0},
    {"H44.07", "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", {0, 482}, 0},
    {"H44", "CITIZEN_DATA_CONNECTED_DOSSIER", {85644, 184513}, 0.93},
    {"H44.03", "CITIZEN_DATA_CONNECTED_DOSSIER", {588, 588}, 2},
    {"H44.07", "CITIZEN_DATA_CONNECTED_DOSSIER", {482, 482}, 2},
    {"H44", "CITIZEN_DATA_CONNECTED_FORMALITY", {297, 1301}, 0.46},
    {"H44.01", "CITIZEN_DATA_CONNECTED_FORMALITY", {0, 3}, 0},
    {"H44.03", "CITIZEN_DATA_CONNECTED_FORMALITY", {10, 42}, 0.48},
    {"H44", "ELECTRONIC_CERTIFIED_COPY", {100}, 2},
    {"H44.01", "ELECTRONIC_CERTIFIED_COPY", {100}, 2},
    {"H44.03", "ELECTRONIC_CERTIFIED_COPY", {100}, 2},
    {"H44", "PUBLIC_CONTENT_FULL", {87, 89}, 1.96},
    {"H44.01", "PUBLIC_CONTENT_FULL", {87, 89}, 1.96},
    {"H44.03", "PUBLIC_CONTENT_FULL", {87, 89}, 1.96},
    {"H44", "DOSSIER_SYNC", {138744, 138744}, 6},
    {"H44.03", "DOSSIER_SYNC", {380, 380}, 6},
    {"H44.07", "DOSSIER_SYNC", {234, 234}, 6},
};

const std::vector<std::string> units = {"H44", "H44.01", "H44.03", "H44.07"};

const std::vector<std::pair<std::string, std::vector<std::string>>> groups = {
    {"G1", {"PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME", "PUBLIC_CONTENT_FULL", "DOSSIER_SYNC"}},
    {"G2", {"DVC_PROGRESS_ON_TIME"}},
    {"G3", {"ONLINE_SERVICES"}},
    {"G4", {"ONLINE_PAYMENT"}},
    {"G5", {"ORIGINAL_RESULT_AVAILABLE", "SO_HOA_GIAY_TO_GIAI_QUYET", "ELECTRONIC_CERTIFIED_COPY", "REUSED_DIGITIZED_DATA",
            "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "CITIZEN_DATA_CONNECTED_DOSSIER", "CITIZEN_DATA_CONNECTED_FORMALITY"}},
    {"G6", {"DOSSIER_RECEIVING_SATISFACTION", "PETITION_PROCESSING_ON_TIME", "PETITION_HANDLING_SATISFACTION"}},
};

std::vector<std::string> columns_of(const std::string& metric) {
  if (metric == "ONLINE_PAYMENT") {
    std::vector<std::string> out;
    for (const auto& field : payment_fields) out.push_back(metric + "." + field);
    return out;
  }
  if (metric == "ELECTRONIC_CERTIFIED_COPY" || metric == "ONLINE_SERVICES") return {metric};
  return {metric + ".numerator", metric + ".denominator"};
}

chiso::plan load_plan() { return chiso::plan(chiso::load_model(std::string(CHISO_SOURCE_DIR) + "/examples/models/service-index-766.json")); }

// Units × input columns, zero where the sample has no observation (those points are not checked).
Eigen::MatrixXd published_inputs(const chiso::plan& plan) {
  const auto& columns = plan.input_columns();
  Eigen::MatrixXd inputs = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(units.size()), static_cast<Eigen::Index>(columns.size()));
  for (const auto& o : observations) {
    const auto row = std::find(units.begin(), units.end(), o.unit) - units.begin();
    const auto names = columns_of(o.metric);
    REQUIRE(names.size() == o.inputs.size());
    for (std::size_t k = 0; k < names.size(); ++k) {
      const auto column = std::find(columns.begin(), columns.end(), names[k]) - columns.begin();
      REQUIRE(column < static_cast<std::ptrdiff_t>(columns.size()));
      inputs(row, column) = o.inputs[k];
    }
  }
  return inputs;
}

double points(const chiso::plan& plan, const chiso::evaluation& r, const std::string& unit, const std::string& id) {
  const auto row = std::find(units.begin(), units.end(), unit) - units.begin();
  const auto k = plan.plan_position(id);
  const auto column = std::find(r.nodes.begin(), r.nodes.end(), k) - r.nodes.begin();
  REQUIRE(column < static_cast<std::ptrdiff_t>(r.nodes.size()));
  return r.points(row, column);
}

}  // namespace

TEST_CASE("service index: the model takes the portal's figures as its input columns") {
  const auto plan = load_plan();
  std::vector<std::string> expected;
  for (const auto& [group, metrics] : groups)
    for (const auto& metric : metrics)
      for (const auto& column : columns_of(metric)) expected.push_back(column);
  auto columns = plan.input_columns();
  std::sort(columns.begin(), columns.end());
  std::sort(expected.begin(), expected.end());
  CHECK(columns == expected);
  CHECK(plan.leaf_count() == 17);
}

TEST_CASE("service index: every published metric score of Phú Thọ 2026-08, and the group sums") {
  const auto plan = load_plan();
  const auto r = chiso::evaluate(plan, published_inputs(plan), units);
  std::map<std::pair<std::string, std::string>, double> published;
  for (const auto& o : observations) {
    CAPTURE(o.unit);
    CAPTURE(o.metric);
    CHECK(std::abs(points(plan, r, o.unit, o.metric) - o.published) < 1e-9);
    published[{o.unit, o.metric}] = o.published;
  }
  int checked = 0;
  for (const auto& unit : units)
    for (const auto& group_metrics : groups) {
      const auto& group = group_metrics.first;  // not a structured binding: CAPTURE's lambda takes it (clang)
      const auto& metrics = group_metrics.second;
      double sum = 0;
      bool complete = true;
      for (const auto& metric : metrics) {
        const auto it = published.find({unit, metric});
        complete = complete && it != published.end();
        if (it != published.end()) sum += it->second;
      }
      if (!complete) continue;
      CAPTURE(unit);
      CAPTURE(group);
      CHECK(std::abs(points(plan, r, unit, group) - sum) < 1e-9);
      ++checked;
    }
  CHECK(checked == 11);  // G2, G4, G6 of H44, H44.01, H44.03; G5 of H44 and H44.03
  CHECK(std::abs(points(plan, r, "H44", "G6") - 12.97) < 1e-9);    // 5.22 + 4.42 + 3.33
  CHECK(std::abs(points(plan, r, "H44.03", "G5") - 10.53) < 1e-9); // 3.93 + 2.12 + 2 + 0 + 0 + 2 + 0.48
}

TEST_CASE("service index: online payment rounds each of its three terms before adding them") {
  // A = 1/3: 6A = 2; B = C = 102/10000: 2.5B = 2.5C = 0.0255 → 0.03 each. Terms rounded first: 2.06;
  // the sum rounded once would be 2.05.
  const auto plan = load_plan();
  const auto& columns = plan.input_columns();
  Eigen::MatrixXd inputs = Eigen::MatrixXd::Zero(1, static_cast<Eigen::Index>(columns.size()));
  const std::vector<double> payment = {1, 3, 102, 102, 10000};
  const auto names = columns_of("ONLINE_PAYMENT");
  for (std::size_t k = 0; k < names.size(); ++k)
    inputs(0, std::find(columns.begin(), columns.end(), names[k]) - columns.begin()) = payment[k];
  const auto r = chiso::evaluate(plan, inputs, {"H44"});
  CHECK(std::abs(points(plan, r, "H44", "ONLINE_PAYMENT") - 2.06) < 1e-9);
}
