// The composite-indicator toolkit (COINr's scope): everything in chiso::analysis.
#pragma once

#include "chiso/analysis/aggregate.hpp"
#include "chiso/analysis/correlation.hpp"
#include "chiso/analysis/data.hpp"
#include "chiso/analysis/denominate.hpp"
#include "chiso/analysis/impute.hpp"
#include "chiso/analysis/mcda.hpp"
#include "chiso/analysis/normalise.hpp"
#include "chiso/analysis/pipeline.hpp"
#include "chiso/analysis/screen.hpp"
#include "chiso/analysis/treat.hpp"
#include "chiso/analysis/weights.hpp"
