// The model loader: any bytes as a model file. What is accepted must compile into a plan,
// evaluate one unit, and survive a save and reload unchanged.
#include <optional>
#include <string>
#include <string_view>

#include <chiso/chiso.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using chiso_fuzz::accepts;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  chiso::model_limits limits;
  limits.max_nodes = 2000;  // keeps each execution fast; the limit itself is part of what is fuzzed
  std::optional<chiso::model> m;
  if (!accepts("parse_model", [&] { m.emplace(chiso::parse_model(text, limits)); })) return 0;
  const chiso::model* parsed = &*m;

  std::string saved;
  accepts("dump_model", [&] { saved = chiso::dump_model(*parsed); });
  chiso_fuzz::require(!saved.empty(), "an accepted model saves");
  std::optional<chiso::model> reloaded;
  chiso_fuzz::require(accepts("reload", [&] { reloaded.emplace(chiso::parse_model(saved, limits)); }),
                      "a saved model reloads", saved);
  chiso_fuzz::require(chiso::dump_model(*reloaded) == saved, "save → load → save is stable", saved);

  accepts("plan+evaluate", [&] {
    const chiso::plan p(*parsed);
    const auto leaves = parsed->leaves();
    Eigen::MatrixXd inputs(2, static_cast<Eigen::Index>(leaves.size()));
    for (Eigen::Index j = 0; j < inputs.cols(); ++j) {
      inputs(0, j) = leaves[static_cast<std::size_t>(j)]->max;
      inputs(1, j) = 0;
    }
    chiso::evaluate(p, inputs, {"u1", "u2"});
  });
  return 0;
}
