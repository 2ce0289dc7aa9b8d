#pragma once
/// Ensemble: several detectors scored together. Each member's anomaly_score is normalized
/// with statistics of its own training scores, the normalized scores are combined into one
/// anomaly score, and a threshold is set by contamination.
///
/// Normalizations (fitted on each member's training scores):
///   rank     the empirical CDF: share of training scores <= s, in [0, 1]
///   zscore   (s - mean) / std
///   minmax   (s - min) / (max - min), not clipped
///   unify    Gaussian scaling of Kriegel et al. 2011: max(0, erf((s - mean) / (std sqrt 2))),
///            a probability-like value in [0, 1)
/// Combinations (member i is in bucket i mod n_buckets for the two bucketed rules, as the
/// members' order is the user's; Aggarwal and Sathe 2015):
///   mean, max, weighted_mean (weights, one per member, >= 0, not all 0),
///   average_of_maximum (mean over buckets of each bucket's max),
///   maximum_of_average (max over buckets of each bucket's mean),
///   majority_vote (the share of members whose own predict() says outlier; the normalization
///   is then unused).
/// Threshold: contamination c puts offset at the c-quantile of the training score_samples;
/// 'auto' flags, for majority_vote, rows that more than half the members flag, and otherwise as
/// many training rows as the members flag on average.

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/statistics.hpp"
#include "oddkit/core/validation.hpp"
#include "oddkit/detect/detail/statistical_base.hpp"
#include "oddkit/detect/detector.hpp"
#include "oddkit/detect/registry.hpp"

namespace oddkit {

enum class Normalization { rank, zscore, minmax, unify };
enum class Combination { mean, max, weighted_mean, average_of_maximum, maximum_of_average, majority_vote };

namespace detail {
inline constexpr std::pair<Normalization, const char *> normalization_names[] = {
    {Normalization::rank, "rank"}, {Normalization::zscore, "zscore"}, {Normalization::minmax, "minmax"},
    {Normalization::unify, "unify"}};
inline constexpr std::pair<Combination, const char *> combination_names[] = {
    {Combination::mean, "mean"},
    {Combination::max, "max"},
    {Combination::weighted_mean, "weighted_mean"},
    {Combination::average_of_maximum, "average_of_maximum"},
    {Combination::maximum_of_average, "maximum_of_average"},
    {Combination::majority_vote, "majority_vote"}};

template <class E, std::size_t N>
const char *enum_name(E value, const std::pair<E, const char *> (&names)[N]) {
    for (const auto &[v, name] : names) {
        if (v == value) {
            return name;
        }
    }
    return "?";
}
template <class E, std::size_t N>
E enum_from_name(const std::string &s, const std::pair<E, const char *> (&names)[N], const char *what) {
    for (const auto &[v, name] : names) {
        if (s == name) {
            return v;
        }
    }
    throw FormatError(std::string("model document: unknown ") + what + " '" + s + "'");
}
} // namespace detail

inline Normalization normalization_from_string(const std::string &s) {
    try {
        return detail::enum_from_name(s, detail::normalization_names, "normalization");
    } catch (const FormatError &) {
        throw InvalidArgument("normalization: expected 'rank', 'zscore', 'minmax' or 'unify', got '" + s + "'");
    }
}
inline Combination combination_from_string(const std::string &s) {
    try {
        return detail::enum_from_name(s, detail::combination_names, "combination");
    } catch (const FormatError &) {
        throw InvalidArgument("combination: expected 'mean', 'max', 'weighted_mean', 'average_of_maximum', "
                              "'maximum_of_average' or 'majority_vote', got '" + s + "'");
    }
}

struct EnsembleParams {
    Normalization normalization = Normalization::rank;
    Combination combination = Combination::mean;
    /// One weight per member, only (and necessarily) with weighted_mean.
    std::vector<double> weights;
    /// Buckets of average_of_maximum and maximum_of_average (at most the member count).
    int n_buckets = 2;
    /// Expected share of outliers in (0, 0.5], or nullopt for 'auto' (see the file comment).
    std::optional<double> contamination;

    void validate() const {
        detail::validate_contamination(contamination);
        require(n_buckets >= 1, "n_buckets", "must be >= 1, got ", n_buckets);
        if (combination == Combination::weighted_mean) {
            require(!weights.empty(), "weights", "combination 'weighted_mean' needs one weight per detector");
            double total = 0.0;
            for (double w : weights) {
                require(std::isfinite(w) && w >= 0.0, "weights", "must be finite and >= 0, got ", w);
                total += w;
            }
            require(total > 0.0, "weights", "must not all be 0");
        } else {
            require(weights.empty(), "weights", "are only used with combination 'weighted_mean'; got ",
                    weights.size(), " weights with '", detail::enum_name(combination, detail::combination_names), "'");
        }
    }
    Json to_json() const {
        return {{"normalization", detail::enum_name(normalization, detail::normalization_names)},
                {"combination", detail::enum_name(combination, detail::combination_names)},
                {"weights", weights},
                {"n_buckets", n_buckets},
                {"contamination", detail::contamination_to_json(contamination)}};
    }
    static EnsembleParams from_json(const Json &j) {
        EnsembleParams p;
        p.normalization = detail::enum_from_name(document_get<std::string>(j, "normalization"),
                                                 detail::normalization_names, "normalization");
        p.combination = detail::enum_from_name(document_get<std::string>(j, "combination"), detail::combination_names,
                                               "combination");
        p.weights = document_get<std::vector<double>>(j, "weights");
        p.n_buckets = document_get<int>(j, "n_buckets");
        p.contamination = detail::contamination_from_json(j);
        return p;
    }
};

/// Indices of flagged rows and each member's share of their anomaly (rows sum to 1).
struct EnsembleExplanation {
    std::vector<std::size_t> rows;
    Matrix contributions; ///< rows.size() x members
};

class Ensemble final : public Detector {
  public:
    static constexpr int format_version = 1;
    using Params = EnsembleParams;

    /// Takes ownership of the detectors (fitted or not). Fitted members must agree on their
    /// feature count.
    explicit Ensemble(std::vector<std::unique_ptr<Detector>> detectors, Params params = {})
        : params_(std::move(params)), members_(std::move(detectors)) {
        check_members();
    }
    // Owns its members: movable, not copyable (declared, so traits see it).
    Ensemble(const Ensemble &) = delete;
    Ensemble &operator=(const Ensemble &) = delete;
    Ensemble(Ensemble &&) noexcept = default;
    Ensemble &operator=(Ensemble &&) noexcept = default;
    ~Ensemble() override = default;

    const Params &params() const noexcept { return params_; }
    std::string_view name() const noexcept override { return "Ensemble"; }
    bool is_fitted() const noexcept override { return n_features_ > 0; }
    std::size_t n_features_in() const override {
        require_fitted();
        return n_features_;
    }
    double offset() const override {
        require_fitted();
        return offset_;
    }
    std::size_t size() const noexcept { return members_.size(); }
    const Detector &member(std::size_t i) const {
        require(i < members_.size(), "i", "member ", i, " of ", members_.size());
        return *members_[i];
    }

    using Detector::anomaly_score;
    using Detector::score_samples;

    /// Fits every member on X, then the normalization and threshold.
    void fit(const MatrixView &X) override {
        params_.validate();
        check_not_empty(X);
        check_finite(X);
        for (auto &m : members_) {
            m->fit(X);
        }
        calibrate(X);
    }

    /// Fits only the normalization and threshold on X, keeping the (already fitted) members.
    void calibrate(const MatrixView &X) {
        check_members();
        check_not_empty(X);
        check_finite(X);
        for (std::size_t k = 0; k < members_.size(); ++k) {
            require(members_[k]->is_fitted(), "detectors", "member ", k, " (", members_[k]->name(),
                    ") is not fitted; use fit() to fit every member");
            check_n_features(X, members_[k]->n_features_in(), "Ensemble");
        }
        const std::size_t n = X.rows();
        const std::size_t m = members_.size();
        const Matrix raw = member_scores_unchecked(X);
        center_.assign(m, 0.0);
        scale_.assign(m, 1.0);
        reference_.assign(m, {});
        flag_share_ = 0.0;
        for (std::size_t k = 0; k < m; ++k) {
            std::vector<double> s(n);
            for (std::size_t i = 0; i < n; ++i) {
                s[i] = raw(i, k);
            }
            fit_normalizer(k, std::move(s));
            const Labels p = members_[k]->predict(X);
            flag_share_ += static_cast<double>(std::count(p.begin(), p.end(), -1)) / static_cast<double>(n * m);
        }
        n_features_ = X.cols();
        const Vector combined = combine(normalize(raw, X));
        std::vector<double> negated(combined.size());
        double mean = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            negated[i] = -combined[i];
            mean += combined[i];
        }
        mean /= static_cast<double>(n);
        double ss = 0.0;
        for (double c : combined) {
            ss += (c - mean) * (c - mean);
        }
        proba_center_ = mean;
        proba_scale_ = std::sqrt(ss / static_cast<double>(n));
        if (params_.contamination) {
            offset_ = percentile(negated, 100.0 * *params_.contamination);
        } else if (params_.combination == Combination::majority_vote) {
            offset_ = -0.5;
        } else if (flag_share_ > 0.0) {
            offset_ = percentile(negated, 100.0 * flag_share_);
        } else {
            offset_ = *std::min_element(negated.begin(), negated.end());
        }
    }

    void score_samples(const MatrixView &X, OutputView out) const override {
        anomaly_score(X, out);
        for (std::size_t i = 0; i < out.size; ++i) {
            out[i] = -out[i];
        }
    }

    /// The combined normalized score: higher is more anomalous.
    void anomaly_score(const MatrixView &X, OutputView out) const override {
        check_input(X);
        check_output_size(out, X.rows());
        const Vector c = combine(normalize(member_scores_unchecked(X), X));
        std::copy(c.begin(), c.end(), out.data);
    }

    /// Each member's raw anomaly_score (n x members).
    Matrix member_scores(const MatrixView &X) const {
        check_input(X);
        return member_scores_unchecked(X);
    }
    /// Each member's normalized score (n x members); votes (0/1) for majority_vote.
    Matrix normalized_scores(const MatrixView &X) const {
        check_input(X);
        return normalize(member_scores_unchecked(X), X);
    }

    /// n x 2: [P(inlier), P(outlier)], the outlier probability being the Gaussian 'unify'
    /// scaling of the combined score against its training distribution.
    Matrix predict_proba(const MatrixView &X) const {
        const Vector s = anomaly_score(X);
        Matrix out = xt::empty<double>({s.size(), std::size_t{2}});
        for (std::size_t i = 0; i < s.size(); ++i) {
            double p;
            if (proba_scale_ > 0.0) {
                p = std::max(0.0, std::erf((s[i] - proba_center_) / (proba_scale_ * std::sqrt(2.0))));
            } else {
                p = s[i] > proba_center_ ? 1.0 : 0.0;
            }
            out(i, 0) = 1.0 - p;
            out(i, 1) = p;
        }
        return out;
    }

    /// n x members: each member's share of row i's anomaly, its weight times its normalized
    /// score clipped at 0 (its vote for majority_vote), divided by the row's total; a row no
    /// member finds anomalous is all 0.
    Matrix contributions(const MatrixView &X) const {
        Matrix z = normalized_scores(X);
        const std::size_t m = members_.size();
        for (std::size_t i = 0; i < z.shape(0); ++i) {
            double total = 0.0;
            for (std::size_t k = 0; k < m; ++k) {
                const double w = params_.weights.empty() ? 1.0 : params_.weights[k];
                z(i, k) = w * std::max(0.0, z(i, k));
                total += z(i, k);
            }
            for (std::size_t k = 0; k < m; ++k) {
                z(i, k) = total > 0.0 ? z(i, k) / total : 0.0;
            }
        }
        return z;
    }

    /// The rows predict() flags and the members' contributions to each.
    EnsembleExplanation explain(const MatrixView &X) const {
        const Labels p = predict(X);
        const Matrix all = contributions(X);
        EnsembleExplanation out;
        for (std::size_t i = 0; i < p.size(); ++i) {
            if (p[i] == -1) {
                out.rows.push_back(i);
            }
        }
        const std::size_t m = members_.size();
        out.contributions = xt::empty<double>({out.rows.size(), m});
        for (std::size_t r = 0; r < out.rows.size(); ++r) {
            for (std::size_t k = 0; k < m; ++k) {
                out.contributions(r, k) = all(out.rows[r], k);
            }
        }
        return out;
    }

    Json to_document() const override {
        require_fitted();
        Json members = Json::array();
        for (const auto &m : members_) {
            members.push_back(m->to_document());
        }
        Json state = {{"members", std::move(members)}, {"n_features_in", n_features_},  {"offset", offset_},
                      {"center", center_},            {"scale", scale_},               {"reference", reference_},
                      {"flag_share", flag_share_},    {"proba_center", proba_center_}, {"proba_scale", proba_scale_}};
        return make_document(name(), format_version, params_.to_json(), std::move(state));
    }

    static Ensemble from_document(const Json &doc) {
        check_document(doc, "Ensemble", format_version);
        Ensemble e;
        e.params_ = document_params<Params>(doc);
        const Json &s = doc.at("state");
        const Json &members = s.at("members");
        if (!members.is_array() || members.empty()) {
            throw FormatError("model document: 'members' must be a non-empty array of model documents");
        }
        for (const Json &m : members) {
            e.members_.push_back(load_detector(m));
        }
        e.n_features_ = document_get<std::size_t>(s, "n_features_in");
        e.offset_ = document_get<double>(s, "offset");
        const std::size_t m = e.members_.size();
        e.center_ = detail::state_column(s, "center", m);
        e.scale_ = detail::state_column(s, "scale", m, true);
        e.reference_ = document_get<std::vector<std::vector<double>>>(s, "reference");
        e.flag_share_ = document_get<double>(s, "flag_share");
        e.proba_center_ = document_get<double>(s, "proba_center");
        e.proba_scale_ = document_get<double>(s, "proba_scale");
        if (e.n_features_ == 0 || !std::isfinite(e.offset_) || !std::isfinite(e.proba_center_) ||
            !(e.proba_scale_ >= 0.0) || !std::isfinite(e.proba_scale_)) {
            throw FormatError("model document: n_features_in, offset or probability scale out of range");
        }
        if (e.reference_.size() != m) {
            throw FormatError("model document: 'reference' does not have one entry per member");
        }
        for (const auto &r : e.reference_) {
            if ((e.params_.normalization == Normalization::rank && r.empty()) || !std::is_sorted(r.begin(), r.end()) ||
                !std::all_of(r.begin(), r.end(), [](double v) { return std::isfinite(v); })) {
                throw FormatError("model document: a rank reference is empty, unsorted or not finite");
            }
        }
        try {
            e.check_members();
        } catch (const InvalidArgument &err) {
            throw FormatError(std::string("model document: ") + err.what());
        }
        for (const auto &member : e.members_) {
            if (member->n_features_in() != e.n_features_) {
                throw FormatError("model document: a member's feature count differs from the ensemble's");
            }
        }
        return e;
    }
    static Ensemble load(const std::string &path) { return from_document(read_document(path)); }

  private:
    Ensemble() = default;

    /// Members exist, weights and buckets fit their count, fitted members agree on features.
    void check_members() const {
        params_.validate();
        require(!members_.empty(), "detectors", "an ensemble needs at least one detector");
        std::optional<std::size_t> features;
        for (std::size_t k = 0; k < members_.size(); ++k) {
            require(members_[k] != nullptr, "detectors", "member ", k, " is null");
            if (!members_[k]->is_fitted()) {
                continue;
            }
            const std::size_t f = members_[k]->n_features_in();
            require(!features || *features == f, "detectors", "member ", k, " (", members_[k]->name(), ") expects ", f,
                    " features but an earlier member expects ", features.value_or(0),
                    "; every detector must see the same columns");
            features = f;
        }
        require(params_.weights.empty() || params_.weights.size() == members_.size(), "weights", "has ",
                params_.weights.size(), " values for ", members_.size(), " detectors (expected one per detector)");
        if (params_.combination == Combination::average_of_maximum ||
            params_.combination == Combination::maximum_of_average) {
            require(static_cast<std::size_t>(params_.n_buckets) <= members_.size(), "n_buckets", "is ",
                    params_.n_buckets, " but there are only ", members_.size(), " detectors");
        }
    }

    void require_fitted() const {
        if (!is_fitted()) {
            throw NotFitted("This Ensemble instance is not fitted yet. Call 'fit' first.");
        }
    }
    void check_input(const MatrixView &X) const {
        require_fitted();
        check_n_features(X, n_features_, "Ensemble");
        check_finite(X);
    }

    Matrix member_scores_unchecked(const MatrixView &X) const {
        const std::size_t n = X.rows();
        const std::size_t m = members_.size();
        Matrix raw = xt::empty<double>({n, m});
        Vector s = xt::empty<double>({n});
        for (std::size_t k = 0; k < m; ++k) {
            members_[k]->anomaly_score(X, s);
            for (std::size_t i = 0; i < n; ++i) {
                raw(i, k) = s[i];
            }
        }
        return raw;
    }

    void fit_normalizer(std::size_t k, std::vector<double> s) {
        const std::size_t n = s.size();
        double mean = 0.0;
        for (double v : s) {
            mean += v;
        }
        mean /= static_cast<double>(n);
        double ss = 0.0;
        for (double v : s) {
            ss += (v - mean) * (v - mean);
        }
        const double sd = std::sqrt(ss / static_cast<double>(n));
        const auto [lo, hi] = std::minmax_element(s.begin(), s.end());
        switch (params_.normalization) {
        case Normalization::rank: {
            std::sort(s.begin(), s.end());
            constexpr std::size_t max_reference = 10001;
            if (n > max_reference) { // keep the document small: quantiles at 1/10000 steps
                std::vector<double> q(max_reference);
                for (std::size_t i = 0; i < max_reference; ++i) {
                    q[i] = s[i * (n - 1) / (max_reference - 1)];
                }
                s = std::move(q);
            }
            reference_[k] = std::move(s);
            break;
        }
        case Normalization::zscore:
        case Normalization::unify:
            center_[k] = mean;
            scale_[k] = sd > 0.0 ? sd : 1.0;
            break;
        case Normalization::minmax:
            center_[k] = *lo;
            scale_[k] = *hi > *lo ? *hi - *lo : 1.0;
            break;
        }
    }

    Matrix normalize(Matrix raw, const MatrixView &X) const {
        const std::size_t n = raw.shape(0);
        const std::size_t m = raw.shape(1);
        if (params_.combination == Combination::majority_vote) {
            for (std::size_t k = 0; k < m; ++k) {
                const Labels p = members_[k]->predict(X);
                for (std::size_t i = 0; i < n; ++i) {
                    raw(i, k) = p[i] == -1 ? 1.0 : 0.0;
                }
            }
            return raw;
        }
        for (std::size_t k = 0; k < m; ++k) {
            const double c = center_[k];
            const double inv = 1.0 / scale_[k];
            const auto &ref = reference_[k];
            for (std::size_t i = 0; i < n; ++i) {
                double &v = raw(i, k);
                switch (params_.normalization) {
                case Normalization::rank:
                    v = static_cast<double>(std::upper_bound(ref.begin(), ref.end(), v) - ref.begin()) /
                        static_cast<double>(ref.size());
                    break;
                case Normalization::zscore:
                case Normalization::minmax:
                    v = (v - c) * inv;
                    break;
                case Normalization::unify:
                    v = std::max(0.0, std::erf((v - c) * inv / std::sqrt(2.0)));
                    break;
                }
            }
        }
        return raw;
    }

    Vector combine(const Matrix &z) const {
        const std::size_t n = z.shape(0);
        const std::size_t m = z.shape(1);
        const auto buckets = static_cast<std::size_t>(params_.n_buckets);
        Vector out = xt::empty<double>({n});
        std::vector<double> bucket_value(buckets), bucket_count(buckets);
        double weight_total = 0.0;
        for (double w : params_.weights) {
            weight_total += w;
        }
        for (std::size_t i = 0; i < n; ++i) {
            double acc = 0.0;
            switch (params_.combination) {
            case Combination::mean:
            case Combination::majority_vote:
                for (std::size_t k = 0; k < m; ++k) {
                    acc += z(i, k);
                }
                acc /= static_cast<double>(m);
                break;
            case Combination::max:
                acc = z(i, 0);
                for (std::size_t k = 1; k < m; ++k) {
                    acc = std::max(acc, z(i, k));
                }
                break;
            case Combination::weighted_mean:
                for (std::size_t k = 0; k < m; ++k) {
                    acc += params_.weights[k] * z(i, k);
                }
                acc /= weight_total;
                break;
            case Combination::average_of_maximum:
            case Combination::maximum_of_average: {
                const bool aom = params_.combination == Combination::average_of_maximum;
                std::fill(bucket_count.begin(), bucket_count.end(), 0.0);
                for (std::size_t k = 0; k < m; ++k) {
                    const std::size_t b = k % buckets;
                    if (aom) {
                        bucket_value[b] = bucket_count[b] == 0.0 ? z(i, k) : std::max(bucket_value[b], z(i, k));
                    } else {
                        bucket_value[b] = (bucket_count[b] == 0.0 ? 0.0 : bucket_value[b]) + z(i, k);
                    }
                    bucket_count[b] += 1.0;
                }
                for (std::size_t b = 0; b < buckets; ++b) {
                    const double v = aom ? bucket_value[b] : bucket_value[b] / bucket_count[b];
                    acc = aom ? acc + v : (b == 0 ? v : std::max(acc, v));
                }
                if (aom) {
                    acc /= static_cast<double>(buckets);
                }
                break;
            }
            }
            out[i] = acc;
        }
        return out;
    }

    Params params_;
    std::vector<std::unique_ptr<Detector>> members_;
    std::size_t n_features_ = 0;
    double offset_ = 0.0;
    std::vector<double> center_, scale_;
    std::vector<std::vector<double>> reference_;
    double flag_share_ = 0.0;
    double proba_center_ = 0.0;
    double proba_scale_ = 0.0;
};

} // namespace oddkit
