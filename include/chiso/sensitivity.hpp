// Uncertainty and sensitivity analysis: sampling designs, Sobol indices, statistics of Monte Carlo
// replications, the analysis of a composite indicator, and what-if questions on a plan.
#pragma once

#include "chiso/sensitivity/designs.hpp"
#include "chiso/sensitivity/sobol.hpp"
#include "chiso/sensitivity/statistics.hpp"
#include "chiso/sensitivity/uncertainty.hpp"
#include "chiso/sensitivity/whatif.hpp"
