#pragma once
/// Everything oddkit offers, in one include.

// core/ (layer 0)
#include "oddkit/core/count_or_fraction.hpp"
#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/core/random.hpp"
#include "oddkit/core/statistics.hpp"
#include "oddkit/core/validation.hpp"

// series/ (layer 1)
#include "oddkit/series/autocorrelation.hpp"
#include "oddkit/series/calendar.hpp"
#include "oddkit/series/column.hpp"
#include "oddkit/series/correlation.hpp"
#include "oddkit/series/csv_io.hpp"
#include "oddkit/series/decompose.hpp"
#include "oddkit/series/describe.hpp"
#include "oddkit/series/duration.hpp"
#include "oddkit/series/ewm.hpp"
#include "oddkit/series/fill.hpp"
#include "oddkit/series/frame.hpp"
#include "oddkit/series/join.hpp"
#include "oddkit/series/json_io.hpp"
#include "oddkit/series/merge_asof.hpp"
#include "oddkit/series/quantile_interpolation.hpp"
#include "oddkit/series/resample.hpp"
#include "oddkit/series/rolling.hpp"
#include "oddkit/series/rule.hpp"
#include "oddkit/series/stationarity.hpp"
#include "oddkit/series/time_index.hpp"
#include "oddkit/series/timestamp_text.hpp"
#include "oddkit/series/transform.hpp"
#include "oddkit/series/window_bounds.hpp"

// metrics/ (layer 1)
#include "oddkit/metrics/classification_scores.hpp"
#include "oddkit/metrics/precision_recall_curve.hpp"
#include "oddkit/metrics/roc_curve.hpp"
#include "oddkit/metrics/threshold_counts.hpp"
#include "oddkit/metrics/time_series_split.hpp"

// features/ (layer 2)
#include "oddkit/features/feature_builder.hpp"
#include "oddkit/features/scalers.hpp"

// detect/ (layer 2)
#include "oddkit/detect/detector.hpp"
#include "oddkit/detect/isolation_forest.hpp"
#include "oddkit/detect/kernel.hpp"
#include "oddkit/detect/kernel_cache.hpp"
#include "oddkit/detect/nystroem.hpp"
#include "oddkit/detect/one_class_svm.hpp"
#include "oddkit/detect/smo_solver.hpp"

// learn/ (layer 2)
#include "oddkit/learn/feature_binning.hpp"
#include "oddkit/learn/forest_params.hpp"
#include "oddkit/learn/permutation_importance.hpp"
#include "oddkit/learn/random_forest.hpp"

// stream/ (layer 3)
#include "oddkit/stream/ewma_zscore.hpp"
#include "oddkit/stream/half_space_trees.hpp"
#include "oddkit/stream/load_online_detector.hpp"
#include "oddkit/stream/online_detector.hpp"
#include "oddkit/stream/p_square.hpp"
#include "oddkit/stream/quantile_band.hpp"
#include "oddkit/stream/random_cut_forest.hpp"
#include "oddkit/stream/running_zscore.hpp"
