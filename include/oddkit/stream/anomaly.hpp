#pragma once
/// What the streaming pipeline reports for a window whose anomaly score exceeds the threshold.

#include <cstdint>
#include <string>
#include <vector>

namespace oddkit {

/// A feature that drove an anomaly: its index in Pipeline::feature_names() and its weight
/// (Isolation Forest: its share of the feature attributions; other detectors: |z| of the value
/// against the device's running mean and standard deviation of that feature).
struct FeatureContribution {
    std::size_t feature = 0;
    double weight = 0.0;
};

struct Anomaly {
    std::string device;
    std::int64_t window_start = 0; ///< ns since the epoch, UTC
    std::int64_t window_end = 0;   ///< exclusive
    std::uint64_t n_events = 0;    ///< events aggregated in the window
    double score = 0.0;            ///< anomaly_score, higher is more anomalous
    std::vector<double> features;  ///< the window's feature row
    std::vector<FeatureContribution> drivers; ///< largest weight first
};

} // namespace oddkit
