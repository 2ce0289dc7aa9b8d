#pragma once
/// The interface every online (streaming) anomaly detector implements, so a pipeline can hold
/// any of them behind one pointer. A reading is n doubles (the features of one event).
///
///   score_one(x, n)   how anomalous x is given everything learned so far; higher is more
///                     anomalous; const (never changes the state), 0 before anything is learned
///   learn_one(x, n)   updates the state with x
///   score_many / learn_many   the same for each row of a matrix, in row order; bit-identical
///                     to the loop of single calls
///   score_learn_many  for each row: score it, then learn it ("score before learn", the
///                     prequential order a monitoring stream uses)
///   to_document       the whole state; from_document on it continues the stream exactly
///
/// The first learned reading fixes the feature count; later readings of another length are
/// refused. NaN and infinity are refused with InvalidArgument naming the feature (a sensor
/// gap must be filled or dropped upstream, where its meaning is known). A batch is checked
/// whole before any row is used, so a refused batch leaves the state untouched.
/// Memory is bounded by the parameters (window sizes, tree counts), never by the stream length.

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/validation.hpp"

namespace oddkit {

class OnlineDetector {
  public:
    virtual ~OnlineDetector() = default;

    /// The detector's name as written in its model document ("RunningZScore").
    virtual std::string_view name() const noexcept = 0;
    virtual Json to_document() const = 0;

    /// Features per reading; 0 until the first learned reading fixes it.
    std::size_t n_features() const noexcept { return n_features_; }
    /// Readings learned so far.
    std::uint64_t n_seen() const noexcept { return n_seen_; }

    /// Optional names of the features (used in error messages; saved with the state).
    const std::vector<std::string> &feature_names() const noexcept { return feature_names_; }
    void set_feature_names(std::vector<std::string> names) {
        require(names.empty() || n_features_ == 0 || names.size() == n_features_, "feature_names",
                "has ", names.size(), " names for ", n_features_, " features");
        feature_names_ = std::move(names);
    }

    double score_one(const double *x, std::size_t n) const {
        check_reading(x, n, "x");
        return n_features_ == 0 ? 0.0 : score_row(x);
    }
    void learn_one(const double *x, std::size_t n) {
        check_reading(x, n, "x");
        learn_checked(x, n);
    }
    double score_one(const std::vector<double> &x) const { return score_one(x.data(), x.size()); }
    void learn_one(const std::vector<double> &x) { learn_one(x.data(), x.size()); }

    void learn_many(const MatrixView &X) {
        check_batch(X);
        for (std::size_t i = 0; i < X.rows(); ++i) {
            learn_checked(X.row(i), X.cols());
        }
    }
    void score_many(const MatrixView &X, OutputView out) const {
        check_batch(X);
        check_output_size(out, X.rows());
        for (std::size_t i = 0; i < X.rows(); ++i) {
            out[i] = n_features_ == 0 ? 0.0 : score_row(X.row(i));
        }
    }
    void score_learn_many(const MatrixView &X, OutputView out) {
        check_batch(X);
        check_output_size(out, X.rows());
        for (std::size_t i = 0; i < X.rows(); ++i) {
            out[i] = n_features_ == 0 ? 0.0 : score_row(X.row(i));
            learn_checked(X.row(i), X.cols());
        }
    }
    Vector score_many(const MatrixView &X) const {
        Vector out = xt::empty<double>({X.rows()});
        score_many(X, out);
        return out;
    }
    Vector score_learn_many(const MatrixView &X) {
        Vector out = xt::empty<double>({X.rows()});
        score_learn_many(X, out);
        return out;
    }

    void save(const std::string &path) const { write_document(to_document(), path); }

  protected:
    /// Scores a checked reading of n_features() values (n_features() > 0).
    virtual double score_row(const double *x) const = 0;
    /// Learns a checked reading of n_features() values.
    virtual void learn_row(const double *x) = 0;
    /// Called once, when the first reading fixes the feature count.
    virtual void on_features_fixed(std::size_t /*n*/) {}

    /// Fixes the feature count ahead of the first reading (detectors given feature ranges).
    void fix_features(std::size_t n) {
        n_features_ = n;
        on_features_fixed(n);
    }

    /// The state every detector shares, for its document.
    void write_common_state(Json &state) const {
        state["n_features"] = n_features_;
        state["n_seen"] = n_seen_;
        state["feature_names"] = feature_names_;
    }
    void read_common_state(const Json &state) {
        n_features_ = document_get<std::size_t>(state, "n_features");
        n_seen_ = document_get<std::uint64_t>(state, "n_seen");
        feature_names_ = document_get<std::vector<std::string>>(state, "feature_names");
        if (!feature_names_.empty() && feature_names_.size() != n_features_) {
            throw FormatError("model document: feature_names does not match n_features");
        }
        if (n_features_ > (std::size_t{1} << 24)) {
            throw FormatError("model document: implausible n_features");
        }
    }

  private:
    void learn_checked(const double *x, std::size_t n) {
        if (n_features_ == 0) {
            fix_features(n);
        }
        learn_row(x);
        ++n_seen_;
    }

    void check_reading(const double *x, std::size_t n, const char *name) const {
        require(n > 0, name, "empty reading (expected at least one feature)");
        require(x != nullptr, name, "null data pointer");
        if (n_features_ != 0 && n != n_features_) {
            throw InvalidArgument(detail::concat(name, ": has ", n, " features, but ", this->name(),
                                                 " is expecting ", n_features_, " features"));
        }
        for (std::size_t j = 0; j < n; ++j) {
            if (!std::isfinite(x[j])) {
                refuse_value(name, j, x[j], std::string());
            }
        }
    }

    void check_batch(const MatrixView &X) const {
        require(X.cols() > 0, "X", "empty readings: 0 features (expected at least 1 column)");
        if (n_features_ != 0 && X.cols() != n_features_) {
            throw InvalidArgument(detail::concat("X: has ", X.cols(), " features, but ", name(),
                                                 " is expecting ", n_features_, " features"));
        }
        for (std::size_t i = 0; i < X.rows(); ++i) {
            const double *r = X.row(i);
            for (std::size_t j = 0; j < X.cols(); ++j) {
                if (!std::isfinite(r[j])) {
                    refuse_value("X", j, r[j], detail::concat(" at row ", i));
                }
            }
        }
    }

    [[noreturn]] void refuse_value(const char *name, std::size_t j, double v,
                                   const std::string &where) const {
        const std::string feature = j < feature_names_.size()
                                        ? detail::concat("feature '", feature_names_[j], "'")
                                        : detail::concat("feature ", j);
        throw InvalidArgument(detail::concat(name, ": ", feature, " is ",
                                             std::isnan(v) ? "NaN" : "infinite", where,
                                             " (expected finite values; fill or drop gaps "
                                             "before the detector)"));
    }

    std::size_t n_features_ = 0;
    std::uint64_t n_seen_ = 0;
    std::vector<std::string> feature_names_;
};

namespace detail {

/// z = |x - mean| / std, with std == 0 giving 0 at the mean and +infinity away from it.
inline double z_distance(double x, double mean, double var) noexcept {
    const double diff = std::fabs(x - mean);
    if (var > 0.0) {
        return diff / std::sqrt(var);
    }
    return diff == 0.0 ? 0.0 : HUGE_VAL;
}

} // namespace detail

} // namespace oddkit
