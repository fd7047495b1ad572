// Loads a model file, scores three units and prints their results.
//   chiso_consumer examples/models/tutorial-par.json
#include <cstdio>
#include <string>
#include <vector>

#include <chiso/chiso.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL.json\n", argv[0]);
    return 2;
  }
  try {
    const chiso::plan plan(chiso::load_model(argv[1]));
    const chiso::model& model = plan.compiled_model();
    const auto leaves = model.leaf_ids();

    // Three units; inputs in leaf order. NaN would be a missing input.
    const std::vector<std::string> units = {"Ba Đình", "Hoàn Kiếm", "Sở Tư pháp"};
    const std::vector<std::int32_t> groups = {0, 0, 1};
    Eigen::MatrixXd inputs(3, static_cast<Eigen::Index>(leaves.size()));
    Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic> applicable =
        Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>::Constant(3, inputs.cols(), true);
    for (Eigen::Index j = 0; j < inputs.cols(); ++j) {
      const chiso::rule& rule = *model.leaves()[static_cast<std::size_t>(j)]->rule;
      const double max = model.leaves()[static_cast<std::size_t>(j)]->max;
      for (Eigen::Index u = 0; u < 3; ++u) {
        switch (rule.kind) {
          case chiso::rule_kind::points: inputs(u, j) = max - 0.25 * static_cast<double>(u); break;
          case chiso::rule_kind::yes_no: inputs(u, j) = u == 1 ? 0 : 1; break;
          case chiso::rule_kind::tiers: inputs(u, j) = 100 - 4.0 * static_cast<double>(u); break;
          case chiso::rule_kind::proportional: inputs(u, j) = 0.9; break;
          default: inputs(u, j) = static_cast<double>(u); break;
        }
      }
    }
    applicable(2, 0) = false;  // the department has no annual PAR plan of its own

    const chiso::evaluation result = chiso::evaluate(plan, inputs, units, groups, &applicable);
    std::printf("%s (%s)\n", model.info().name.c_str(), chiso::version());
    for (std::size_t u = 0; u < units.size(); ++u) {
      const int band = result.band[static_cast<Eigen::Index>(u)];
      std::printf("%-12s index %6.2f  rank %d  %s\n", units[u].c_str(), result.index[static_cast<Eigen::Index>(u)],
                  result.rank[static_cast<Eigen::Index>(u)],
                  band >= 0 ? model.info().bands[static_cast<std::size_t>(band)].label.c_str() : "-");
    }
  } catch (const chiso::error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
