#pragma once
/// Random forests (Breiman 2001) with the parameters and attributes of scikit-learn's
/// RandomForestClassifier and RandomForestRegressor.
///
/// Design: features are binned once per fit (feature_binning.hpp); trees grow in parallel, tree
/// t drawing its bootstrap and its feature choices from Random(random_state, t), so the model is
/// bit-identical for any n_jobs. A bootstrap is kept as per-row counts (weights), as
/// scikit-learn does, so node sizes count distinct rows. All trees live in one flat node array
/// (ForestNode, 16 bytes, children adjacent) and one leaf-value table; prediction walks chunks
/// of rows through one tree after another with many walks in flight (detail/forest_walk.hpp),
/// in parallel over chunks, over layouts derived at fit and load: shallow trees as complete
/// trees, deep ones in 8-byte nodes.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/core/random.hpp"
#include "oddkit/core/validation.hpp"
#include "oddkit/learn/detail/complete_trees.hpp"
#include "oddkit/learn/detail/forest_walk.hpp"
#include "oddkit/learn/detail/tree_builder.hpp"
#include "oddkit/learn/feature_binning.hpp"
#include "oddkit/learn/forest_params.hpp"

namespace oddkit {

namespace detail {

/// What the classifier and the regressor share: fitting, storage, prediction, documents.
class ForestEnsemble {
  public:
    using Params = RandomForestParams;
    static constexpr int format_version = 1;

    const Params &params() const noexcept { return params_; }
    /// The threads later scoring calls use (scikit-learn reads n_jobs at predict time too);
    /// results do not depend on it. Saved with the model like every parameter.
    void set_n_jobs(int n_jobs) {
        check_n_jobs(n_jobs);
        params_.n_jobs = n_jobs;
    }
    bool is_fitted() const noexcept { return tree_begin_.size() >= 2; }
    std::size_t n_features_in() const {
        require_fitted();
        return n_features_;
    }
    std::size_t n_estimators() const noexcept { return is_fitted() ? tree_begin_.size() - 1 : 0; }
    std::size_t node_count() const noexcept { return nodes_.size(); }
    std::size_t leaf_count() const noexcept { return n_outputs_ ? leaf_values_.size() / n_outputs_ : 0; }
    /// Impurity-based importances (mean decrease in impurity), normalised to sum to 1.
    const std::vector<double> &feature_importances() const {
        require_fitted();
        return importances_;
    }
    /// Out-of-bag score (accuracy or R^2); nullopt unless fitted with oob_score = true.
    std::optional<double> oob_score() const {
        require_fitted();
        return oob_score_;
    }
    /// Out-of-bag predictions of the last fit (n x k probabilities, or n values); empty after load.
    const std::vector<double> &oob_prediction() const noexcept { return oob_prediction_; }
    /// True when some training row was in every bootstrap, so has no out-of-bag prediction.
    bool oob_incomplete() const noexcept { return oob_incomplete_; }
    const std::vector<std::string> &feature_names() const noexcept { return feature_names_; }
    /// Optional display names of the classes (e.g. the Python layer's string labels), saved with
    /// the model; empty or one per class.
    const std::vector<std::string> &class_names() const noexcept { return class_names_; }
    void set_class_names(std::vector<std::string> names) {
        require(names.empty() || names.size() == classes_.size(), "class_names", "has ", names.size(),
                " names for ", classes_.size(), " classes");
        class_names_ = std::move(names);
    }
    void set_feature_names(std::vector<std::string> names) {
        require(names.empty() || !is_fitted() || names.size() == n_features_, "feature_names", "has ",
                names.size(), " names for ", n_features_, " features");
        feature_names_ = std::move(names);
    }
    void save(const std::string &path) const { write_document(to_document(), path); }

    Json to_document() const {
        require_fitted();
        std::vector<double> threshold(nodes_.size());
        std::vector<std::int32_t> feature(nodes_.size()), left(nodes_.size());
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            threshold[i] = nodes_[i].threshold;
            feature[i] = nodes_[i].feature;
            left[i] = nodes_[i].left;
        }
        Json state;
        state["n_features_in"] = n_features_;
        state["n_outputs"] = n_outputs_;
        state["classes"] = classes_;
        state["tree_begin"] = tree_begin_;
        state["node_threshold"] = threshold;
        state["node_feature"] = feature;
        state["node_left"] = left;
        state["leaf_values"] = leaf_values_;
        state["feature_importances"] = importances_;
        state["oob_score"] = oob_score_ ? Json(*oob_score_) : Json(nullptr);
        state["feature_names"] = feature_names_;
        state["class_names"] = class_names_;
        return make_document(name(), format_version, params_.to_json(), std::move(state));
    }

  protected:
    ForestEnsemble(bool classification, Params params) : classification_(classification), params_(std::move(params)) {
        params_.validate();
        check_criterion();
    }

    const char *name() const noexcept {
        return classification_ ? "RandomForestClassifier" : "RandomForestRegressor";
    }

    void require_fitted() const {
        if (!is_fitted()) {
            throw NotFitted(std::string("This ") + name() + " instance is not fitted yet. Call 'fit' first.");
        }
    }

    void check_input(const MatrixView &X) const {
        require_fitted();
        check_n_features(X, n_features_, name());
        check_finite(X);
    }

    void check_criterion() const {
        if (!params_.criterion) return;
        const Criterion c = *params_.criterion;
        const bool for_classes = c == Criterion::gini || c == Criterion::entropy;
        require(for_classes == classification_, "criterion", "'", criterion_name(c), "' is not a criterion for a ",
                classification_ ? "classifier (use 'gini' or 'entropy')"
                                : "regressor (use 'squared_error' or 'absolute_error')");
    }

    /// Fits on X and y (class indices 0..k-1 for classification, targets for regression).
    void fit_encoded(const MatrixView &X, const std::vector<std::int32_t> &label, const VectorView y,
                     const std::vector<double> &base_weight, const std::vector<double> &class_weight) {
        const std::size_t n = X.rows();
        const std::size_t d = X.cols();
        const auto n32 = static_cast<std::uint32_t>(n);
        const std::size_t m = resolve_max_samples(n);
        detail::TreeProblem problem;
        problem.X = X;
        problem.classification = classification_;
        problem.criterion = params_.criterion.value_or(classification_ ? Criterion::gini : Criterion::squared_error);
        problem.n_classes = classes_.size();
        problem.label = classification_ ? label.data() : nullptr;
        problem.target = classification_ ? nullptr : y.data;
        problem.max_features =
            params_.max_features.value_or(classification_ ? MaxFeatures::sqrt() : MaxFeatures::all()).resolve(d);
        problem.max_depth = params_.max_depth.value_or(std::numeric_limits<int>::max());
        problem.min_samples_split = resolve_min_samples(params_.min_samples_split, n, 2);
        problem.min_samples_leaf = resolve_min_samples(params_.min_samples_leaf, n, 1);
        problem.max_leaf_nodes = params_.max_leaf_nodes ? static_cast<std::size_t>(*params_.max_leaf_nodes) : 0;
        problem.min_impurity_decrease = params_.min_impurity_decrease;
        problem.exact_rows = static_cast<std::size_t>(params_.exact_split_rows);
        const BinnedFeatures bins = bin_features(X, params_.max_bins, params_.random_state, params_.n_jobs);
        problem.bins = &bins;

        const auto T = static_cast<std::size_t>(params_.n_estimators);
        std::vector<detail::GrownTree> trees(T);
        std::vector<std::vector<std::uint64_t>> in_bag(params_.oob_score ? T : 0);
        const std::size_t K = classes_.size();
        parallel_for(T, params_.n_jobs, [&](std::size_t t) {
            Random rng(params_.random_state, t);
            std::vector<double> w(base_weight);
            if (params_.bootstrap) {
                std::vector<std::uint32_t> counts(n, 0);
                for (std::size_t draw = 0; draw < m; ++draw) {
                    ++counts[rng.below(n32)];
                }
                std::vector<double> cw_t;
                if (params_.class_weight == ClassWeight::balanced_subsample) {
                    // Balanced over this tree's draws (duplicates included), as scikit-learn.
                    std::vector<double> drawn(K, 0.0);
                    for (std::size_t i = 0; i < n; ++i) drawn[static_cast<std::size_t>(label[i])] += counts[i];
                    std::size_t present = 0;
                    for (double c : drawn) present += c > 0.0;
                    cw_t.resize(K);
                    for (std::size_t k = 0; k < K; ++k) {
                        cw_t[k] = drawn[k] > 0.0 ? static_cast<double>(m) / (static_cast<double>(present) * drawn[k]) : 0.0;
                    }
                }
                for (std::size_t i = 0; i < n; ++i) {
                    w[i] *= counts[i];
                    if (!cw_t.empty()) w[i] *= cw_t[static_cast<std::size_t>(label[i])];
                }
                if (params_.oob_score) {
                    auto &bits = in_bag[t];
                    bits.assign((n + 63) / 64, 0);
                    for (std::size_t i = 0; i < n; ++i) {
                        if (counts[i] != 0) bits[i / 64] |= std::uint64_t{1} << (i % 64);
                    }
                }
            } else if (params_.class_weight == ClassWeight::balanced_subsample) {
                for (std::size_t i = 0; i < n; ++i) w[i] *= class_weight[static_cast<std::size_t>(label[i])];
            }
            std::vector<std::uint32_t> rows;
            rows.reserve(n);
            double total = 0.0;
            for (std::size_t i = 0; i < n; ++i) {
                if (w[i] > 0.0) {
                    rows.push_back(static_cast<std::uint32_t>(i));
                    total += w[i];
                }
            }
            detail::TreeProblem tree_problem = problem;
            tree_problem.min_weight_leaf = params_.min_weight_fraction_leaf * total;
            detail::TreeBuilder builder(tree_problem, rng, w.data());
            trees[t] = builder.grow(std::move(rows));
        });

        // Concatenate in tree order (deterministic), shifting leaf ids to the global table.
        n_features_ = d;
        n_outputs_ = classification_ ? K : 1;
        nodes_.clear();
        leaf_values_.clear();
        tree_begin_.assign(1, 0);
        std::vector<double> importance_sum(d, 0.0);
        std::size_t trees_with_splits = 0;
        for (auto &tree : trees) {
            const auto leaf_base = static_cast<std::int32_t>(leaf_values_.size() / n_outputs_);
            for (auto node : tree.nodes) {
                if (node.feature < 0) node.left += leaf_base;
                nodes_.push_back(node);
            }
            tree_begin_.push_back(static_cast<std::uint32_t>(nodes_.size()));
            leaf_values_.insert(leaf_values_.end(), tree.leaf_values.begin(), tree.leaf_values.end());
            if (tree.nodes.size() > 1) {
                double s = 0.0;
                for (double v : tree.importances) s += v;
                if (s > 0.0) {
                    for (std::size_t j = 0; j < d; ++j) importance_sum[j] += tree.importances[j] / s;
                }
                ++trees_with_splits;
            }
        }
        derive_walk_layouts();
        importances_.assign(d, 0.0);
        double total = 0.0;
        for (double v : importance_sum) total += v;
        if (trees_with_splits > 0 && total > 0.0) {
            for (std::size_t j = 0; j < d; ++j) importances_[j] = importance_sum[j] / total;
        }
        if (!feature_names_.empty() && feature_names_.size() != d) feature_names_.clear();
        oob_score_.reset();
        oob_prediction_.clear();
        oob_incomplete_ = false;
        if (params_.oob_score) {
            compute_oob(X, label, y, in_bag);
        }
    }

    /// Sums every tree's leaf values for each row of X into out (n x n_outputs), divided by the
    /// tree count.
    void average_leaves(const MatrixView &X, double *out) const {
        const detail::ForestLayout layout{nodes_.data(), tree_begin_.data(), n_estimators(), leaf_values_.data(),
                                          n_outputs_};
        const std::size_t k = n_outputs_;
        const double scale = 1.0 / static_cast<double>(layout.n_trees);
        parallel_for_chunks(
            X.rows(), resolve_n_jobs(params_.n_jobs),
            [&](std::size_t begin, std::size_t end) {
                double *acc = out + begin * k;
                detail::sum_leaf_values<>(layout, complete_, floats_, X, begin, end, acc);
                for (std::size_t i = 0; i < (end - begin) * k; ++i) acc[i] *= scale;
            },
            256);
    }

    static std::int32_t leaf_of(const ForestNode *tree, const double *x) noexcept {
        std::int32_t at = 0;
        while (tree[at].feature >= 0) {
            const ForestNode &node = tree[at];
            at = node.left + (x[node.feature] <= node.threshold ? 0 : 1);
        }
        return tree[at].left;
    }

    void load_state(const Json &doc) {
        check_document(doc, name(), format_version);
        params_ = document_params<Params>(doc);
        try {
            check_criterion();
        } catch (const InvalidArgument &e) {
            throw FormatError(std::string("model document: invalid parameters: ") + e.what());
        }
        const Json &s = doc.at("state");
        n_features_ = document_get<std::size_t>(s, "n_features_in");
        n_outputs_ = document_get<std::size_t>(s, "n_outputs");
        classes_ = document_get<std::vector<double>>(s, "classes");
        tree_begin_ = document_get<std::vector<std::uint32_t>>(s, "tree_begin");
        const auto threshold = document_get<std::vector<double>>(s, "node_threshold");
        const auto feature = document_get<std::vector<std::int32_t>>(s, "node_feature");
        const auto left = document_get<std::vector<std::int32_t>>(s, "node_left");
        leaf_values_ = document_get<std::vector<double>>(s, "leaf_values");
        importances_ = document_get<std::vector<double>>(s, "feature_importances");
        const Json &oob = s.at("oob_score");
        if (oob.is_number()) oob_score_ = oob.get<double>();
        else if (!oob.is_null()) throw FormatError("model document: oob_score must be a number or null");
        feature_names_ = document_get<std::vector<std::string>>(s, "feature_names");
        class_names_ = document_get<std::vector<std::string>>(s, "class_names");
        if (!class_names_.empty() && class_names_.size() != classes_.size()) {
            throw FormatError("model document: class_names does not match classes");
        }
        if (threshold.size() != feature.size() || threshold.size() != left.size()) {
            throw FormatError("model document: node arrays of different lengths");
        }
        nodes_.resize(threshold.size());
        for (std::size_t i = 0; i < nodes_.size(); ++i) nodes_[i] = ForestNode{threshold[i], feature[i], left[i]};
        check_structure();
        derive_walk_layouts();
    }

    /// The prediction layouts derived from nodes_: complete trees for the shallow trees,
    /// lockstep nodes for small deep ones, 8-byte nodes for the rest (when there are any).
    void derive_walk_layouts() {
        complete_ = detail::complete_trees(nodes_.data(), tree_begin_.data(), n_estimators());
        floats_ = complete_.all_lane_walks() ? detail::FloatNodes{}
                                            : detail::float_nodes(nodes_.data(), tree_begin_.data(), n_estimators(), n_features_);
    }

    /// Every index in range, every child after its parent inside its tree, every value finite:
    /// then every walk ends at a leaf with a value.
    void check_structure() const {
        auto bad = [](const std::string &what) { throw FormatError("model document: " + what); };
        if (n_features_ == 0) bad("n_features_in must be positive");
        if (classification_) {
            if (classes_.size() < 2 || n_outputs_ != classes_.size()) bad("classes do not match n_outputs");
            for (std::size_t k = 0; k < classes_.size(); ++k) {
                if (!std::isfinite(classes_[k]) || (k > 0 && !(classes_[k] > classes_[k - 1]))) {
                    bad("classes must be finite and increasing");
                }
            }
        } else if (n_outputs_ != 1 || !classes_.empty()) {
            bad("a regressor has one output and no classes");
        }
        if (leaf_values_.size() % n_outputs_ != 0) bad("leaf value table is not a whole number of rows");
        for (double v : leaf_values_) {
            if (!std::isfinite(v)) bad("non-finite leaf value");
        }
        if (importances_.size() != n_features_) bad("feature_importances has the wrong length");
        for (double v : importances_) {
            if (!std::isfinite(v) || v < 0.0) bad("feature importances must be finite and non-negative");
        }
        if (!feature_names_.empty() && feature_names_.size() != n_features_) {
            bad("feature_names does not match n_features_in");
        }
        if (tree_begin_.size() < 2 || tree_begin_.front() != 0 || tree_begin_.back() != nodes_.size()) {
            bad("tree offsets do not cover the node array");
        }
        const auto leaves = static_cast<std::int64_t>(leaf_values_.size() / n_outputs_);
        for (std::size_t t = 0; t + 1 < tree_begin_.size(); ++t) {
            if (tree_begin_[t + 1] <= tree_begin_[t]) bad("empty or misordered tree");
            const auto size = static_cast<std::int64_t>(tree_begin_[t + 1] - tree_begin_[t]);
            for (std::int64_t i = 0; i < size; ++i) {
                const ForestNode &node = nodes_[tree_begin_[t] + static_cast<std::size_t>(i)];
                if (node.feature == -1) {
                    if (node.left < 0 || node.left >= leaves) bad("leaf refers to a missing leaf value");
                    continue;
                }
                if (node.feature < 0 || static_cast<std::size_t>(node.feature) >= n_features_) {
                    bad("split on a missing feature");
                }
                if (std::isnan(node.threshold)) bad("NaN split threshold");
                if (node.left <= i || static_cast<std::int64_t>(node.left) + 1 >= size) {
                    bad("child index out of order or out of range");
                }
            }
        }
    }

    bool classification_;
    Params params_;
    std::size_t n_features_ = 0;
    std::size_t n_outputs_ = 0;
    std::vector<double> classes_;
    std::vector<ForestNode> nodes_;
    std::vector<std::uint32_t> tree_begin_;
    std::vector<double> leaf_values_;
    /// The shallow trees padded to complete binary trees, the layout prediction walks for them
    /// (derived from nodes_, never saved).
    detail::CompleteTrees complete_;
    /// The deeper trees in 8-byte nodes, the layout prediction walks for them (derived from
    /// nodes_, never saved; empty when the forest's indices do not fit).
    detail::FloatNodes floats_;
    std::vector<double> importances_;
    std::optional<double> oob_score_;
    std::vector<double> oob_prediction_;
    bool oob_incomplete_ = false;
    std::vector<std::string> feature_names_;
    std::vector<std::string> class_names_;

    /// Checks X, y and sample_weight for fit; returns the weights (ones when none given).
    std::vector<double> check_fit_input(const MatrixView &X, VectorView y, VectorView sample_weight) const {
        params_.validate();
        check_criterion();
        check_not_empty(X);
        check_finite(X);
        require(X.rows() < std::numeric_limits<std::uint32_t>::max(), "X", "more than 2^32 - 1 rows");
        require(y.size == X.rows(), "y", "has ", y.size, " values but X has ", X.rows(), " rows");
        for (std::size_t i = 0; i < y.size; ++i) {
            require(std::isfinite(y[i]), "y", "contains ", std::isnan(y[i]) ? "NaN" : "infinity", " at ", i);
        }
        std::vector<double> w(X.rows(), 1.0);
        if (sample_weight.size != 0) {
            require(sample_weight.size == X.rows(), "sample_weight", "has ", sample_weight.size,
                    " values but X has ", X.rows(), " rows");
            double total = 0.0;
            for (std::size_t i = 0; i < w.size(); ++i) {
                require(std::isfinite(sample_weight[i]) && sample_weight[i] >= 0.0, "sample_weight",
                        "must be finite and non-negative, got ", sample_weight[i], " at ", i);
                w[i] = sample_weight[i];
                total += w[i];
            }
            require(total > 0.0, "sample_weight", "must contain at least one non-zero weight");
        }
        if (params_.max_samples && params_.max_samples->kind() == CountOrFraction::Kind::count) {
            require(params_.max_samples->value() <= static_cast<double>(X.rows()), "max_samples", "must be <= n_samples (",
                    X.rows(), "), got ", params_.max_samples->value());
        }
        return w;
    }

  private:
    std::size_t resolve_max_samples(std::size_t n) const {
        if (!params_.bootstrap || !params_.max_samples) return n;
        const CountOrFraction &ms = *params_.max_samples;
        if (ms.kind() == CountOrFraction::Kind::count) return static_cast<std::size_t>(ms.value());
        return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(ms.value() * static_cast<double>(n))));
    }

    static std::size_t resolve_min_samples(const CountOrFraction &v, std::size_t n, std::size_t floor) {
        if (v.kind() == CountOrFraction::Kind::count) return static_cast<std::size_t>(v.value());
        return std::max<std::size_t>(floor, static_cast<std::size_t>(std::ceil(v.value() * static_cast<double>(n))));
    }

    void compute_oob(const MatrixView &X, const std::vector<std::int32_t> &label, VectorView y,
                     const std::vector<std::vector<std::uint64_t>> &in_bag) {
        const std::size_t n = X.rows();
        const std::size_t k = n_outputs_;
        const std::size_t T = n_estimators();
        oob_prediction_.assign(n * k, 0.0);
        std::vector<std::uint32_t> votes(n, 0);
        parallel_for(
            n, params_.n_jobs,
            [&](std::size_t i) {
                double *acc = oob_prediction_.data() + i * k;
                for (std::size_t t = 0; t < T; ++t) {
                    if ((in_bag[t][i / 64] >> (i % 64)) & 1U) continue;
                    const double *v = leaf_values_.data() +
                                      static_cast<std::size_t>(leaf_of(nodes_.data() + tree_begin_[t], X.row(i))) * k;
                    for (std::size_t c = 0; c < k; ++c) acc[c] += v[c];
                    ++votes[i];
                }
                if (votes[i] > 0) {
                    for (std::size_t c = 0; c < k; ++c) acc[c] /= votes[i];
                }
            },
            1024);
        for (auto v : votes) oob_incomplete_ = oob_incomplete_ || v == 0;
        // Rows without an out-of-bag tree keep prediction 0 and still count, as in scikit-learn.
        if (classification_) {
            std::size_t hits = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const double *p = oob_prediction_.data() + i * k;
                hits += static_cast<std::int32_t>(std::max_element(p, p + k) - p) == label[i];
            }
            oob_score_ = static_cast<double>(hits) / static_cast<double>(n);
        } else {
            double mean = 0.0;
            for (std::size_t i = 0; i < n; ++i) mean += y[i];
            mean /= static_cast<double>(n);
            double ss_res = 0.0, ss_tot = 0.0;
            for (std::size_t i = 0; i < n; ++i) {
                ss_res += (y[i] - oob_prediction_[i]) * (y[i] - oob_prediction_[i]);
                ss_tot += (y[i] - mean) * (y[i] - mean);
            }
            oob_score_ = ss_tot > 0.0 ? 1.0 - ss_res / ss_tot : (ss_res == 0.0 ? 1.0 : 0.0);
        }
    }
};

} // namespace detail

/// Random forest classifier. Labels are any finite doubles; classes() lists them sorted, and
/// predict_proba's columns follow that order.
class RandomForestClassifier : public detail::ForestEnsemble {
  public:
    explicit RandomForestClassifier(Params params = {}) : ForestEnsemble(true, std::move(params)) {}

    const std::vector<double> &classes() const {
        require_fitted();
        return classes_;
    }
    std::size_t n_classes() const { return classes().size(); }

    void fit(const MatrixView &X, VectorView y, VectorView sample_weight = {}) {
        std::vector<double> w = check_fit_input(X, y, sample_weight);
        std::vector<double> classes(y.begin(), y.end());
        std::sort(classes.begin(), classes.end());
        classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
        require(classes.size() >= 2, "y", "needs samples of at least 2 classes, got 1 class (", classes.front(), ")");
        std::vector<std::int32_t> label(y.size);
        std::vector<double> count(classes.size(), 0.0);
        for (std::size_t i = 0; i < y.size; ++i) {
            label[i] = static_cast<std::int32_t>(std::lower_bound(classes.begin(), classes.end(), y[i]) - classes.begin());
            count[static_cast<std::size_t>(label[i])] += 1.0;
        }
        const std::size_t K = classes.size();
        std::vector<double> cw(K, 1.0);
        if (params_.class_weight == ClassWeight::balanced || params_.class_weight == ClassWeight::balanced_subsample) {
            for (std::size_t k = 0; k < K; ++k) cw[k] = static_cast<double>(y.size) / (static_cast<double>(K) * count[k]);
        } else if (params_.class_weight == ClassWeight::given) {
            for (const auto &[c, weight] : params_.class_weights) {
                const auto it = std::lower_bound(classes.begin(), classes.end(), c);
                require(it != classes.end() && *it == c, "class_weight", "names class ", c, ", which is not in y");
                cw[static_cast<std::size_t>(it - classes.begin())] = weight;
            }
        } else {
            require(params_.class_weights.empty(), "class_weight", "weights given but class_weight mode is not 'given'");
        }
        // 'balanced_subsample' weighs each tree by its own draws (inside fit_encoded).
        if (params_.class_weight != ClassWeight::balanced_subsample) {
            for (std::size_t i = 0; i < w.size(); ++i) w[i] *= cw[static_cast<std::size_t>(label[i])];
        }
        classes_ = std::move(classes);
        class_names_.clear();
        fit_encoded(X, label, y, w, cw);
    }

    /// Class probabilities: n x n_classes, row-major into out (size n * n_classes).
    void predict_proba(const MatrixView &X, double *out, std::size_t out_size) const {
        check_input(X);
        require(out_size == X.rows() * n_outputs_, "out", "has room for ", out_size, " values, expected ",
                X.rows() * n_outputs_);
        average_leaves(X, out);
    }
    Matrix predict_proba(const MatrixView &X) const {
        check_input(X);
        Matrix out = xt::empty<double>({X.rows(), n_outputs_});
        average_leaves(X, out.data());
        return out;
    }
    /// The most probable class of each row (the first in classes() order on a tie).
    void predict(const MatrixView &X, OutputView out) const {
        check_output_size(out, X.rows());
        const Matrix p = predict_proba(X);
        for (std::size_t i = 0; i < X.rows(); ++i) {
            const double *row = p.data() + i * n_outputs_;
            out[i] = classes_[static_cast<std::size_t>(std::max_element(row, row + n_outputs_) - row)];
        }
    }
    Vector predict(const MatrixView &X) const {
        Vector out = xt::empty<double>({X.rows()});
        predict(X, out);
        return out;
    }

    static RandomForestClassifier from_document(const Json &doc) {
        RandomForestClassifier forest;
        forest.load_state(doc);
        return forest;
    }
    static RandomForestClassifier load(const std::string &path) { return from_document(read_document(path)); }
};

/// Random forest regressor: predict is the mean of the trees' leaf means.
class RandomForestRegressor : public detail::ForestEnsemble {
  public:
    explicit RandomForestRegressor(Params params = {}) : ForestEnsemble(false, std::move(params)) {
        require(params_.class_weight == ClassWeight::none && params_.class_weights.empty(), "class_weight",
                "is for classifiers only");
    }

    void fit(const MatrixView &X, VectorView y, VectorView sample_weight = {}) {
        const std::vector<double> w = check_fit_input(X, y, sample_weight);
        classes_.clear();
        fit_encoded(X, {}, y, w, {});
    }

    void predict(const MatrixView &X, OutputView out) const {
        check_input(X);
        check_output_size(out, X.rows());
        average_leaves(X, out.data);
    }
    Vector predict(const MatrixView &X) const {
        Vector out = xt::empty<double>({X.rows()});
        predict(X, out);
        return out;
    }

    static RandomForestRegressor from_document(const Json &doc) {
        RandomForestRegressor forest;
        forest.load_state(doc);
        return forest;
    }
    static RandomForestRegressor load(const std::string &path) { return from_document(read_document(path)); }
};

} // namespace oddkit
