#include "oddkit/core/document.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

namespace oddkit {

namespace {

std::uint64_t fnv1a64(const std::vector<std::uint8_t> &bytes) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (auto b : bytes) {
        h ^= b;
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::string checksum_of(const Json &params, const Json &state) {
    const Json body = {{"params", params}, {"state", state}};
    char text[17];
    std::snprintf(text, sizeof text, "%016llx",
                  static_cast<unsigned long long>(fnv1a64(Json::to_cbor(body))));
    return text;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

} // namespace

Encoding encoding_for_path(std::string_view path) {
    if (ends_with(path, ".cbor")) {
        return Encoding::cbor;
    }
    if (ends_with(path, ".msgpack") || ends_with(path, ".mpk")) {
        return Encoding::msgpack;
    }
    return Encoding::json;
}

Json make_document(std::string_view estimator, int version, Json params, Json state) {
    Json doc;
    doc["format"] = document_format;
    doc["version"] = version;
    doc["estimator"] = estimator;
    doc["library_version"] = library_version;
    doc["checksum"] = checksum_of(params, state);
    doc["params"] = std::move(params);
    doc["state"] = std::move(state);
    return doc;
}

int check_document(const Json &doc, std::string_view estimator, int max_version) {
    if (!doc.is_object()) {
        throw FormatError("model document: not an oddkit model (expected a JSON object)");
    }
    auto format = doc.find("format");
    if (format == doc.end() || !format->is_string() || *format != document_format) {
        throw FormatError("model document: not an oddkit model (no \"format\": \"oddkit-model\")");
    }
    const auto name = document_get<std::string>(doc, "estimator");
    if (name != estimator) {
        throw FormatError("model document: holds a " + name + ", expected a " + std::string(estimator));
    }
    const auto version = document_get<int>(doc, "version");
    if (version < 1 || version > max_version) {
        throw FormatError("model document: " + std::string(estimator) + " format version " +
                          std::to_string(version) + " is not supported (this build reads 1 to " +
                          std::to_string(max_version) + "; a newer oddkit wrote it?)");
    }
    const auto stored = document_get<std::string>(doc, "checksum");
    if (!doc.contains("params") || !doc.contains("state")) {
        throw FormatError("model document: missing params or state");
    }
    if (stored != checksum_of(doc["params"], doc["state"])) {
        throw FormatError("model document: checksum mismatch (the file is corrupted or was edited)");
    }
    return version;
}

std::vector<std::uint8_t> encode_document(const Json &doc, Encoding encoding) {
    switch (encoding) {
    case Encoding::cbor:
        return Json::to_cbor(doc);
    case Encoding::msgpack:
        return Json::to_msgpack(doc);
    case Encoding::json:
        break;
    }
    const std::string text = doc.dump();
    return {text.begin(), text.end()};
}

Json decode_document(const std::uint8_t *data, std::size_t size) {
    if (size == 0 || data == nullptr) {
        throw FormatError("model document: empty input");
    }
    std::size_t first = 0;
    while (first < size && (data[first] == ' ' || data[first] == '\n' || data[first] == '\r' ||
                            data[first] == '\t')) {
        ++first;
    }
    if (first == size) {
        throw FormatError("model document: empty input");
    }
    const std::uint8_t lead = data[first];
    try {
        if (lead == '{') {
            return Json::parse(data + first, data + size);
        }
        if ((lead >= 0xa0 && lead <= 0xbf)) { // CBOR map
            return Json::from_cbor(data, data + size);
        }
        if ((lead >= 0x80 && lead <= 0x8f) || lead == 0xde || lead == 0xdf) { // MessagePack map
            return Json::from_msgpack(data, data + size);
        }
    } catch (const nlohmann::json::exception &e) {
        throw FormatError(std::string("model document: malformed or truncated (") + e.what() + ")");
    }
    throw FormatError("model document: not an oddkit model (unknown encoding)");
}

void write_document(const Json &doc, const std::string &path) {
    namespace fs = std::filesystem;
    const auto bytes = encode_document(doc, encoding_for_path(path));
    std::random_device entropy;
    const fs::path target(path);
    const fs::path temp = target.string() + ".tmp-" + std::to_string(entropy());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw FormatError("path: cannot write '" + path + "'");
        }
        out.write(reinterpret_cast<const char *>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            out.close();
            std::error_code ignored;
            fs::remove(temp, ignored);
            throw FormatError("path: writing '" + path + "' failed");
        }
    }
    std::error_code ec;
    fs::rename(temp, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(temp, ignored);
        throw FormatError("path: cannot replace '" + path + "': " + ec.message());
    }
}

Json read_document(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw FormatError("path: cannot open '" + path + "' (missing or unreadable)");
    }
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return decode_document(bytes);
    } catch (const FormatError &e) {
        throw FormatError("'" + path + "': " + e.what());
    }
}

} // namespace oddkit
