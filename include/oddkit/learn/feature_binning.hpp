#pragma once
/// Quantile binning of features for histogram split finding: each feature gets at most
/// max_bins - 1 edges (so codes fit a byte), computed once per fit from a sub-sample of rows.
/// A value x falls in bin b = (number of edges < x), so `code <= b` holds exactly when
/// `x <= edges[b]`: a split found on codes is the raw-value split `x <= edges[b]`, and trees
/// predict on raw values without binning. A feature with few distinct values gets an edge at
/// each midpoint between them, so its histogram splits are exact; when that holds for every row
/// (not only the sampled ones) the feature also records each bin's value, so a split between two
/// bins can be placed at the midpoint of the two values, as an exact search places it.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/core/random.hpp"

namespace oddkit {

/// A threshold strictly between a < b that rounds to neither side's wrong half: a <= t < b.
inline double split_midpoint(double a, double b) noexcept {
    const double mid = a / 2.0 + b / 2.0;
    return (mid >= b || mid < a) ? a : mid;
}

struct BinnedFeatures {
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<std::vector<double>> edges; ///< per feature, increasing, at most 255
    std::vector<std::uint8_t> codes;        ///< column-major: codes[f * rows + i]
    /// per feature: the most frequent code (the lowest of equally frequent ones). Histograms
    /// skip its rows and get its bin by subtraction: on sparse data that is most rows.
    std::vector<std::uint8_t> mode;
    std::vector<std::uint8_t> mode_heavy; ///< per feature: the mode bin holds >= 1/8 of the rows
    std::vector<std::uint8_t> mode_sparse; ///< per feature: the mode bin holds >= 9/10 of the rows
    /// per feature: the value of every row in bin b, when each bin holds one value (a feature
    /// with at most max_bins distinct values, all seen in the sample); empty otherwise.
    std::vector<std::vector<double>> values;

    const std::uint8_t *column(std::size_t f) const noexcept { return codes.data() + f * rows; }
    bool lossless(std::size_t f) const noexcept { return !values[f].empty(); }
    bool heavy_mode(std::size_t f) const noexcept { return mode_heavy[f] != 0; }
    bool sparse_mode(std::size_t f) const noexcept { return mode_sparse[f] != 0; }
};

/// Bins X (finite, checked by the caller). `max_bins` in [2, 256]; edges come from at most
/// `sample_rows` rows drawn with `rng_seed`, so they do not depend on the thread count.
inline BinnedFeatures bin_features(const MatrixView &X, int max_bins, std::uint64_t rng_seed, int n_jobs,
                                   std::size_t sample_rows = 200000) {
    BinnedFeatures out;
    out.rows = X.rows();
    out.cols = X.cols();
    out.edges.resize(out.cols);
    out.codes.resize(out.rows * out.cols);
    out.mode.assign(out.cols, 0);
    out.mode_heavy.assign(out.cols, 0);
    out.mode_sparse.assign(out.cols, 0);
    out.values.resize(out.cols);
    std::vector<std::uint32_t> sample;
    if (out.rows > sample_rows) {
        Random rng(rng_seed, 0xB1B5ULL << 32);
        sample = rng.sample_indices(static_cast<std::uint32_t>(out.rows), static_cast<std::uint32_t>(sample_rows), false);
        std::sort(sample.begin(), sample.end());
    } else {
        sample.resize(out.rows);
        for (std::size_t i = 0; i < out.rows; ++i) {
            sample[i] = static_cast<std::uint32_t>(i);
        }
    }
    const auto max_edges = static_cast<std::size_t>(max_bins - 1);
    parallel_for(out.cols, n_jobs, [&](std::size_t f) {
        std::vector<double> values(sample.size());
        for (std::size_t i = 0; i < sample.size(); ++i) {
            values[i] = X(sample[i], f);
        }
        std::sort(values.begin(), values.end());
        std::vector<double> distinct;
        std::vector<std::size_t> ends; // one past the last position of each distinct value
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (distinct.empty() || values[i] != distinct.back()) {
                if (!distinct.empty()) {
                    ends.push_back(i);
                }
                distinct.push_back(values[i]);
            }
        }
        ends.push_back(values.size());
        auto &edges = out.edges[f];
        if (distinct.size() <= max_edges + 1) {
            for (std::size_t k = 0; k + 1 < distinct.size(); ++k) {
                edges.push_back(split_midpoint(distinct[k], distinct[k + 1]));
            }
        } else {
            // Quantile cuts, moved to the nearest boundary between distinct values.
            std::size_t k = 0;
            for (std::size_t b = 1; b <= max_edges; ++b) {
                const std::size_t target = b * values.size() / (max_edges + 1);
                while (k + 1 < distinct.size() && ends[k] < target) {
                    ++k;
                }
                if (k + 1 >= distinct.size()) {
                    break;
                }
                const double e = split_midpoint(distinct[k], distinct[k + 1]);
                if (edges.empty() || e > edges.back()) {
                    edges.push_back(e);
                }
            }
        }
        std::uint8_t *code = out.codes.data() + f * out.rows;
        const double *e_begin = edges.data();
        const double *e_end = edges.data() + edges.size();
        std::size_t counts[256] = {};
        bool lossless = distinct.size() <= max_edges + 1;
        for (std::size_t i = 0; i < out.rows; ++i) {
            const double x = X(i, f);
            const auto b = static_cast<std::uint8_t>(std::lower_bound(e_begin, e_end, x) - e_begin);
            code[i] = b;
            ++counts[b];
            lossless = lossless && x == distinct[b]; // a value the sample missed breaks it
        }
        const std::size_t *most = std::max_element(counts, counts + 256);
        out.mode[f] = static_cast<std::uint8_t>(most - counts);
        out.mode_heavy[f] = *most * 8 >= out.rows;
        out.mode_sparse[f] = *most * 10 >= out.rows * 9;
        if (lossless) {
            out.values[f] = std::move(distinct);
        }
    });
    return out;
}

} // namespace oddkit
