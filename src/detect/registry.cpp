// The detector registry behind load_detector (see oddkit/detect/registry.hpp for why it is
// compiled here and not in the header).
#include "oddkit/detect/registry.hpp"

#include <map>
#include <mutex>
#include <utility>

#include "oddkit/detect/ensemble.hpp"
#include "oddkit/detect/isolation_forest.hpp"
#include "oddkit/detect/one_class_svm.hpp"
#include "oddkit/detect/statistical.hpp"

namespace oddkit {
namespace {

template <class D> std::pair<std::string, DetectorLoader> loader_entry() {
    return {std::string(D().name()), &load_detector_as<D>};
}

std::map<std::string, DetectorLoader, std::less<>> builtin_detector_loaders() {
    return {
        loader_entry<IsolationForest>(),
        loader_entry<OneClassSVM>(),
        loader_entry<ZScoreDetector>(),
        loader_entry<RobustZScoreDetector>(),
        loader_entry<IQRDetector>(),
        loader_entry<GeneralizedESD>(),
        loader_entry<EWMADetector>(),
        loader_entry<CUSUMDetector>(),
        loader_entry<SeasonalDetector>(),
        loader_entry<MahalanobisDetector>(),
        // Ensembles are detectors too, and may be nested inside one another.
        {"Ensemble", &load_detector_as<Ensemble>},
    };
}

struct DetectorRegistry {
    std::mutex mutex;
    std::map<std::string, DetectorLoader, std::less<>> loaders = builtin_detector_loaders();

    static DetectorRegistry &instance() {
        static DetectorRegistry registry;
        return registry;
    }
};

} // namespace

void register_detector(std::string name, DetectorLoader loader) {
    auto &r = DetectorRegistry::instance();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.loaders[std::move(name)] = std::move(loader);
}

std::vector<std::string> registered_detectors() {
    auto &r = DetectorRegistry::instance();
    std::lock_guard<std::mutex> lock(r.mutex);
    std::vector<std::string> names;
    for (const auto &entry : r.loaders) {
        names.push_back(entry.first);
    }
    return names;
}

std::unique_ptr<Detector> load_detector(const Json &doc) {
    if (!doc.is_object() || !doc.contains("estimator") || !doc["estimator"].is_string()) {
        throw FormatError("model document: not an oddkit model (no estimator name)");
    }
    const auto name = doc["estimator"].get<std::string>();
    DetectorLoader loader;
    {
        auto &r = DetectorRegistry::instance();
        std::lock_guard<std::mutex> lock(r.mutex);
        auto it = r.loaders.find(name);
        if (it == r.loaders.end()) {
            throw FormatError("model document: unknown estimator '" + name + "' (not a registered detector)");
        }
        loader = it->second;
    }
    try {
        return loader(doc);
    } catch (const Json::exception &e) {
        throw FormatError(std::string("model document: malformed ") + name + " (" + e.what() + ")");
    }
}

std::unique_ptr<Detector> load_detector(const std::string &path) { return load_detector(read_document(path)); }

} // namespace oddkit
