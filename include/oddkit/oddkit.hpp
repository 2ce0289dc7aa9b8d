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
#include "oddkit/core/distributions.hpp"
#include "oddkit/detect/statistical.hpp"
#include "oddkit/detect/registry.hpp"
#include "oddkit/detect/ensemble.hpp"
