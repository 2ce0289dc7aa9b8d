#pragma once
// Doubles that may be NaN or infinite, in model documents. JSON has no NaN or infinity
// (nlohmann writes them as null, which would read back as a type error), so a non-finite value
// is written as null (NaN), "inf" or "-inf"; finite values stay numbers and round-trip exactly.

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "oddkit/core/document.hpp"

namespace oddkit::detail {

inline Json encode_double(double v) {
    if (std::isnan(v)) {
        return nullptr;
    }
    if (std::isinf(v)) {
        return v > 0 ? "inf" : "-inf";
    }
    return v;
}

inline double decode_double(const Json &j) {
    if (j.is_null()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (j.is_number()) {
        return j.get<double>();
    }
    if (j.is_string()) {
        const auto &s = j.get_ref<const std::string &>();
        if (s == "inf") {
            return HUGE_VAL;
        }
        if (s == "-inf") {
            return -HUGE_VAL;
        }
    }
    throw FormatError("model document: expected a number, null, \"inf\" or \"-inf\"");
}

inline Json encode_doubles(const double *v, std::size_t n) {
    Json out = Json::array();
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(encode_double(v[i]));
    }
    return out;
}

/// The array at `key` of `object` as doubles; FormatError unless it has exactly `n` entries.
inline std::vector<double> decode_doubles(const Json &object, std::string_view key, std::size_t n) {
    const Json array = document_get<Json>(object, key);
    if (!array.is_array() || array.size() != n) {
        throw FormatError("model document: '" + std::string(key) + "' must be an array of " +
                          std::to_string(n) + " values");
    }
    std::vector<double> out;
    out.reserve(n);
    for (const auto &v : array) {
        out.push_back(decode_double(v));
    }
    return out;
}

} // namespace oddkit::detail
