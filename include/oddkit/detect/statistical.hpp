#pragma once
/// All the statistical detectors (see docs/statistical_detectors.md).

#include "oddkit/detect/cusum_detector.hpp"
#include "oddkit/detect/ewma_detector.hpp"
#include "oddkit/detect/generalized_esd.hpp"
#include "oddkit/detect/iqr_detector.hpp"
#include "oddkit/detect/mahalanobis_detector.hpp"
#include "oddkit/detect/robust_zscore_detector.hpp"
#include "oddkit/detect/seasonal_detector.hpp"
#include "oddkit/detect/zscore_detector.hpp"
