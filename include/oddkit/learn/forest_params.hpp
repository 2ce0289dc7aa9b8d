#pragma once
/// Parameters of the random forests, named and defaulted as scikit-learn's
/// RandomForestClassifier / RandomForestRegressor. Options scikit-learn spells as None are
/// std::optional here (nullopt = None).

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "oddkit/core/count_or_fraction.hpp"
#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/core/parallel.hpp"

namespace oddkit {

enum class Criterion { gini, entropy, squared_error, absolute_error };

inline const char *criterion_name(Criterion c) {
    switch (c) {
    case Criterion::gini: return "gini";
    case Criterion::entropy: return "entropy";
    case Criterion::squared_error: return "squared_error";
    case Criterion::absolute_error: return "absolute_error";
    }
    return "gini";
}

inline Criterion criterion_from_name(const std::string &name) {
    if (name == "gini") return Criterion::gini;
    if (name == "entropy" || name == "log_loss") return Criterion::entropy;
    if (name == "squared_error") return Criterion::squared_error;
    if (name == "absolute_error") return Criterion::absolute_error;
    throw InvalidArgument("criterion: expected 'gini', 'entropy', 'log_loss', 'squared_error' or "
                          "'absolute_error', got '" + name + "'");
}

/// Features drawn at each node: 'sqrt', 'log2', all (None), a count or a fraction.
struct MaxFeatures {
    enum class Kind { sqrt, log2, all, count, fraction };
    Kind kind = Kind::sqrt;
    double value = 0.0;

    static MaxFeatures sqrt() { return {Kind::sqrt, 0.0}; }
    static MaxFeatures log2() { return {Kind::log2, 0.0}; }
    static MaxFeatures all() { return {Kind::all, 0.0}; }
    static MaxFeatures count(int k) { return {Kind::count, static_cast<double>(k)}; }
    static MaxFeatures fraction(double f) { return {Kind::fraction, f}; }

    void validate() const {
        if (kind == Kind::count) {
            require(value >= 1, "max_features", "must be >= 1 as a count, got ", value);
        } else if (kind == Kind::fraction) {
            require(value > 0.0 && value <= 1.0, "max_features", "must be in (0, 1] as a fraction, got ", value);
        }
    }
    /// The number of features out of d, as scikit-learn resolves it (at least 1).
    std::size_t resolve(std::size_t d) const {
        const double dd = static_cast<double>(d);
        std::size_t k = d;
        switch (kind) {
        case Kind::sqrt: k = static_cast<std::size_t>(std::sqrt(dd)); break;
        case Kind::log2: k = static_cast<std::size_t>(std::log2(dd)); break;
        case Kind::all: k = d; break;
        case Kind::count: k = static_cast<std::size_t>(value); break;
        case Kind::fraction: k = static_cast<std::size_t>(value * dd); break;
        }
        return std::max<std::size_t>(1, std::min(k, d));
    }
    Json to_json() const {
        switch (kind) {
        case Kind::sqrt: return "sqrt";
        case Kind::log2: return "log2";
        case Kind::all: return nullptr;
        case Kind::count: return static_cast<long long>(value);
        case Kind::fraction: break;
        }
        return value;
    }
    static MaxFeatures from_json(const Json &j) {
        if (j.is_null()) return all();
        if (j.is_string() && j.get<std::string>() == "sqrt") return sqrt();
        if (j.is_string() && j.get<std::string>() == "log2") return log2();
        if (j.is_number_integer()) return count(j.get<int>());
        if (j.is_number_float()) return fraction(j.get<double>());
        throw FormatError("model document: parameter 'max_features' has an unknown value");
    }
};

enum class ClassWeight { none, balanced, balanced_subsample, given };

struct RandomForestParams {
    int n_estimators = 100;
    /// nullopt: gini for the classifier, squared_error for the regressor.
    std::optional<Criterion> criterion;
    std::optional<int> max_depth;
    /// A count >= 2 or a fraction in (0, 1] of the rows (ceil(fraction * n)).
    CountOrFraction min_samples_split = 2;
    /// A count >= 1 or a fraction in (0, 1) of the rows (ceil(fraction * n)).
    CountOrFraction min_samples_leaf = 1;
    double min_weight_fraction_leaf = 0.0;
    /// nullopt: 'sqrt' for the classifier, all features (1.0) for the regressor.
    std::optional<MaxFeatures> max_features;
    std::optional<int> max_leaf_nodes;
    double min_impurity_decrease = 0.0;
    bool bootstrap = true;
    bool oob_score = false;
    /// Rows drawn per tree when bootstrapping: nullopt = n, a count, or a fraction of n.
    std::optional<CountOrFraction> max_samples;
    ClassWeight class_weight = ClassWeight::none;
    /// For ClassWeight::given: (class label, weight) pairs; classes not named weigh 1.
    std::vector<std::pair<double, double>> class_weights;
    /// Histogram bins per feature, in [2, 256] (oddkit's own; scikit-learn sorts exact values).
    int max_bins = 256;
    /// Nodes with at most this many rows search exact thresholds on sorted raw values.
    int exact_split_rows = 256;
    int n_jobs = 1;
    std::uint64_t random_state = 0;

    void validate() const {
        require(n_estimators >= 1, "n_estimators", "must be >= 1, got ", n_estimators);
        require(!max_depth || *max_depth >= 1, "max_depth", "must be >= 1 or None, got ", max_depth.value_or(0));
        if (min_samples_split.kind() == CountOrFraction::Kind::count) {
            require(min_samples_split.value() >= 2, "min_samples_split", "must be a count >= 2 or a fraction in (0, 1], got ",
                    min_samples_split.value());
        } else {
            require(min_samples_split.kind() == CountOrFraction::Kind::fraction && min_samples_split.value() > 0.0 &&
                        min_samples_split.value() <= 1.0,
                    "min_samples_split", "must be a count >= 2 or a fraction in (0, 1], got ", min_samples_split.value());
        }
        if (min_samples_leaf.kind() == CountOrFraction::Kind::count) {
            require(min_samples_leaf.value() >= 1, "min_samples_leaf", "must be a count >= 1 or a fraction in (0, 1), got ",
                    min_samples_leaf.value());
        } else {
            require(min_samples_leaf.kind() == CountOrFraction::Kind::fraction && min_samples_leaf.value() > 0.0 &&
                        min_samples_leaf.value() < 1.0,
                    "min_samples_leaf", "must be a count >= 1 or a fraction in (0, 1), got ", min_samples_leaf.value());
        }
        require(min_weight_fraction_leaf >= 0.0 && min_weight_fraction_leaf <= 0.5, "min_weight_fraction_leaf",
                "must be in [0, 0.5], got ", min_weight_fraction_leaf);
        if (max_features) {
            max_features->validate();
        }
        require(!max_leaf_nodes || *max_leaf_nodes >= 2, "max_leaf_nodes", "must be >= 2 or None, got ",
                max_leaf_nodes.value_or(0));
        require(min_impurity_decrease >= 0.0, "min_impurity_decrease", "must be >= 0, got ", min_impurity_decrease);
        require(!oob_score || bootstrap, "oob_score", "out-of-bag estimation is only available if bootstrap=True");
        if (max_samples) {
            require(bootstrap, "max_samples", "must be None when bootstrap=False (all rows are used)");
            max_samples->validate("max_samples");
            require(max_samples->kind() != CountOrFraction::Kind::automatic, "max_samples", "must be None, a count or a fraction");
        }
        for (const auto &[label, weight] : class_weights) {
            require(std::isfinite(weight) && weight >= 0.0, "class_weight", "weight of class ", label,
                    " must be finite and >= 0, got ", weight);
        }
        require(max_bins >= 2 && max_bins <= 256, "max_bins", "must be in [2, 256], got ", max_bins);
        require(exact_split_rows >= 0, "exact_split_rows", "must be >= 0, got ", exact_split_rows);
        check_n_jobs(n_jobs);
    }

    Json to_json() const {
        Json weights = Json::array();
        for (const auto &[label, weight] : class_weights) {
            weights.push_back({label, weight});
        }
        const char *cw[] = {"none", "balanced", "balanced_subsample", "given"};
        return {{"n_estimators", n_estimators},
                {"criterion", criterion ? Json(criterion_name(*criterion)) : Json(nullptr)},
                {"max_depth", max_depth ? Json(*max_depth) : Json(nullptr)},
                {"min_samples_split", min_samples_split.to_json()},
                {"min_samples_leaf", min_samples_leaf.to_json()},
                {"min_weight_fraction_leaf", min_weight_fraction_leaf},
                {"max_features", max_features ? max_features->to_json() : Json("default")},
                {"max_leaf_nodes", max_leaf_nodes ? Json(*max_leaf_nodes) : Json(nullptr)},
                {"min_impurity_decrease", min_impurity_decrease},
                {"bootstrap", bootstrap},
                {"oob_score", oob_score},
                {"max_samples", max_samples ? max_samples->to_json() : Json(nullptr)},
                {"class_weight", cw[static_cast<int>(class_weight)]},
                {"class_weights", weights},
                {"max_bins", max_bins},
                {"exact_split_rows", exact_split_rows},
                {"n_jobs", n_jobs},
                {"random_state", random_state}};
    }

    static RandomForestParams from_json(const Json &j) {
        RandomForestParams p;
        p.n_estimators = document_get<int>(j, "n_estimators");
        const Json &c = j.at("criterion");
        if (!c.is_null()) p.criterion = criterion_from_name(c.get<std::string>());
        const Json &md = j.at("max_depth");
        if (!md.is_null()) p.max_depth = md.get<int>();
        p.min_samples_split = CountOrFraction::from_json(j.at("min_samples_split"), "min_samples_split");
        p.min_samples_leaf = CountOrFraction::from_json(j.at("min_samples_leaf"), "min_samples_leaf");
        p.min_weight_fraction_leaf = document_get<double>(j, "min_weight_fraction_leaf");
        const Json &mf = j.at("max_features");
        if (!(mf.is_string() && mf.get<std::string>() == "default")) p.max_features = MaxFeatures::from_json(mf);
        const Json &ml = j.at("max_leaf_nodes");
        if (!ml.is_null()) p.max_leaf_nodes = ml.get<int>();
        p.min_impurity_decrease = document_get<double>(j, "min_impurity_decrease");
        p.bootstrap = document_get<bool>(j, "bootstrap");
        p.oob_score = document_get<bool>(j, "oob_score");
        const Json &ms = j.at("max_samples");
        if (!ms.is_null()) p.max_samples = CountOrFraction::from_json(ms, "max_samples");
        const auto cw = document_get<std::string>(j, "class_weight");
        if (cw == "none") p.class_weight = ClassWeight::none;
        else if (cw == "balanced") p.class_weight = ClassWeight::balanced;
        else if (cw == "balanced_subsample") p.class_weight = ClassWeight::balanced_subsample;
        else if (cw == "given") p.class_weight = ClassWeight::given;
        else throw FormatError("model document: unknown class_weight '" + cw + "'");
        for (const auto &pair : j.at("class_weights")) {
            p.class_weights.emplace_back(pair.at(0).get<double>(), pair.at(1).get<double>());
        }
        p.max_bins = document_get<int>(j, "max_bins");
        p.exact_split_rows = document_get<int>(j, "exact_split_rows");
        p.n_jobs = document_get<int>(j, "n_jobs");
        p.random_state = document_get<std::uint64_t>(j, "random_state");
        return p;
    }
};

} // namespace oddkit
