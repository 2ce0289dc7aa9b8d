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

#include "oddkit/metrics/classification_scores.hpp"
#include "oddkit/metrics/precision_recall_curve.hpp"
#include "oddkit/metrics/roc_curve.hpp"
#include "oddkit/metrics/threshold_counts.hpp"
#include "oddkit/metrics/time_series_split.hpp"

#include "oddkit/learn/feature_binning.hpp"
#include "oddkit/learn/forest_params.hpp"
#include "oddkit/learn/random_forest.hpp"
#include "oddkit/learn/permutation_importance.hpp"
