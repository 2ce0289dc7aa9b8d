#pragma once
/// Loading any detector from its model document, by the estimator name the document holds:
///
///   std::unique_ptr<Detector> model = oddkit::load_detector("model.cbor");
///
/// The built-in detectors are listed in builtin_detector_loaders() below (a new built-in
/// estimator adds its include and one `loader_entry<Class>()` line there); an application's own
/// detector registers at run time with register_detector("Name", &load_detector_as<Name>).

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/detect/detector.hpp"
#include "oddkit/detect/isolation_forest.hpp"
#include "oddkit/detect/one_class_svm.hpp"
#include "oddkit/detect/statistical.hpp"

namespace oddkit {

using DetectorLoader = std::function<std::unique_ptr<Detector>(const Json &)>;

/// The loader of any class with a static from_document(doc).
template <class D> std::unique_ptr<Detector> load_detector_as(const Json &doc) {
    return std::make_unique<D>(D::from_document(doc));
}

namespace detail {

template <class D> std::pair<std::string, DetectorLoader> loader_entry() {
    return {std::string(D().name()), &load_detector_as<D>};
}

inline std::map<std::string, DetectorLoader, std::less<>> builtin_detector_loaders() {
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

} // namespace detail

/// Adds (or replaces) the loader for documents whose "estimator" is `name`.
inline void register_detector(std::string name, DetectorLoader loader) {
    auto &r = detail::DetectorRegistry::instance();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.loaders[std::move(name)] = std::move(loader);
}

/// The estimator names load_detector knows, sorted.
inline std::vector<std::string> registered_detectors() {
    auto &r = detail::DetectorRegistry::instance();
    std::lock_guard<std::mutex> lock(r.mutex);
    std::vector<std::string> names;
    for (const auto &entry : r.loaders) {
        names.push_back(entry.first);
    }
    return names;
}

/// The fitted detector a model document holds; FormatError for a document that is not an
/// oddkit model, names an unknown estimator, or fails that estimator's own checks.
inline std::unique_ptr<Detector> load_detector(const Json &doc) {
    if (!doc.is_object() || !doc.contains("estimator") || !doc["estimator"].is_string()) {
        throw FormatError("model document: not an oddkit model (no estimator name)");
    }
    const auto name = doc["estimator"].get<std::string>();
    DetectorLoader loader;
    {
        auto &r = detail::DetectorRegistry::instance();
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

inline std::unique_ptr<Detector> load_detector(const std::string &path) { return load_detector(read_document(path)); }

} // namespace oddkit
