#pragma once
/// Isolation Forest (Liu, Ting and Zhou 2008) with the parameters, attributes and signs of
/// scikit-learn's IsolationForest, plus Extended Isolation Forest hyperplane splits (Hariri,
/// Carrasco Kind and Brunner 2021) through `extension_level`, and per-sample feature
/// attributions.
///
/// Design: each tree is grown on a sub-sample of max_samples rows copied into a small local
/// buffer; all trees live in one flat node array (IsolationNode, 16 bytes, the two children
/// adjacent), so scoring walks blocks of rows through every tree while the nodes stay in cache.
/// Tree t draws from Random(random_state, t), and each row's path lengths are summed in tree
/// order, so a model and its scores are bit-identical whatever n_jobs is.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "oddkit/core/count_or_fraction.hpp"
#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/core/random.hpp"
#include "oddkit/core/statistics.hpp"
#include "oddkit/core/validation.hpp"
#include "oddkit/detect/detector.hpp"

namespace oddkit {

/// c(n): the average path length of an unsuccessful search in a binary search tree of n
/// points, used to normalise path lengths (Liu et al. 2008, eq. 1).
inline double average_path_length(double n) noexcept {
    if (n <= 1.0) {
        return 0.0;
    }
    if (n <= 2.0) {
        return 1.0;
    }
    constexpr double euler_gamma = 0.57721566490153286060;
    return 2.0 * (std::log(n - 1.0) + euler_gamma) - 2.0 * (n - 1.0) / n;
}

struct IsolationForestParams {
    int n_estimators = 100;
    /// Rows drawn for each tree: 'auto' = min(256, n), a count, or a fraction of n.
    CountOrFraction max_samples = CountOrFraction::automatic();
    /// Expected share of outliers in (0, 0.5], or nullopt for 'auto' (offset -0.5, as the paper).
    std::optional<double> contamination;
    /// Features drawn for each tree: a count or a fraction of the features.
    CountOrFraction max_features = 1.0;
    /// Draw each tree's rows with replacement.
    bool bootstrap = false;
    /// 0 = axis-parallel splits (classic Isolation Forest); k > 0 = hyperplanes through k + 1
    /// features (Extended Isolation Forest); at most the tree's feature count - 1.
    int extension_level = 0;
    /// Threads: 1 = serial, -1 = all cores.
    int n_jobs = 1;
    std::uint64_t random_state = 0;

    void validate() const {
        require(n_estimators >= 1, "n_estimators", "must be >= 1, got ", n_estimators);
        max_samples.validate("max_samples");
        max_features.validate("max_features");
        if (contamination) {
            const double c = *contamination;
            require(c > 0.0 && c <= 0.5, "contamination", "must be 'auto' or in (0, 0.5], got ", c);
        }
        require(extension_level >= 0, "extension_level", "must be >= 0, got ", extension_level);
        check_n_jobs(n_jobs);
    }

    Json to_json() const {
        return {{"n_estimators", n_estimators},
                {"max_samples", max_samples.to_json()},
                {"contamination", contamination ? Json(*contamination) : Json("auto")},
                {"max_features", max_features.to_json()},
                {"bootstrap", bootstrap},
                {"extension_level", extension_level},
                {"n_jobs", n_jobs},
                {"random_state", random_state}};
    }

    static IsolationForestParams from_json(const Json &j) {
        IsolationForestParams p;
        p.n_estimators = document_get<int>(j, "n_estimators");
        p.max_samples = CountOrFraction::from_json(j.at("max_samples"), "max_samples");
        const Json &c = j.at("contamination");
        if (c.is_number()) {
            p.contamination = c.get<double>();
        } else if (!(c.is_string() && c.get<std::string>() == "auto")) {
            throw FormatError("model document: parameter 'contamination' must be 'auto' or a number");
        }
        p.max_features = CountOrFraction::from_json(j.at("max_features"), "max_features");
        p.bootstrap = document_get<bool>(j, "bootstrap");
        p.extension_level = document_get<int>(j, "extension_level");
        p.n_jobs = document_get<int>(j, "n_jobs");
        p.random_state = document_get<std::uint64_t>(j, "random_state");
        return p;
    }
};

/// One node of an isolation tree. `left` is the index of the left child inside its tree; the
/// right child is left + 1.
///   feature >= 0   axis split: x[feature] <= value goes left
///   feature == -1  leaf: value = depth + c(rows in the leaf), the path length it adds
///   feature <= -2  hyperplane split number (-2 - feature): dot(plane, x) <= value goes left
struct IsolationNode {
    double value;
    std::int32_t feature;
    std::int32_t left;
};

class IsolationForest final : public Detector {
  public:
    static constexpr int format_version = 1;
    using Params = IsolationForestParams;

    explicit IsolationForest(Params params = {}) : params_(params) { params_.validate(); }

    const Params &params() const noexcept { return params_; }
    /// The threads later scoring calls use (scikit-learn reads n_jobs at predict time too);
    /// results do not depend on it. Saved with the model like every parameter.
    void set_n_jobs(int n_jobs) {
        check_n_jobs(n_jobs);
        params_.n_jobs = n_jobs;
    }
    std::string_view name() const noexcept override { return "IsolationForest"; }
    bool is_fitted() const noexcept override { return !tree_begin_.empty(); }
    std::size_t n_features_in() const override {
        require_fitted();
        return n_features_;
    }
    double offset() const override {
        require_fitted();
        return offset_;
    }
    /// Rows each tree was grown on (max_samples resolved against the training set).
    std::size_t max_samples() const {
        require_fitted();
        return max_samples_;
    }
    /// Optional column names (set by the caller, e.g. from a DataFrame); saved with the model.
    const std::vector<std::string> &feature_names() const noexcept { return feature_names_; }
    void set_feature_names(std::vector<std::string> names) {
        require(names.empty() || !is_fitted() || names.size() == n_features_, "feature_names",
                "has ", names.size(), " names for ", n_features_, " features");
        feature_names_ = std::move(names);
    }
    std::size_t n_estimators() const noexcept { return tree_begin_.empty() ? 0 : tree_begin_.size() - 1; }
    std::size_t node_count() const noexcept { return nodes_.size(); }

    using Detector::anomaly_score;
    using Detector::score_samples;

    void fit(const MatrixView &X) override {
        params_.validate();
        check_not_empty(X);
        check_finite(X);
        require(X.rows() <= std::numeric_limits<std::uint32_t>::max(), "X", "more than 2^32 rows");
        const auto n = static_cast<std::uint32_t>(X.rows());
        const std::size_t d = X.cols();
        const std::size_t m = params_.max_samples.resolve(n, 256);
        const std::size_t k = params_.max_features.resolve(d, d);
        require(params_.extension_level <= static_cast<int>(k) - 1, "extension_level",
                "must be at most the number of features per tree - 1 (", k - 1, "), got ",
                params_.extension_level);
        const int height_limit = static_cast<int>(std::ceil(std::log2(static_cast<double>(std::max<std::size_t>(m, 2)))));

        std::vector<Tree> trees(static_cast<std::size_t>(params_.n_estimators));
        parallel_for(trees.size(), params_.n_jobs, [&](std::size_t t) {
            trees[t] = grow_tree(X, static_cast<std::uint32_t>(m), k, height_limit, t);
        });

        // Concatenate the trees into the flat arrays (in tree order: deterministic).
        nodes_.clear();
        tree_begin_.assign(1, 0);
        plane_features_.clear();
        plane_coefs_.clear();
        plane_width_ = params_.extension_level + 1;
        for (auto &tree : trees) {
            const auto plane_base = static_cast<std::int32_t>(plane_coefs_.size() / plane_width_);
            for (auto node : tree.nodes) {
                if (node.feature <= -2) {
                    node.feature = -2 - (plane_base + (-2 - node.feature));
                }
                nodes_.push_back(node);
            }
            tree_begin_.push_back(static_cast<std::uint32_t>(nodes_.size()));
            plane_features_.insert(plane_features_.end(), tree.plane_features.begin(), tree.plane_features.end());
            plane_coefs_.insert(plane_coefs_.end(), tree.plane_coefs.begin(), tree.plane_coefs.end());
        }
        n_features_ = d;
        max_samples_ = m;
        if (!feature_names_.empty() && feature_names_.size() != d) {
            feature_names_.clear(); // names of an earlier, different X
        }
        build_walk_layout();
        offset_ = -0.5;
        if (params_.contamination) {
            Vector scores = score_samples(X);
            offset_ = percentile(std::vector<double>(scores.begin(), scores.end()), 100.0 * *params_.contamination);
        }
    }

    /// The negated anomaly score (scikit-learn's sign): in [-1, 0], lower is more abnormal.
    void score_samples(const MatrixView &X, OutputView out) const override {
        anomaly_score(X, out);
        for (std::size_t i = 0; i < out.size; ++i) {
            out[i] = -out[i];
        }
    }

    /// The paper's score 2^(-E[h(x)] / c(max_samples)) in [0, 1]; near 1 is anomalous,
    /// at most 0.5 is normal.
    void anomaly_score(const MatrixView &X, OutputView out) const override {
        mean_path_length(X, out);
        const double norm = average_path_length(static_cast<double>(max_samples_));
        for (std::size_t i = 0; i < out.size; ++i) {
            out[i] = norm > 0.0 ? std::exp2(-out[i] / norm) : 0.5;
        }
    }

    /// E[h(x)]: the path length averaged over the trees, for each row of X.
    void mean_path_length(const MatrixView &X, OutputView out) const {
        check_input(X);
        check_output_size(out, X.rows());
        const std::size_t trees = n_estimators();
        const double scale = 1.0 / static_cast<double>(trees);
        parallel_for_chunks(
            X.rows(), resolve_n_jobs(params_.n_jobs),
            [&](std::size_t begin, std::size_t end) {
                constexpr std::size_t block = 64;
                double sum[block];
                for (std::size_t b = begin; b < end; b += block) {
                    const std::size_t e = std::min(end, b + block);
                    std::fill(sum, sum + (e - b), 0.0);
                    if (!walk_nodes_.empty()) {
                        sum_path_lengths_lockstep(X, b, e, sum);
                    } else {
                        for (std::size_t t = 0; t < trees; ++t) {
                            const IsolationNode *tree = nodes_.data() + tree_begin_[t];
                            for (std::size_t i = b; i < e; ++i) {
                                sum[i - b] += leaf_of(tree, X.row(i)).value;
                            }
                        }
                    }
                    for (std::size_t i = b; i < e; ++i) {
                        out[i] = sum[i - b] * scale;
                    }
                }
            },
            2048);
    }

    /// Per-sample feature attributions (n x d, each row summing to 1): how much each feature's
    /// splits isolated the sample. Along each tree's path, every split credits its feature (for
    /// a hyperplane, each feature in proportion to |coefficient|) with 1 / h_t(x), the inverse
    /// of that tree's path length, so features that isolate a sample early weigh most.
    Matrix feature_attributions(const MatrixView &X) const {
        check_input(X);
        const std::size_t d = n_features_;
        Matrix out = xt::zeros<double>({X.rows(), d});
        parallel_for(
            X.rows(), params_.n_jobs,
            [&](std::size_t i) {
                const double *x = X.row(i);
                double *a = out.data() + i * d;
                for (std::size_t t = 0; t < n_estimators(); ++t) {
                    const IsolationNode *tree = nodes_.data() + tree_begin_[t];
                    const double h = leaf_of(tree, x).value;
                    if (h <= 0.0) {
                        continue;
                    }
                    const double w = 1.0 / h;
                    std::int32_t at = 0;
                    while (tree[at].feature != -1) {
                        const IsolationNode &node = tree[at];
                        if (node.feature >= 0) {
                            a[node.feature] += w;
                        } else {
                            const std::size_t p = static_cast<std::size_t>(-2 - node.feature) * plane_width_;
                            double total = 0.0;
                            for (int j = 0; j < plane_width_; ++j) {
                                total += std::abs(plane_coefs_[p + j]);
                            }
                            for (int j = 0; j < plane_width_ && total > 0.0; ++j) {
                                a[plane_features_[p + j]] += w * std::abs(plane_coefs_[p + j]) / total;
                            }
                        }
                        at = child(tree, at, x);
                    }
                }
                double total = 0.0;
                for (std::size_t j = 0; j < d; ++j) {
                    total += a[j];
                }
                if (total > 0.0) {
                    for (std::size_t j = 0; j < d; ++j) {
                        a[j] /= total;
                    }
                }
            },
            256);
        return out;
    }

    Json to_document() const override {
        require_fitted();
        Json state;
        state["n_features_in"] = n_features_;
        state["max_samples"] = max_samples_;
        state["offset"] = offset_;
        state["tree_begin"] = tree_begin_;
        std::vector<double> value(nodes_.size());
        std::vector<std::int32_t> feature(nodes_.size()), left(nodes_.size());
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            value[i] = nodes_[i].value;
            feature[i] = nodes_[i].feature;
            left[i] = nodes_[i].left;
        }
        state["node_value"] = std::move(value);
        state["node_feature"] = std::move(feature);
        state["node_left"] = std::move(left);
        state["plane_width"] = plane_width_;
        state["plane_features"] = plane_features_;
        state["plane_coefs"] = plane_coefs_;
        state["feature_names"] = feature_names_;
        return make_document(name(), format_version, params_.to_json(), std::move(state));
    }

    /// Rebuilds a fitted forest from its document; every index is checked, so a corrupted
    /// document is a FormatError, never an out-of-bounds read.
    static IsolationForest from_document(const Json &doc) {
        check_document(doc, "IsolationForest", format_version);
        IsolationForest forest;
        forest.params_ = document_params<Params>(doc);
        const Json &s = doc.at("state");
        forest.n_features_ = document_get<std::size_t>(s, "n_features_in");
        forest.max_samples_ = document_get<std::size_t>(s, "max_samples");
        forest.offset_ = document_get<double>(s, "offset");
        forest.tree_begin_ = document_get<std::vector<std::uint32_t>>(s, "tree_begin");
        const auto value = document_get<std::vector<double>>(s, "node_value");
        const auto feature = document_get<std::vector<std::int32_t>>(s, "node_feature");
        const auto left = document_get<std::vector<std::int32_t>>(s, "node_left");
        forest.plane_width_ = document_get<int>(s, "plane_width");
        forest.plane_features_ = document_get<std::vector<std::int32_t>>(s, "plane_features");
        forest.plane_coefs_ = document_get<std::vector<double>>(s, "plane_coefs");
        forest.feature_names_ = document_get<std::vector<std::string>>(s, "feature_names");
        if (!forest.feature_names_.empty() && forest.feature_names_.size() != forest.n_features_) {
            throw FormatError("model document: feature_names does not match n_features_in");
        }
        if (value.size() != feature.size() || value.size() != left.size()) {
            throw FormatError("model document: node arrays of different lengths");
        }
        forest.nodes_.resize(value.size());
        for (std::size_t i = 0; i < value.size(); ++i) {
            forest.nodes_[i] = IsolationNode{value[i], feature[i], left[i]};
        }
        forest.check_structure();
        forest.build_walk_layout();
        return forest;
    }

    static IsolationForest load(const std::string &path) { return from_document(read_document(path)); }

  private:
    struct Tree {
        std::vector<IsolationNode> nodes;
        std::vector<std::int32_t> plane_features;
        std::vector<double> plane_coefs;
    };

    void require_fitted() const {
        if (!is_fitted()) {
            throw NotFitted("This IsolationForest instance is not fitted yet. Call 'fit' first.");
        }
    }

    void check_input(const MatrixView &X) const {
        require_fitted();
        check_n_features(X, n_features_, "IsolationForest");
        check_finite(X);
    }

    std::int32_t child(const IsolationNode *tree, std::int32_t at, const double *x) const noexcept {
        const IsolationNode &node = tree[at];
        if (node.feature >= 0) {
            return node.left + (x[node.feature] > node.value ? 1 : 0);
        }
        const std::size_t p = static_cast<std::size_t>(-2 - node.feature) * plane_width_;
        double dot = 0.0;
        for (int j = 0; j < plane_width_; ++j) {
            dot += plane_coefs_[p + j] * x[plane_features_[p + j]];
        }
        return node.left + (dot > node.value ? 1 : 0);
    }

    const IsolationNode &leaf_of(const IsolationNode *tree, const double *x) const noexcept {
        std::int32_t at = 0;
        if (plane_width_ == 1) { // axis-parallel forest: the hot loop
            while (tree[at].feature >= 0) {
                const IsolationNode &node = tree[at];
                at = node.left + (x[node.feature] > node.value ? 1 : 0);
            }
            if (tree[at].feature == -1) {
                return tree[at];
            }
        }
        while (tree[at].feature != -1) {
            at = child(tree, at, x);
        }
        return tree[at];
    }

    /// The scoring layout of an axis-parallel forest: leaves become self-loops whose threshold
    /// is +infinity (inputs are checked finite), so every row takes exactly depth(t) steps in
    /// tree t with no branch, and a block of rows walks a tree level by level in lockstep. The
    /// rows' walks are independent, so the CPU overlaps their cache-latency chains instead of
    /// waiting on one row's chain of dependent loads at a time.
    struct WalkNode {
        double threshold;
        std::int32_t feature;
        std::int32_t next; // left child (right = next + 1), or itself for a leaf
    };

    void build_walk_layout() {
        walk_nodes_.clear();
        walk_leaf_value_.clear();
        walk_depth_.clear();
        if (plane_width_ != 1 || !plane_features_.empty()) {
            return; // hyperplane forests use the general walk
        }
        walk_nodes_.resize(nodes_.size());
        walk_leaf_value_.resize(nodes_.size(), 0.0);
        for (std::size_t t = 0; t + 1 < tree_begin_.size(); ++t) {
            const std::size_t base = tree_begin_[t];
            const std::size_t size = tree_begin_[t + 1] - base;
            std::vector<int> depth(size, 0);
            int deepest = 0;
            for (std::size_t i = 0; i < size; ++i) { // children come after parents
                const IsolationNode &node = nodes_[base + i];
                if (node.feature == -1) {
                    walk_nodes_[base + i] = {std::numeric_limits<double>::infinity(), 0, static_cast<std::int32_t>(i)};
                    walk_leaf_value_[base + i] = node.value;
                    deepest = std::max(deepest, depth[i]);
                } else {
                    walk_nodes_[base + i] = {node.value, node.feature, node.left};
                    depth[static_cast<std::size_t>(node.left)] = depth[i] + 1;
                    depth[static_cast<std::size_t>(node.left) + 1] = depth[i] + 1;
                }
            }
            walk_depth_.push_back(deepest);
        }
    }

    /// Adds each row's path length in every tree to sum[row - begin] (rows [begin, end), at
    /// most 64), in tree order.
    void sum_path_lengths_lockstep(const MatrixView &X, std::size_t begin, std::size_t end, double *sum) const {
        const std::size_t count = end - begin;
        const double *rows[64];
        std::int32_t at[64];
        for (std::size_t r = 0; r < count; ++r) {
            rows[r] = X.row(begin + r);
        }
        for (std::size_t t = 0; t + 1 < tree_begin_.size(); ++t) {
            const WalkNode *tree = walk_nodes_.data() + tree_begin_[t];
            const double *leaf_value = walk_leaf_value_.data() + tree_begin_[t];
            std::fill(at, at + count, 0);
            for (int level = 0; level < walk_depth_[t]; ++level) {
                for (std::size_t r = 0; r < count; ++r) {
                    const WalkNode &node = tree[at[r]];
                    at[r] = node.next + (rows[r][node.feature] > node.threshold ? 1 : 0);
                }
            }
            for (std::size_t r = 0; r < count; ++r) {
                sum[r] += leaf_value[at[r]];
            }
        }
    }

    /// Grows tree t on a fresh sub-sample; `features` of the d columns are used.
    Tree grow_tree(const MatrixView &X, std::uint32_t m, std::size_t features, int height_limit,
                   std::size_t t) const {
        Random rng(params_.random_state, t);
        const std::size_t d = X.cols();
        std::vector<std::uint32_t> columns;
        if (features < d) {
            columns = rng.sample_indices(static_cast<std::uint32_t>(d), static_cast<std::uint32_t>(features), false);
            std::sort(columns.begin(), columns.end());
        } else {
            columns.resize(d);
            for (std::size_t j = 0; j < d; ++j) {
                columns[j] = static_cast<std::uint32_t>(j);
            }
        }
        const auto rows = rng.sample_indices(static_cast<std::uint32_t>(X.rows()), m, params_.bootstrap);
        // A column-major copy of the sub-sample: split search reads one column at a time.
        Builder builder{rng, features, m, height_limit, params_.extension_level};
        builder.columns = columns;
        builder.data.resize(features * m);
        for (std::size_t r = 0; r < m; ++r) {
            const double *x = X.row(rows[r]);
            for (std::size_t j = 0; j < features; ++j) {
                builder.data[j * m + r] = x[columns[j]];
            }
        }
        builder.order.resize(m);
        for (std::uint32_t r = 0; r < m; ++r) {
            builder.order[r] = r;
        }
        builder.tree.nodes.push_back({0.0, -1, 0});
        builder.grow(0, 0, m, 0);
        return std::move(builder.tree);
    }

    struct Builder {
        Random &rng;
        std::size_t k;          // features in this tree
        std::size_t m;          // rows in the sub-sample
        int height_limit;
        int extension_level;
        std::vector<std::uint32_t> columns; // tree feature -> column of X
        std::vector<double> data;           // k x m, column-major
        std::vector<std::uint32_t> order;   // row ids, partitioned node by node
        std::vector<std::uint32_t> feature_order;
        std::vector<double> projection;
        Tree tree;

        double at(std::size_t feature, std::uint32_t row) const { return data[feature * m + row]; }

        void make_leaf(std::size_t node, std::size_t size, int depth) {
            tree.nodes[node] = {depth + average_path_length(static_cast<double>(size)), -1, 0};
        }

        void grow(std::size_t node, std::size_t begin, std::size_t end, int depth) {
            const std::size_t size = end - begin;
            if (depth >= height_limit || size <= 1) {
                make_leaf(node, size, depth);
                return;
            }
            std::size_t mid = 0;
            if (extension_level == 0) {
                if (!split_on_axis(node, begin, end, mid)) {
                    make_leaf(node, size, depth); // every feature is constant here
                    return;
                }
            } else if (!split_on_plane(node, begin, end, mid)) {
                make_leaf(node, size, depth);
                return;
            }
            const auto left = static_cast<std::int32_t>(tree.nodes.size());
            tree.nodes[node].left = left;
            tree.nodes.push_back({0.0, -1, 0});
            tree.nodes.push_back({0.0, -1, 0});
            grow(static_cast<std::size_t>(left), begin, mid, depth + 1);
            grow(static_cast<std::size_t>(left) + 1, mid, end, depth + 1);
        }

        /// A random non-constant feature and a threshold uniform in [min, max): the classic
        /// split. Features are tried in random order; false when all are constant.
        bool split_on_axis(std::size_t node, std::size_t begin, std::size_t end, std::size_t &mid) {
            if (feature_order.size() != k) {
                feature_order.resize(k);
                for (std::size_t j = 0; j < k; ++j) {
                    feature_order[j] = static_cast<std::uint32_t>(j);
                }
            }
            for (std::size_t tried = 0; tried < k; ++tried) {
                const std::size_t pick = tried + rng.below(k - tried);
                std::swap(feature_order[tried], feature_order[pick]);
                const std::size_t f = feature_order[tried];
                double lo = at(f, order[begin]);
                double hi = lo;
                for (std::size_t i = begin + 1; i < end; ++i) {
                    const double v = at(f, order[i]);
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
                if (!(hi > lo)) {
                    continue;
                }
                const double threshold = rng.uniform(lo, hi);
                mid = partition(begin, end, [&](std::uint32_t r) { return at(f, r) <= threshold; });
                tree.nodes[node].feature = static_cast<std::int32_t>(columns[f]);
                tree.nodes[node].value = threshold;
                return true;
            }
            return false;
        }

        /// A random hyperplane through extension_level + 1 features: normal ~ N(0, 1) in those
        /// coordinates, passing through a point uniform in the node's bounding box.
        bool split_on_plane(std::size_t node, std::size_t begin, std::size_t end, std::size_t &mid) {
            const auto width = static_cast<std::uint32_t>(extension_level + 1);
            auto chosen = rng.sample_indices(static_cast<std::uint32_t>(k), width, false);
            std::sort(chosen.begin(), chosen.end());
            double threshold = 0.0;
            bool any_spread = false;
            const auto plane = static_cast<std::int32_t>(tree.plane_coefs.size() / width);
            for (auto f : chosen) {
                double lo = at(f, order[begin]);
                double hi = lo;
                for (std::size_t i = begin + 1; i < end; ++i) {
                    const double v = at(f, order[i]);
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
                any_spread = any_spread || hi > lo;
                const double coef = rng.normal();
                const double point = rng.uniform(lo, hi);
                threshold += coef * point;
                tree.plane_features.push_back(static_cast<std::int32_t>(columns[f]));
                tree.plane_coefs.push_back(coef);
            }
            if (!any_spread) { // all rows identical in the chosen features: nothing to split
                tree.plane_features.resize(tree.plane_features.size() - width);
                tree.plane_coefs.resize(tree.plane_coefs.size() - width);
                return false;
            }
            const std::size_t base = static_cast<std::size_t>(plane) * width;
            projection.resize(m);
            for (std::size_t i = begin; i < end; ++i) {
                double dot = 0.0;
                for (std::uint32_t j = 0; j < width; ++j) {
                    dot += tree.plane_coefs[base + j] * at(chosen[j], order[i]);
                }
                projection[order[i]] = dot;
            }
            mid = partition(begin, end, [&](std::uint32_t r) { return projection[r] <= threshold; });
            tree.nodes[node].feature = -2 - plane;
            tree.nodes[node].value = threshold;
            return true;
        }

        template <class GoesLeft> std::size_t partition(std::size_t begin, std::size_t end, GoesLeft goes_left) {
            auto it = std::partition(order.begin() + static_cast<std::ptrdiff_t>(begin),
                                            order.begin() + static_cast<std::ptrdiff_t>(end), goes_left);
            return static_cast<std::size_t>(it - order.begin());
        }
    };

    /// Every child index points forward inside its tree, every feature and plane exists and
    /// every value is finite: then any walk ends at a leaf.
    void check_structure() const {
        auto bad = [](const std::string &what) { throw FormatError("model document: " + what); };
        if (n_features_ == 0 || max_samples_ == 0) {
            bad("n_features_in and max_samples must be positive");
        }
        if (tree_begin_.size() < 2 || tree_begin_.front() != 0 || tree_begin_.back() != nodes_.size()) {
            bad("tree offsets do not cover the node array");
        }
        if (plane_width_ != params_.extension_level + 1 || plane_features_.size() != plane_coefs_.size() ||
            plane_features_.size() % static_cast<std::size_t>(plane_width_) != 0) {
            bad("hyperplane arrays are inconsistent");
        }
        const std::size_t planes = plane_features_.size() / static_cast<std::size_t>(plane_width_);
        for (std::size_t i = 0; i < plane_features_.size(); ++i) {
            if (plane_features_[i] < 0 || static_cast<std::size_t>(plane_features_[i]) >= n_features_ ||
                !std::isfinite(plane_coefs_[i])) {
                bad("hyperplane refers to a missing feature or holds a non-finite value");
            }
        }
        for (std::size_t t = 0; t + 1 < tree_begin_.size(); ++t) {
            if (tree_begin_[t + 1] <= tree_begin_[t]) {
                bad("empty or misordered tree");
            }
            const auto size = static_cast<std::int64_t>(tree_begin_[t + 1] - tree_begin_[t]);
            for (std::int64_t i = 0; i < size; ++i) {
                const IsolationNode &node = nodes_[tree_begin_[t] + static_cast<std::size_t>(i)];
                if (!std::isfinite(node.value)) {
                    bad("non-finite node value");
                }
                if (node.feature == -1) {
                    continue;
                }
                if (node.feature >= 0 && static_cast<std::size_t>(node.feature) >= n_features_) {
                    bad("split on a missing feature");
                }
                if (node.feature <= -2 && static_cast<std::size_t>(-2 - static_cast<std::int64_t>(node.feature)) >= planes) {
                    bad("split on a missing hyperplane");
                }
                if (node.left <= i || static_cast<std::int64_t>(node.left) + 1 >= size) {
                    bad("child index out of order or out of range");
                }
            }
        }
    }

    Params params_;
    std::size_t n_features_ = 0;
    std::size_t max_samples_ = 0;
    double offset_ = -0.5;
    std::vector<IsolationNode> nodes_;
    std::vector<std::uint32_t> tree_begin_;
    int plane_width_ = 1;
    std::vector<std::int32_t> plane_features_;
    std::vector<double> plane_coefs_;
    std::vector<std::string> feature_names_;
    // Derived from nodes_ (never saved): the lockstep scoring layout of axis-parallel forests.
    std::vector<WalkNode> walk_nodes_;
    std::vector<double> walk_leaf_value_;
    std::vector<int> walk_depth_;
};

} // namespace oddkit
