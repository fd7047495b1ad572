// Ranks within groups and across all, on the rounded index; bands.
#include "helpers.hpp"

#include <algorithm>
#include <random>

using namespace chiso_test;
using chiso::tie_rule;

namespace {

std::vector<std::int32_t> ranks(const std::vector<double>& index, tie_rule ties, const std::vector<std::int32_t>& groups = {},
                                int digits = 2, const std::vector<std::string>& names = {}) {
  std::vector<std::int32_t> out(index.size(), -7);
  chiso::unit_namer namer;
  if (!names.empty()) namer = [&names](std::ptrdiff_t row) { return names[static_cast<std::size_t>(row)]; };
  chiso::rank_units(index.data(), static_cast<std::ptrdiff_t>(index.size()), groups.empty() ? nullptr : groups.data(), ties,
                    digits, namer, out.data());
  return out;
}

using R = std::vector<std::int32_t>;

}  // namespace

TEST_CASE("ties: competition 1,2,2,4; dense 1,2,2,3; ordinal by unit id") {
  const std::vector<double> index = {90, 85, 85, 80};
  for (int digits : {2, -1}) {  // the counting-sort path and the comparison path
    CAPTURE(digits);
    CHECK(ranks(index, tie_rule::competition, {}, digits) == R{1, 2, 2, 4});
    CHECK(ranks(index, tie_rule::dense, {}, digits) == R{1, 2, 2, 3});
    // Rows 1 ("xa") and 2 ("bb") tie: "bb" < "xa", so row 2 comes first.
    CHECK(ranks(index, tie_rule::ordinal, {}, digits, {"d", "xa", "bb", "a"}) == R{1, 3, 2, 4});
    // Without names, ordinal falls back to row order.
    CHECK(ranks(index, tie_rule::ordinal, {}, digits) == R{1, 2, 3, 4});
  }
}

TEST_CASE("ties of three, in unsorted rows") {
  const std::vector<double> index = {70, 80, 70, 90, 70, 60};
  // 90 → 1; 80 → 2; three 70s → 3 (competition) / 3 (dense); 60 → 6 / 4.
  CHECK(ranks(index, tie_rule::competition) == R{3, 2, 3, 1, 3, 6});
  CHECK(ranks(index, tie_rule::dense) == R{3, 2, 3, 1, 3, 4});
  // ordinal by name: rows 0 "c", 2 "a", 4 "b" → a 3, b 4, c 5.
  CHECK(ranks(index, tie_rule::ordinal, {}, 2, {"c", "x", "a", "y", "b", "z"}) == R{5, 2, 3, 1, 4, 6});
}

TEST_CASE("ranks within groups") {
  // group 0: rows 0 (70), 2 (80), 4 (70) → 2, 1, 2. group 1: rows 1 (60), 3 (60), 5 (65) → 2, 2, 1.
  const std::vector<double> index = {70, 60, 80, 60, 70, 65};
  const std::vector<std::int32_t> groups = {0, 1, 0, 1, 0, 1};
  for (int digits : {2, -1}) {
    CHECK(ranks(index, tie_rule::competition, groups, digits) == R{2, 2, 1, 2, 2, 1});
    CHECK(ranks(index, tie_rule::dense, groups, digits) == R{2, 2, 1, 2, 2, 1});
    CHECK(ranks(index, tie_rule::ordinal, groups, digits) == R{2, 2, 1, 3, 3, 1});
  }
  // Across all: 80 → 1; 70, 70 → 2; 65 → 4; 60, 60 → 5.
  CHECK(ranks(index, tie_rule::competition) == R{2, 5, 1, 5, 2, 4});
}

TEST_CASE("a NaN index is not ranked (rank 0) and leaves no gap") {
  const std::vector<double> index = {nan_value, 50, 60, nan_value};
  CHECK(ranks(index, tie_rule::competition) == R{0, 2, 1, 0});
  CHECK(ranks(index, tie_rule::competition, {}, -1) == R{0, 2, 1, 0});
  CHECK(ranks({nan_value}, tie_rule::dense) == R{0});
}

TEST_CASE("negative group codes are an error") {
  const chiso::data_error e = caught<chiso::data_error>([] { ranks({1, 2}, tie_rule::competition, {0, -1}); });
  CHECK(e.id() == "data.group");
}

TEST_CASE("ranks use the rounded index") {
  // One criterion of max 100000: 80004, 80001 and 80005 points → raw 80.004, 80.001, 80.005 →
  // rounded 80.00, 80.00, 80.01: the first two tie (their raw indices differ by 0.003 < 0.005).
  json root = inner("R", "sum", {leaf("a", 100000, points_rule())});
  run r(document(root), {{80004}, {80001}, {80005}});
  CHECK(r.index(0) == 80);
  CHECK(r.index(1) == 80);
  CHECK(r.index(2) == 80.01);
  CHECK(r.e.raw_index(0) != r.e.raw_index(1));
  CHECK(r.e.rank(0) == 2);
  CHECK(r.e.rank(1) == 2);
  CHECK(r.e.rank(2) == 1);
  // Without rounding the raw values decide: 80.005, 80.004, 80.001.
  run none(document(root, {{"rounding", {{"mode", "none"}}}}), {{80004}, {80001}, {80005}});
  CHECK(none.e.rank(0) == 2);
  CHECK(none.e.rank(1) == 3);
  CHECK(none.e.rank(2) == 1);
}

TEST_CASE("digits 0: unrounded indices are ranked by their own values, rounded ones tie") {
  // rank_units ranks the values it is given; `digits` only tells it the index may be rounded.
  // 51.4 and 51.6 would round to 51 and 52; 51.5 and 51.6 to the same 52, 51.4 twice is a tie.
  // By hand, highest first: 52.4 (1), 51.6 (2), 51.5 (3), 51.4 and 51.4 (4), 50.5 (6).
  const std::vector<double> unrounded = {51.4, 51.6, 52.4, 51.4, 50.5, 51.5};
  for (int digits : {0, -1}) {
    CAPTURE(digits);
    CHECK(ranks(unrounded, tie_rule::competition, {}, digits) == R{4, 2, 1, 4, 6, 3});
    CHECK(ranks(unrounded, tie_rule::dense, {}, digits) == R{4, 2, 1, 4, 5, 3});
  }
  // The model rounds them half up to 0 digits first: 51, 52, 52, 51, 51, 52 → three tie first.
  json root = inner("R", "sum", {leaf("a", 1000, points_rule())});
  run r(document(root, {{"rounding", {{"digits", 0}}}}), {{514}, {516}, {524}, {514}, {505}, {515}});
  CHECK(r.index(0) == 51);
  CHECK(r.index(1) == 52);
  CHECK(r.index(4) == 51);  // 50.5 half up
  CHECK(r.index(5) == 52);  // 51.5 half up
  CHECK(r.e.rank == (Eigen::Matrix<std::int32_t, 6, 1>() << 4, 1, 1, 4, 4, 1).finished());
  run dense(document(root, {{"rounding", {{"digits", 0}}}, {"ranking", {{"ties", "dense"}}}}),
            {{514}, {516}, {524}, {514}, {505}, {515}});
  CHECK(dense.e.rank == (Eigen::Matrix<std::int32_t, 6, 1>() << 2, 1, 1, 2, 2, 1).finished());
}

TEST_CASE("ranking settings of the model: by group and by all, dense") {
  json root = inner("R", "sum", {leaf("a", 100, points_rule())});
  const std::vector<std::vector<double>> inputs = {{70}, {60}, {80}, {60}};
  const std::vector<std::int32_t> groups = {0, 1, 0, 1};
  run by_group(document(root), inputs, {}, groups);
  CHECK(by_group.e.rank == Eigen::Vector4i(2, 1, 1, 1));
  run by_all(document(root, {{"ranking", {{"by", "all"}}}}), inputs, {}, groups);
  CHECK(by_all.e.rank == Eigen::Vector4i(2, 3, 1, 3));
  run dense(document(root, {{"ranking", {{"by", "all"}, {"ties", "dense"}}}}), inputs, {}, groups);
  CHECK(dense.e.rank == Eigen::Vector4i(2, 3, 1, 3));
  run ordinal(document(root, {{"ranking", {{"by", "all"}, {"ties", "ordinal"}}}}), inputs, {"d", "c", "b", "a"}, groups);
  CHECK(ordinal.e.rank == Eigen::Vector4i(2, 4, 1, 3));  // the 60s: "a" (row 3) before "c" (row 1)
}

namespace {
// Definition of the ranks, quadratic: competition = 1 + units of the group with a higher index;
// dense = 1 + distinct higher indices in the group.
R brute_force(const std::vector<double>& index, const std::vector<std::int32_t>& groups, tie_rule ties) {
  R out(index.size(), 0);
  for (std::size_t i = 0; i < index.size(); ++i) {
    if (std::isnan(index[i])) continue;
    std::vector<double> higher;
    for (std::size_t j = 0; j < index.size(); ++j)
      if (groups[j] == groups[i] && !std::isnan(index[j]) && index[j] > index[i]) higher.push_back(index[j]);
    if (ties == tie_rule::dense) {
      std::sort(higher.begin(), higher.end());
      higher.erase(std::unique(higher.begin(), higher.end()), higher.end());
    }
    out[i] = static_cast<std::int32_t>(higher.size()) + 1;
  }
  return out;
}

std::vector<double> random_indices(std::size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> hundredths(0, 10000);  // 0.00 … 100.00
  std::vector<double> index(n);
  for (double& v : index) v = hundredths(rng) / 100.0;  // the double nearest k / 100, as rounding gives
  for (std::size_t i = 0; i < n; i += 97) index[i] = nan_value;
  return index;
}
}  // namespace

TEST_CASE("counting-sort path and comparison path agree with the definition") {
  std::mt19937 rng(12345);
  {
    const std::size_t n = 2000;
    const std::vector<double> index = random_indices(n, rng);
    std::vector<std::int32_t> groups(n);
    for (std::size_t i = 0; i < n; ++i) groups[i] = static_cast<std::int32_t>(rng() % 3);
    for (tie_rule ties : {tie_rule::competition, tie_rule::dense}) {
      const R expected = brute_force(index, groups, ties);
      CHECK(ranks(index, ties, groups, 2) == expected);
      CHECK(ranks(index, ties, groups, -1) == expected);
    }
  }
  {
    // Many units (many ties): both paths, every tie rule, in groups and across all.
    const std::size_t n = 200000;
    const std::vector<double> index = random_indices(n, rng);
    std::vector<std::int32_t> groups(n);
    std::vector<std::string> names(n);
    for (std::size_t i = 0; i < n; ++i) {
      groups[i] = static_cast<std::int32_t>(rng() % 7);
      names[i] = "u" + std::to_string(rng() % 1000000);
    }
    for (tie_rule ties : {tie_rule::competition, tie_rule::dense, tie_rule::ordinal}) {
      CAPTURE(static_cast<int>(ties));
      CHECK(ranks(index, ties, groups, 2, names) == ranks(index, ties, groups, -1, names));
      CHECK(ranks(index, ties, {}, 2, names) == ranks(index, ties, {}, -1, names));
    }
    // Ordinal ranks in a group are a permutation of 1..size.
    const R ordinal = ranks(index, tie_rule::ordinal, groups, 2, names);
    std::vector<std::vector<std::int32_t>> per_group(7);
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isnan(index[i])) per_group[static_cast<std::size_t>(groups[i])].push_back(ordinal[i]);
    for (auto& g : per_group) {
      std::sort(g.begin(), g.end());
      bool permutation = true;
      for (std::size_t k = 0; k < g.size(); ++k) permutation = permutation && g[k] == static_cast<std::int32_t>(k + 1);
      CHECK(permutation);
    }
  }
}

TEST_CASE("bands: the first whose min ≤ the index") {
  const std::vector<chiso::band> bands = {{90, "Xuất sắc"}, {80, "Tốt"}, {0, "Chưa đạt"}};
  CHECK(chiso::band_of(bands, 95) == 0);
  CHECK(chiso::band_of(bands, 90) == 0);  // min ≤ index: inclusive
  CHECK(chiso::band_of(bands, 89.99) == 1);
  CHECK(chiso::band_of(bands, 80) == 1);
  CHECK(chiso::band_of(bands, 0) == 2);
  CHECK(chiso::band_of(bands, -0.01) == -1);  // below every band
  CHECK(chiso::band_of(bands, nan_value) == -1);
  CHECK(chiso::band_of({}, 50) == -1);
}

TEST_CASE("bands use the rounded index") {
  // 89995 of 100000 → raw 89.995 → 90.00: "Xuất sắc", although the raw index is below 90.
  json bands = {{{"min", 90}, {"label", "Xuất sắc"}}, {{"min", 80}, {"label", "Tốt"}}, {{"min", 0}, {"label", "Chưa đạt"}}};
  json root = inner("R", "sum", {leaf("a", 100000, points_rule())});
  run r(document(root, {{"bands", bands}}), {{89995}, {89994}, {79999}, {5}});
  CHECK(r.e.raw_index(0) < 90);
  // 89.995 → 90.00 → 0; 89.994 → 89.99 → 1; 79.999 → 80.00 → 1 (rounded up into "Tốt"); 0.005 → 0.01 → 2.
  CHECK(r.e.band == Eigen::Vector4i(0, 1, 1, 2));
}

TEST_CASE("one ranking for every engine: the five tie rules on 90, 85, NaN, 85, 80, by hand") {
  const std::vector<double> score = {90, 85, nan_value, 85, 80};
  auto real_ranks = [&](tie_rule ties, bool ascending = false) {
    std::vector<double> out(score.size());
    chiso::rank_values(score.data(), static_cast<std::ptrdiff_t>(score.size()), ascending, ties, out.data());
    return out;
  };
  struct expected {
    tie_rule ties;
    std::vector<double> ranks;  // NaN at position 2: not ranked
  };
  const expected cases[] = {
      {tie_rule::competition, {1, 2, nan_value, 2, 4}},
      {tie_rule::dense, {1, 2, nan_value, 2, 3}},
      {tie_rule::ordinal, {1, 2, nan_value, 3, 4}},  // tied units in row order
      {tie_rule::average, {1, 2.5, nan_value, 2.5, 4}},
      {tie_rule::max, {1, 3, nan_value, 3, 4}},
  };
  for (const expected& e : cases) {
    CAPTURE(chiso::to_string(e.ties));
    const auto got = real_ranks(e.ties);
    for (std::size_t k = 0; k < score.size(); ++k) {
      if (k == 2)
        CHECK(std::isnan(got[k]));
      else
        CHECK(got[k] == e.ranks[k]);
    }
    // The integer ranks of the scored index agree, with 0 for "not ranked".
    if (e.ties != tie_rule::average) {
      const R whole = ranks(score, e.ties, {}, -1);
      for (std::size_t k = 0; k < score.size(); ++k)
        CHECK(whole[k] == (k == 2 ? chiso::not_ranked : static_cast<std::int32_t>(e.ranks[k])));
    }
  }
  const auto ascending = real_ranks(tie_rule::competition, true);
  CHECK(ascending[4] == 1);  // 80 is the smallest
  CHECK(ascending[1] == 2);
  CHECK(ascending[0] == 4);

  // The replication loops' competition ranks, cold and warm-started from a reversed order.
  std::vector<std::int32_t> cold(score.size()), warm(score.size()), warm_keys(score.size());
  std::vector<std::uint32_t> order(score.size()), reversed = {4, 3, 2, 1, 0}, reversed2 = reversed;
  std::vector<double> keys(score.size());
  chiso::rank_descending_competition(score.data(), score.size(), cold.data(), order.data());
  chiso::rank_descending_competition_warm(score.data(), score.size(), warm.data(), reversed.data());
  chiso::rank_descending_competition_warm(score.data(), score.size(), warm_keys.data(), reversed2.data(), keys.data());
  CHECK(cold == R{1, 2, 0, 2, 4});
  CHECK(warm == cold);
  CHECK(warm_keys == cold);
  std::vector<std::int32_t> counted(score.size());
  chiso::rank_descending_competition_counting(score.data(), score.size(), counted.data());
  CHECK(counted == cold);
}

TEST_CASE("R's tie names are translated at the edge; unit ranks refuse average ties") {
  CHECK(chiso::tie_rule_from_r_name("min") == tie_rule::competition);
  CHECK(chiso::tie_rule_from_r_name("first") == tie_rule::ordinal);
  CHECK(chiso::tie_rule_from_r_name("average") == tie_rule::average);
  CHECK(std::string(chiso::r_name(tie_rule::competition)) == "min");
  CHECK(std::string(chiso::r_name(tie_rule::ordinal)) == "first");
  CHECK(caught<chiso::parameter_error>([] { chiso::tie_rule_from_r_name("competition"); }).id() == "analysis.tie_rule");
  CHECK(caught<chiso::parameter_error>([] { ranks({1, 2}, tie_rule::average); }).id() == "ranking.ties");
}
