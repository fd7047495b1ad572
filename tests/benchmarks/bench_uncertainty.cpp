// Uncertainty and sensitivity analysis speed on the ASEM example (issue 6).
//   bench_uncertainty [S] [--smoke] [--threads T] [--repeat K]
// 1. Weights-only UA: noise 0.25 at levels 2 and 3, S replications (default 10^5): µs per
//    replication, rank and score statistics included (the goal: ≤ 0.5 µs on one thread);
//    also without the score statistics (score_statistics = false), for what they cost.
// 2. SA with four assumptions (winmax 1–5, min-max vs z-score, noisy weights, arithmetic vs
//    geometric), N = 100, bootstrap 1000: µs per replication (N(d+2) = 600 of them), with and
//    without building the cached data variants.
// Prints the median and the best of K runs, in wall time and in the process's CPU time (on a
// shared machine a one-thread run waits for a core much of its wall time; its CPU time does not
// count the waiting). The numpy reference runs in bench_uncertainty.py. `kernels=` names the
// instruction set of the vector kernels (CHISO_KERNELS caps it: baseline, avx2, avx512).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "bench_uncertainty_asem.hpp"
#include "chiso/detail/instruction_set.hpp"

namespace ua = chiso::uncertainty;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
double cpu_seconds_since(std::clock_t c0) { return static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC; }
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
double best(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }
}  // namespace

int main(int argc, char** argv) {
  std::size_t S = 100000;
  int threads = 0, repeat = 5;
  for (int k = 1; k < argc; ++k) {
    if (!std::strcmp(argv[k], "--smoke")) {
      S = 2000;
      repeat = 1;
    } else if (!std::strcmp(argv[k], "--threads") && k + 1 < argc) {
      threads = std::atoi(argv[++k]);
    } else if (!std::strcmp(argv[k], "--repeat") && k + 1 < argc) {
      repeat = std::atoi(argv[++k]);
    } else if (std::isdigit(static_cast<unsigned char>(argv[k][0])) && std::atoll(argv[k]) > 0) {
      S = static_cast<std::size_t>(std::atoll(argv[k]));
    } else {
      std::fprintf(stderr, "usage: bench_uncertainty [--smoke] [--threads N] [--repeat N] [REPLICATIONS]\n");
      return 2;
    }
  }
  const chiso_bench::asem a = chiso_bench::load_asem(CHISO_TEST_DATA_DIR "/asem");
  Eigen::MatrixXd normalised(static_cast<Eigen::Index>(a.units.size()), a.tree.n_indicators());
  chiso_bench::asem_builder(a, false, false)(nullptr, nullptr, normalised);

  // 1. Weights-only UA.
  std::vector<double> ua_us, ua_cpu_us, ranks_only_cpu_us;
  double checksum = 0;
  for (int k = 0; k < repeat; ++k) {
    for (const bool score_statistics : {true, false}) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::clock_t c0 = std::clock();
      ua::composite_analysis ca(a.tree, normalised, a.units,
                                {ua::assumption::noisy_weights("Weights", {{2, 0.25}, {3, 0.25}})});
      ua::options opt;
      opt.seed = 42;
      opt.threads = threads;
      opt.score_statistics = score_statistics;
      const ua::result r = ca.uncertainty(S, opt);
      const double cpu_us = cpu_seconds_since(c0) * 1e6 / static_cast<double>(S);
      if (score_statistics) {
        ua_us.push_back(seconds_since(t0) * 1e6 / static_cast<double>(S));
        ua_cpu_us.push_back(cpu_us);
      } else {
        ranks_only_cpu_us.push_back(cpu_us);
      }
      checksum += r.stats.rank_mean[0];
    }
  }

  // 2. SA with four assumptions.
  const std::size_t N = 100;
  std::vector<double> sa_us, sa_run_us;
  for (int k = 0; k < repeat; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    ua::composite_analysis ca(
        a.tree, chiso_bench::asem_builder(a, true, true), a.units.size(), a.units,
        {ua::assumption::data_choice("Winmax", {"1", "2", "3", "4", "5"}, 4),
         ua::assumption::data_choice("Normalisation", {"min-max [1,100]", "z-score (10,2)"}),
         ua::assumption::noisy_weights("Weights", {{2, 0.25}, {3, 0.25}}),
         ua::assumption::aggregation_methods("Aggregation", {ua::aggregation::arithmetic, ua::aggregation::geometric})});
    const auto t1 = std::chrono::steady_clock::now();
    ua::options opt;
    opt.seed = 42;
    opt.threads = threads;
    opt.bootstrap = 1000;
    const ua::result r = ca.sensitivity(N, opt);
    const double runs = static_cast<double>(r.replications);
    sa_us.push_back(seconds_since(t0) * 1e6 / runs);
    sa_run_us.push_back(seconds_since(t1) * 1e6 / runs);
    checksum += r.indices.total[0];
  }

  std::printf("ua_weights_only replications=%zu units=%zu threads=%d kernels=%s us_per_replication=%.3f best_us=%.3f "
              "cpu_us_per_replication=%.3f best_cpu_us=%.3f goal_us=0.5 coinr_us=146000\n",
              S, a.units.size(), threads, chiso::detail::to_string(chiso::detail::kernels_instruction_set()),
              median(ua_us), best(ua_us), median(ua_cpu_us), best(ua_cpu_us));
  std::printf("ua_weights_only_without_score_statistics cpu_us_per_replication=%.3f best_cpu_us=%.3f\n",
              median(ranks_only_cpu_us), best(ranks_only_cpu_us));
  std::printf("sa_four_assumptions N=%zu runs=%zu us_per_run=%.3f us_per_run_after_setup=%.3f goal_us=150 "
              "coinr_us=152000\n",
              N, N * 6, median(sa_us), median(sa_run_us));
  std::printf("checksum=%.6f\n", checksum);
  return 0;
}
