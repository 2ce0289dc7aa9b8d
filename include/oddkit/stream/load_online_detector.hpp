#pragma once
/// Restores any online detector from its model document, for a pipeline that holds detectors
/// as OnlineDetector pointers and does not know their types when it restarts.

#include <memory>
#include <string>

#include "oddkit/stream/ewma_zscore.hpp"
#include "oddkit/stream/half_space_trees.hpp"
#include "oddkit/stream/online_detector.hpp"
#include "oddkit/stream/quantile_band.hpp"
#include "oddkit/stream/random_cut_forest.hpp"
#include "oddkit/stream/running_zscore.hpp"

namespace oddkit {

/// The detector a document holds, by its "estimator" name; FormatError for anything else.
inline std::unique_ptr<OnlineDetector> online_detector_from_document(const Json &doc) {
    const auto name = doc.is_object() && doc.contains("estimator") && doc["estimator"].is_string()
                          ? doc["estimator"].get<std::string>()
                          : std::string();
    if (name == "RunningZScore") {
        return std::make_unique<RunningZScore>(RunningZScore::from_document(doc));
    }
    if (name == "EWMAZScore") {
        return std::make_unique<EWMAZScore>(EWMAZScore::from_document(doc));
    }
    if (name == "QuantileBand") {
        return std::make_unique<QuantileBand>(QuantileBand::from_document(doc));
    }
    if (name == "HalfSpaceTrees") {
        return std::make_unique<HalfSpaceTrees>(HalfSpaceTrees::from_document(doc));
    }
    if (name == "RandomCutForest") {
        return std::make_unique<RandomCutForest>(RandomCutForest::from_document(doc));
    }
    throw FormatError("model document: not an online detector (estimator '" + name + "')");
}

inline std::unique_ptr<OnlineDetector> load_online_detector(const std::string &path) {
    return online_detector_from_document(read_document(path));
}

} // namespace oddkit
