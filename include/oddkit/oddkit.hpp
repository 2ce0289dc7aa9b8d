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

#include "oddkit/stream/ewma_zscore.hpp"
#include "oddkit/stream/half_space_trees.hpp"
#include "oddkit/stream/load_online_detector.hpp"
#include "oddkit/stream/online_detector.hpp"
#include "oddkit/stream/p_square.hpp"
#include "oddkit/stream/quantile_band.hpp"
#include "oddkit/stream/random_cut_forest.hpp"
#include "oddkit/stream/running_zscore.hpp"

#include "oddkit/series/autocorrelation.hpp"
#include "oddkit/series/calendar.hpp"
#include "oddkit/series/correlation.hpp"
#include "oddkit/series/decompose.hpp"
#include "oddkit/series/describe.hpp"
#include "oddkit/series/duration.hpp"
#include "oddkit/series/ewm.hpp"
#include "oddkit/series/rolling.hpp"
#include "oddkit/series/stationarity.hpp"
#include "oddkit/series/transform.hpp"
#include "oddkit/series/window_bounds.hpp"

#include "oddkit/features/feature_builder.hpp"
#include "oddkit/features/scalers.hpp"
#include "oddkit/detect/one_class_svm.hpp"
