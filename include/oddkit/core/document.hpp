#pragma once
/// Model documents: every fitted estimator round-trips through one versioned JSON value
///
///   {"format": "oddkit-model", "version": V, "estimator": "IsolationForest",
///    "library_version": "0.1.0", "params": {...}, "state": {...}, "checksum": "..."}
///
/// written as JSON text (.json), CBOR (.cbor) or MessagePack (.msgpack). Keys are sorted, so
/// the same model gives the same bytes from C++ and Python. The checksum (FNV-1a 64 over the
/// CBOR encoding of params and state) makes a corrupted but still parseable file a FormatError
/// instead of a silently different model. Files are written to a temporary name and renamed.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "oddkit/core/error.hpp"

namespace oddkit {

using Json = nlohmann::json;

inline constexpr std::string_view document_format = "oddkit-model";
inline constexpr std::string_view library_version = "0.1.0";

enum class Encoding { json, cbor, msgpack };

/// The encoding a file name asks for: .cbor, .msgpack/.mpk, otherwise JSON.
Encoding encoding_for_path(std::string_view path);

/// A new document for `estimator` at format `version`.
Json make_document(std::string_view estimator, int version, Json params, Json state);

/// Checks a document is an oddkit model of `estimator` at a version this build reads
/// (<= max_version) and that its checksum matches; throws FormatError otherwise.
/// Returns the document's version.
int check_document(const Json &doc, std::string_view estimator, int max_version);

/// Bytes of `doc` in `encoding` (JSON is compact text).
std::vector<std::uint8_t> encode_document(const Json &doc, Encoding encoding);

/// Parses bytes in any of the three encodings (detected from the first byte).
/// Throws FormatError on empty, truncated or malformed input.
Json decode_document(const std::uint8_t *data, std::size_t size);
inline Json decode_document(const std::vector<std::uint8_t> &bytes) {
    return decode_document(bytes.data(), bytes.size());
}

/// Writes atomically: a temporary file beside `path`, flushed, then renamed over it.
void write_document(const Json &doc, const std::string &path);

/// Reads a document from a file; FormatError if missing, unreadable or malformed.
Json read_document(const std::string &path);

/// Reads `key` of an object as T, throwing FormatError naming the key when it is missing or of
/// the wrong type.
template <class T> T document_get(const Json &object, std::string_view key) {
    if (!object.is_object()) {
        throw FormatError("model document: expected an object holding '" + std::string(key) + "'");
    }
    auto it = object.find(key);
    if (it == object.end()) {
        throw FormatError("model document: missing key '" + std::string(key) + "'");
    }
    try {
        return it->template get<T>();
    } catch (const nlohmann::json::exception &e) {
        throw FormatError("model document: key '" + std::string(key) + "' has the wrong type (" +
                          e.what() + ")");
    }
}

/// The parameters of a model document: Params::from_json, then validate(). Anything wrong is a
/// FormatError (a damaged or hand-edited file), not an InvalidArgument.
template <class Params> Params document_params(const Json &doc) {
    try {
        Params params = Params::from_json(doc.at("params"));
        params.validate();
        return params;
    } catch (const InvalidArgument &e) {
        throw FormatError(std::string("model document: invalid parameters: ") + e.what());
    } catch (const nlohmann::json::exception &e) {
        throw FormatError(std::string("model document: invalid parameters: ") + e.what());
    }
}

} // namespace oddkit
