#pragma once
/// Loading any detector from its model document, by the estimator name the document holds:
///
///   std::unique_ptr<Detector> model = oddkit::load_detector("model.cbor");
///
/// The built-in detectors are listed in src/detect/registry.cpp (a new built-in estimator adds
/// its include and one line there); an application's own detector registers at run time with
/// register_detector("Name", &load_detector_as<Name>).
///
/// The registry lives in the compiled library rather than in this header on purpose: a header
/// that constructs every detector makes every translation unit that includes it compile (and
/// emit) every detector's virtual functions, which cost ~50 s per file in the test build.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/detect/detector.hpp"

namespace oddkit {

using DetectorLoader = std::function<std::unique_ptr<Detector>(const Json &)>;

/// The loader of any class with a static from_document(doc).
template <class D> std::unique_ptr<Detector> load_detector_as(const Json &doc) {
    return std::make_unique<D>(D::from_document(doc));
}

/// Adds (or replaces) the loader for documents whose "estimator" is `name`.
void register_detector(std::string name, DetectorLoader loader);

/// The estimator names load_detector knows, sorted.
std::vector<std::string> registered_detectors();

/// The fitted detector a model document holds; FormatError for a document that is not an
/// oddkit model, names an unknown estimator, or fails that estimator's own checks.
std::unique_ptr<Detector> load_detector(const Json &doc);

/// The fitted detector saved at `path` (any of the document encodings).
std::unique_ptr<Detector> load_detector(const std::string &path);

} // namespace oddkit
