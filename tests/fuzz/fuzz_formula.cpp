// The formula parser and compiler (src/model/formula.cpp): any text as the `expr` of a leaf with four
// named inputs. What compiles is evaluated on edge-case inputs (zero, negative, huge, NaN,
// decimals). The seeds and fuzz_formula.dict include nestings beyond the parser's limits.
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <chiso/formula.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<chiso::formula> f;
  if (!chiso_fuzz::accepts("formula", [&] {
        f.emplace(text, std::vector<std::string>{"x", "n", "d", "paid_fee"}, "/root/children/0/rule/expr");
      }))
    return 0;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double cases[][4] = {{0, 0, 0, 0}, {1, 2, 3, 4}, {-1, 0, -2.5, 0.005}, {1e308, -1e308, 1e-308, 5e-324},
                             {nan, 1, 0, nan}, {1.005, 0.1, 0.33, 0.56}};
  for (const auto& inputs : cases) chiso_fuzz::accepts("formula.evaluate", [&] { f->evaluate(inputs); });
  return 0;
}
