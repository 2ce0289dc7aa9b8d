#pragma once
/// Half-Space Trees (Tan, Ting and Liu 2011): an ensemble of random, complete binary trees of
/// fixed height over a random perturbation of the feature ranges. Each node counts the readings
/// passing through it in the current window (latest mass) and holds the counts of the previous
/// window (reference mass); every `window_size` readings the latest masses become the reference
/// and restart from zero.
///
/// Scoring follows the paper: in each tree the reading descends until the depth limit or a node
/// whose reference mass is below size_limit (0.1 window_size by default), and contributes
/// r * 2^depth of that node. oddkit reports 1 - sum / (n_trees window_size 2^height) in [0, 1],
/// higher is more anomalous (river reports the same orientation). Scores are 0 until the first
/// window is complete (no reference yet).
///
/// Feature ranges: given through `limits` (one [min, max] per feature), or learned from the
/// first window (the trees are then built when it completes, and that window becomes the first
/// reference). Work ranges follow the paper: for each feature s ~ U[min, max],
/// r = 2 max(s - min, max - s), range [s - r, s + r]; each internal node splits a random feature
/// at the middle of its current range.
///
/// Layout: each tree is a complete heap-ordered array (children of i at 2i + 1, 2i + 2) of
/// 2^(height+1) - 1 nodes; masses are 32-bit counters, split features and values are kept for
/// the 2^height - 1 internal nodes. Tree t draws from Random(seed, t).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "oddkit/core/random.hpp"
#include "oddkit/stream/online_detector.hpp"

namespace oddkit {

struct HalfSpaceTreesParams {
    std::size_t n_trees = 10;
    /// Depth of every tree (the paper's maxDepth); 2^(height+1) - 1 nodes per tree.
    int height = 8;
    /// Readings per window (the paper's psi).
    std::size_t window_size = 250;
    /// Reference mass below which descent stops; negative = 0.1 window_size (the paper's).
    double size_limit = -1.0;
    /// Feature ranges, as [min0, max0, min1, max1, ...]; empty = learned from the first window.
    std::vector<double> limits;
    std::uint64_t seed = 0;

    double resolved_size_limit() const { return size_limit < 0.0 ? 0.1 * static_cast<double>(window_size) : size_limit; }

    void validate() const {
        require(n_trees >= 1 && n_trees <= 10000, "n_trees", "must be in [1, 10000], got ", n_trees);
        require(height >= 1 && height <= 20, "height", "must be in [1, 20], got ", height);
        require(window_size >= 1 && window_size <= (std::size_t{1} << 31), "window_size",
                "must be in [1, 2^31], got ", window_size);
        require(std::isfinite(size_limit), "size_limit", "must be finite, got ", size_limit);
        require(limits.size() % 2 == 0, "limits", "must hold [min, max] pairs, got ", limits.size(), " values");
        for (std::size_t j = 0; j < limits.size(); j += 2) {
            require(std::isfinite(limits[j]) && std::isfinite(limits[j + 1]) && limits[j] < limits[j + 1],
                    "limits", "feature ", j / 2, ": expected finite min < max, got [", limits[j], ", ",
                    limits[j + 1], "]");
        }
    }
    Json to_json() const {
        return {{"n_trees", n_trees}, {"height", height},   {"window_size", window_size},
                {"size_limit", size_limit}, {"limits", limits}, {"seed", seed}};
    }
    static HalfSpaceTreesParams from_json(const Json &j) {
        HalfSpaceTreesParams p;
        p.n_trees = document_get<std::size_t>(j, "n_trees");
        p.height = document_get<int>(j, "height");
        p.window_size = document_get<std::size_t>(j, "window_size");
        p.size_limit = document_get<double>(j, "size_limit");
        p.limits = document_get<std::vector<double>>(j, "limits");
        p.seed = document_get<std::uint64_t>(j, "seed");
        return p;
    }
};

class HalfSpaceTrees final : public OnlineDetector {
  public:
    static constexpr int format_version = 1;
    using Params = HalfSpaceTreesParams;

    explicit HalfSpaceTrees(Params params = {}) : params_(std::move(params)) {
        params_.validate();
        if (!params_.limits.empty()) {
            fix_features(params_.limits.size() / 2);
        }
    }

    const Params &params() const noexcept { return params_; }
    std::string_view name() const noexcept override { return "HalfSpaceTrees"; }
    /// True once the trees exist (after the first window when the ranges are learned).
    bool is_built() const noexcept { return !split_feature_.empty(); }
    /// True once a reference window exists (scores are 0 before).
    bool has_reference() const noexcept { return has_reference_; }

    Json to_document() const override {
        Json state;
        write_common_state(state);
        state["in_window"] = in_window_;
        state["has_reference"] = has_reference_;
        state["pending"] = pending_;
        state["split_feature"] = split_feature_;
        state["split_value"] = split_value_;
        state["reference"] = reference_;
        state["latest"] = latest_;
        return make_document(name(), format_version, params_.to_json(), std::move(state));
    }

    static HalfSpaceTrees from_document(const Json &doc) {
        check_document(doc, "HalfSpaceTrees", format_version);
        HalfSpaceTrees h(document_params<Params>(doc));
        const Json &s = doc.at("state");
        const std::size_t given = h.n_features();
        h.read_common_state(s);
        auto bad = [](const char *what) { throw FormatError(std::string("model document: ") + what); };
        if (given != 0 && h.n_features() != given) {
            bad("n_features does not match the limits");
        }
        h.in_window_ = document_get<std::uint64_t>(s, "in_window");
        h.has_reference_ = document_get<bool>(s, "has_reference");
        h.pending_ = document_get<std::vector<double>>(s, "pending");
        h.split_feature_ = document_get<std::vector<std::uint32_t>>(s, "split_feature");
        h.split_value_ = document_get<std::vector<double>>(s, "split_value");
        h.reference_ = document_get<std::vector<std::uint32_t>>(s, "reference");
        h.latest_ = document_get<std::vector<std::uint32_t>>(s, "latest");
        const std::size_t d = h.n_features();
        if (h.in_window_ >= h.params_.window_size) {
            bad("in_window must be below window_size");
        }
        if (h.split_feature_.empty()) { // ranges still being learned: only the buffer exists
            if (!h.params_.limits.empty() || !h.reference_.empty() || !h.latest_.empty() || !h.split_value_.empty() || h.has_reference_ ||
                h.pending_.size() != h.in_window_ * d || h.n_seen() != h.in_window_) {
                bad("an unbuilt HalfSpaceTrees holds only its first-window buffer");
            }
        } else {
            const std::size_t internal = h.params_.n_trees * h.internal_per_tree();
            const std::size_t nodes = h.params_.n_trees * h.nodes_per_tree();
            if (h.split_feature_.size() != internal || h.split_value_.size() != internal ||
                h.reference_.size() != nodes || h.latest_.size() != nodes || !h.pending_.empty()) {
                bad("tree arrays have the wrong sizes");
            }
            for (std::size_t i = 0; i < internal; ++i) {
                if (h.split_feature_[i] >= d || !std::isfinite(h.split_value_[i])) {
                    bad("split on a missing feature or at a non-finite value");
                }
            }
            for (std::size_t i = 0; i < nodes; ++i) {
                if (h.latest_[i] > h.params_.window_size || h.reference_[i] > h.params_.window_size) {
                    bad("node mass exceeds the window size");
                }
            }
        }
        for (double v : h.pending_) {
            if (!std::isfinite(v)) {
                bad("first-window buffer holds a non-finite value");
            }
        }
        return h;
    }
    static HalfSpaceTrees load(const std::string &path) { return from_document(read_document(path)); }

  protected:
    double score_row(const double *x) const override {
        if (!has_reference_) {
            return 0.0;
        }
        const std::size_t internal = internal_per_tree();
        const std::size_t nodes = nodes_per_tree();
        const auto height = static_cast<std::size_t>(params_.height);
        const double limit = size_limit_;
        double sum = 0.0;
        for (std::size_t t = 0; t < params_.n_trees; ++t) {
            const std::uint32_t *feature = split_feature_.data() + t * internal;
            const double *value = split_value_.data() + t * internal;
            const std::uint32_t *mass = reference_.data() + t * nodes;
            std::size_t node = 0;
            std::size_t depth = 0;
            while (depth < height && static_cast<double>(mass[node]) >= limit) {
                node = 2 * node + (x[feature[node]] < value[node] ? 1 : 2);
                ++depth;
            }
            sum += std::ldexp(static_cast<double>(mass[node]), static_cast<int>(depth));
        }
        return 1.0 - sum / max_score_;
    }

    void learn_row(const double *x) override {
        if (!is_built()) {
            pending_.insert(pending_.end(), x, x + n_features());
            if (++in_window_ == params_.window_size) {
                build_from_first_window();
            }
            return;
        }
        add_mass(x);
        if (++in_window_ == params_.window_size) {
            end_window();
        }
    }

    void on_features_fixed(std::size_t n) override {
        if (!params_.limits.empty()) {
            require(n == params_.limits.size() / 2, "x", "has ", n, " features, but limits give ",
                    params_.limits.size() / 2);
            build(params_.limits);
        } else {
            pending_.reserve(params_.window_size * n);
        }
    }

  private:
    std::size_t nodes_per_tree() const noexcept { return (std::size_t{2} << params_.height) - 1; }
    std::size_t internal_per_tree() const noexcept { return (std::size_t{1} << params_.height) - 1; }

    void add_mass(const double *x) noexcept {
        const std::size_t internal = internal_per_tree();
        const std::size_t nodes = nodes_per_tree();
        for (std::size_t t = 0; t < params_.n_trees; ++t) {
            const std::uint32_t *feature = split_feature_.data() + t * internal;
            const double *value = split_value_.data() + t * internal;
            std::uint32_t *mass = latest_.data() + t * nodes;
            std::size_t node = 0;
            ++mass[0];
            while (node < internal) {
                node = 2 * node + (x[feature[node]] < value[node] ? 1 : 2);
                ++mass[node];
            }
        }
    }

    void end_window() {
        reference_.swap(latest_);
        std::fill(latest_.begin(), latest_.end(), 0u);
        in_window_ = 0;
        has_reference_ = true;
    }

    /// The first window fixes the ranges (a constant feature gets [v - 0.5, v + 0.5]) and
    /// becomes the first reference.
    void build_from_first_window() {
        const std::size_t d = n_features();
        std::vector<double> limits(2 * d);
        for (std::size_t j = 0; j < d; ++j) {
            double lo = pending_[j], hi = pending_[j];
            for (std::size_t i = 1; i < params_.window_size; ++i) {
                lo = std::min(lo, pending_[i * d + j]);
                hi = std::max(hi, pending_[i * d + j]);
            }
            if (!(hi > lo)) {
                lo -= 0.5;
                hi += 0.5;
            }
            limits[2 * j] = lo;
            limits[2 * j + 1] = hi;
        }
        build(limits);
        for (std::size_t i = 0; i < params_.window_size; ++i) {
            add_mass(pending_.data() + i * d);
        }
        pending_.clear();
        pending_.shrink_to_fit();
        end_window();
    }

    void build(const std::vector<double> &limits) {
        const std::size_t d = limits.size() / 2;
        const std::size_t internal = internal_per_tree();
        split_feature_.assign(params_.n_trees * internal, 0);
        split_value_.assign(params_.n_trees * internal, 0.0);
        reference_.assign(params_.n_trees * nodes_per_tree(), 0);
        latest_.assign(params_.n_trees * nodes_per_tree(), 0);
        std::vector<double> lo(d), hi(d);
        // Node ranges along the current root-to-node path, rebuilt per node from its ancestors.
        for (std::size_t t = 0; t < params_.n_trees; ++t) {
            Random rng(params_.seed, t);
            for (std::size_t j = 0; j < d; ++j) {
                const double mn = limits[2 * j], mx = limits[2 * j + 1];
                const double s = rng.uniform(mn, mx);
                const double r = 2.0 * std::max(s - mn, mx - s);
                lo[j] = s - r;
                hi[j] = s + r;
            }
            std::uint32_t *feature = split_feature_.data() + t * internal;
            double *value = split_value_.data() + t * internal;
            std::vector<double> node_lo(internal * d), node_hi(internal * d);
            std::copy(lo.begin(), lo.end(), node_lo.begin());
            std::copy(hi.begin(), hi.end(), node_hi.begin());
            for (std::size_t node = 0; node < internal; ++node) { // parents precede children
                const double *nlo = node_lo.data() + node * d;
                const double *nhi = node_hi.data() + node * d;
                const auto q = static_cast<std::uint32_t>(rng.below(d));
                const double mid = 0.5 * (nlo[q] + nhi[q]);
                feature[node] = q;
                value[node] = mid;
                for (std::size_t side = 1; side <= 2; ++side) {
                    const std::size_t child = 2 * node + side;
                    if (child >= internal) {
                        continue;
                    }
                    double *clo = node_lo.data() + child * d;
                    double *chi = node_hi.data() + child * d;
                    std::copy(nlo, nlo + d, clo);
                    std::copy(nhi, nhi + d, chi);
                    (side == 1 ? chi[q] : clo[q]) = mid;
                }
            }
        }
    }

    Params params_;
    double size_limit_ = params_.resolved_size_limit();
    double max_score_ = static_cast<double>(params_.n_trees) * static_cast<double>(params_.window_size) *
                        std::ldexp(1.0, params_.height);
    std::uint64_t in_window_ = 0; // readings in the current window
    bool has_reference_ = false;
    std::vector<double> pending_; // the first window, while the ranges are being learned
    std::vector<std::uint32_t> split_feature_;
    std::vector<double> split_value_;
    std::vector<std::uint32_t> reference_;
    std::vector<std::uint32_t> latest_;
};

} // namespace oddkit
