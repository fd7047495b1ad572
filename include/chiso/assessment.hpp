// The assessment of a period: records, the assessment and its evaluation, files, survey
// microdata, reports.
#pragma once

#include "chiso/assessment/records.hpp"
#include "chiso/assessment/assessment.hpp"
#include "chiso/assessment/io.hpp"
#include "chiso/assessment/survey.hpp"
#include "chiso/assessment/reports.hpp"
