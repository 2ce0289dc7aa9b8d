#pragma once
// A tiny reader for the examples: a CSV of numbers (no header) into an owned matrix.

#include <charconv>
#include <fstream>
#include <string>
#include <vector>

#include <oddkit/oddkit.hpp>

inline oddkit::Matrix read_numeric_csv(const std::string &path) {
    std::ifstream in(path);
    if (!in) {
        throw oddkit::InvalidArgument("path: cannot open '" + path + "'");
    }
    std::vector<double> values;
    std::size_t rows = 0, cols = 0;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        std::size_t count = 0;
        const char *p = line.data();
        const char *end = line.data() + line.size();
        while (p < end) {
            double v = 0;
            auto [next, ec] = std::from_chars(p, end, v);
            if (ec != std::errc()) {
                throw oddkit::InvalidArgument(path + ": line " + std::to_string(rows + 1) + " is not numeric");
            }
            values.push_back(v);
            ++count;
            p = next < end && *next == ',' ? next + 1 : next;
            if (p < end && *p == '\r') {
                break;
            }
        }
        if (cols == 0) {
            cols = count;
        } else if (count != cols) {
            throw oddkit::InvalidArgument(path + ": line " + std::to_string(rows + 1) + " has " +
                                          std::to_string(count) + " values, expected " + std::to_string(cols));
        }
        ++rows;
    }
    oddkit::Matrix X = xt::empty<double>({rows, cols});
    std::copy(values.begin(), values.end(), X.begin());
    return X;
}
