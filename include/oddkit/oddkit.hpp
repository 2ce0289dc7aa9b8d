#pragma once
/// Everything oddkit offers, in one include.

#include "oddkit/core/count_or_fraction.hpp"
#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/core/random.hpp"
#include "oddkit/core/statistics.hpp"
#include "oddkit/core/validation.hpp"

#include "oddkit/detect/detector.hpp"
#include "oddkit/detect/isolation_forest.hpp"

#include "oddkit/series/column.hpp"
#include "oddkit/series/csv_io.hpp"
#include "oddkit/series/duration.hpp"
#include "oddkit/series/fill.hpp"
#include "oddkit/series/frame.hpp"
#include "oddkit/series/join.hpp"
#include "oddkit/series/json_io.hpp"
#include "oddkit/series/merge_asof.hpp"
#include "oddkit/series/resample.hpp"
#include "oddkit/series/time_index.hpp"
#include "oddkit/series/timestamp_text.hpp"
