#pragma once
/// One-Class SVM (Schölkopf et al. 2001) with the parameters, attributes and signs of
/// scikit-learn's OneClassSVM, plus an approximate mode for large data.
///
///   method exact     the libsvm dual (0 <= a_i <= 1, sum a = nu n) solved by SMO with
///                    second-order working-set selection, shrinking and an LRU kernel-row
///                    cache of cache_size MB (smo_solver.hpp, kernel_cache.hpp).
///   method nystroem  n_components landmark rows, Nyström features and a linear one-class
///                    problem solved in their space (nystroem.hpp): linear in n.
///
/// Both give the decision function as an expansion over vectors v_t with coefficients c_t:
///   score_samples(x)     = sum_t c_t k(x, v_t)            (scikit-learn's, un-shifted)
///   decision_function(x) = score_samples(x) - rho         (offset_ = rho = -intercept_)
///   anomaly_score(x)     = -decision_function(x) = rho - score_samples(x)
/// For the exact method v are the support vectors and c their dual coefficients; for the
/// Nyström method v are the landmarks. Scoring computes blocks of rows against all v as one
/// matrix product, in parallel.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"
#include "oddkit/core/parallel.hpp"
#include "oddkit/core/random.hpp"
#include "oddkit/core/validation.hpp"
#include "oddkit/detect/detector.hpp"
#include "oddkit/detect/dot_block.hpp"
#include "oddkit/detect/kernel.hpp"
#include "oddkit/detect/kernel_cache.hpp"
#include "oddkit/detect/nystroem.hpp"
#include "oddkit/detect/smo_solver.hpp"

namespace oddkit {

/// The rbf, poly and sigmoid kernels' gamma: 'scale' (1 / (d * Var(X)), Var over all values,
/// 1 when X is constant), 'auto' (1 / d) or a number > 0.
class Gamma {
  public:
    enum class Kind { scale, automatic, value };
    Gamma(double value) : kind_(Kind::value), value_(value) {} // NOLINT: `.gamma = 0.1` reads well
    static Gamma scale() { return Gamma(Kind::scale); }
    static Gamma automatic() { return Gamma(Kind::automatic); }

    Kind kind() const noexcept { return kind_; }
    double value() const noexcept { return value_; }

    void validate() const {
        if (kind_ == Kind::value) {
            require(std::isfinite(value_) && value_ > 0.0, "gamma", "must be 'scale', 'auto' or a number > 0, got ",
                    value_);
        }
    }
    /// The number this gamma stands for on X.
    double resolve(const MatrixView &X) const {
        if (kind_ == Kind::value) {
            return value_;
        }
        const auto d = static_cast<double>(X.cols());
        if (kind_ == Kind::automatic) {
            return 1.0 / d;
        }
        // two-pass variance of all values, as numpy's X.var()
        double sum = 0.0;
        for (std::size_t i = 0; i < X.rows(); ++i) {
            for (std::size_t j = 0; j < X.cols(); ++j) {
                sum += X(i, j);
            }
        }
        const double count = static_cast<double>(X.rows()) * d;
        const double mean = sum / count;
        double ss = 0.0;
        for (std::size_t i = 0; i < X.rows(); ++i) {
            for (std::size_t j = 0; j < X.cols(); ++j) {
                ss += (X(i, j) - mean) * (X(i, j) - mean);
            }
        }
        const double var = ss / count;
        return var != 0.0 ? 1.0 / (d * var) : 1.0;
    }
    Json to_json() const {
        if (kind_ == Kind::scale) {
            return "scale";
        }
        if (kind_ == Kind::automatic) {
            return "auto";
        }
        return value_;
    }
    static Gamma from_json(const Json &j) {
        if (j.is_number()) {
            return Gamma(j.get<double>());
        }
        if (j.is_string() && j.get<std::string>() == "scale") {
            return scale();
        }
        if (j.is_string() && j.get<std::string>() == "auto") {
            return automatic();
        }
        throw FormatError("model document: parameter 'gamma' must be 'scale', 'auto' or a number");
    }

  private:
    explicit Gamma(Kind kind) : kind_(kind) {}
    Kind kind_;
    double value_ = 0.0;
};

enum class OneClassSVMMethod { exact, nystroem };

inline std::string_view method_name(OneClassSVMMethod m) noexcept {
    return m == OneClassSVMMethod::exact ? "exact" : "nystroem";
}
inline OneClassSVMMethod method_from_name(std::string_view name) {
    if (name == "exact") {
        return OneClassSVMMethod::exact;
    }
    if (name == "nystroem") {
        return OneClassSVMMethod::nystroem;
    }
    throw InvalidArgument(detail::concat("method: expected 'exact' or 'nystroem', got '", name, "'"));
}

struct OneClassSVMParams {
    KernelType kernel = KernelType::rbf;
    /// Upper bound on the fraction of training errors and lower bound on the fraction of
    /// support vectors, in (0, 1].
    double nu = 0.5;
    Gamma gamma = Gamma::scale();
    int degree = 3;     ///< poly only
    double coef0 = 0.0; ///< poly and sigmoid
    /// Stopping tolerance: the maximal KKT violation (exact) or relative duality gap (nystroem).
    double tol = 1e-3;
    bool shrinking = true;
    /// Kernel-row cache in MB (exact method).
    double cache_size = 200.0;
    /// Solver iterations; -1 = no limit (exact) or 1000 (nystroem).
    long long max_iter = -1;
    OneClassSVMMethod method = OneClassSVMMethod::exact;
    /// Landmark rows of the Nyström method (at most the training rows).
    int n_components = 300;
    /// Threads for the gradient initialisation, the Nyström passes and scoring.
    int n_jobs = 1;
    /// Seeds the Nyström landmark draw.
    std::uint64_t random_state = 0;

    void validate() const {
        require(nu > 0.0 && nu <= 1.0, "nu", "must be in (0, 1], got ", nu);
        gamma.validate();
        require(degree >= 0, "degree", "must be >= 0, got ", degree);
        require(std::isfinite(coef0), "coef0", "must be finite, got ", coef0);
        require(std::isfinite(tol) && tol > 0.0, "tol", "must be > 0, got ", tol);
        require(std::isfinite(cache_size) && cache_size > 0.0, "cache_size", "must be > 0 (MB), got ", cache_size);
        require(max_iter == -1 || max_iter > 0, "max_iter", "must be -1 (no limit) or > 0, got ", max_iter);
        require(n_components >= 1, "n_components", "must be >= 1, got ", n_components);
        check_n_jobs(n_jobs);
    }

    Json to_json() const {
        return {{"kernel", kernel_name(kernel)}, {"nu", nu},
                {"gamma", gamma.to_json()},      {"degree", degree},
                {"coef0", coef0},                {"tol", tol},
                {"shrinking", shrinking},        {"cache_size", cache_size},
                {"max_iter", max_iter},          {"method", method_name(method)},
                {"n_components", n_components},  {"n_jobs", n_jobs},
                {"random_state", random_state}};
    }

    static OneClassSVMParams from_json(const Json &j) {
        OneClassSVMParams p;
        p.kernel = kernel_from_name(document_get<std::string>(j, "kernel"));
        p.nu = document_get<double>(j, "nu");
        p.gamma = Gamma::from_json(j.at("gamma"));
        p.degree = document_get<int>(j, "degree");
        p.coef0 = document_get<double>(j, "coef0");
        p.tol = document_get<double>(j, "tol");
        p.shrinking = document_get<bool>(j, "shrinking");
        p.cache_size = document_get<double>(j, "cache_size");
        p.max_iter = document_get<long long>(j, "max_iter");
        p.method = method_from_name(document_get<std::string>(j, "method"));
        p.n_components = document_get<int>(j, "n_components");
        p.n_jobs = document_get<int>(j, "n_jobs");
        p.random_state = document_get<std::uint64_t>(j, "random_state");
        return p;
    }
};

class OneClassSVM final : public Detector {
  public:
    static constexpr int format_version = 1;
    using Params = OneClassSVMParams;

    explicit OneClassSVM(Params params = {}) : params_(params) { params_.validate(); }

    const Params &params() const noexcept { return params_; }
    /// The threads later scoring calls use (scikit-learn reads n_jobs at predict time too);
    /// results do not depend on it. Saved with the model like every parameter.
    void set_n_jobs(int n_jobs) {
        check_n_jobs(n_jobs);
        params_.n_jobs = n_jobs;
    }
    std::string_view name() const noexcept override { return "OneClassSVM"; }
    bool is_fitted() const noexcept override { return n_features_ > 0; }
    std::size_t n_features_in() const override {
        require_fitted();
        return n_features_;
    }
    /// rho: decision_function = score_samples - offset (scikit-learn's offset_ = -intercept_).
    double offset() const override {
        require_fitted();
        return rho_;
    }
    double intercept() const { return -offset(); }
    /// The kernel's gamma as resolved at fit time.
    double gamma() const {
        require_fitted();
        return kernel_.gamma;
    }
    /// Rows of the expansion: support vectors (exact) or landmarks (nystroem), s x d.
    Matrix support_vectors() const {
        require_fitted();
        Matrix out = xt::empty<double>({support_.size(), n_features_});
        std::copy(vectors_.begin(), vectors_.end(), out.begin());
        return out;
    }
    /// Their row indices in the training data, ascending.
    const std::vector<std::int64_t> &support() const noexcept { return support_; }
    /// Their coefficients (the alphas of the support vectors for the exact method).
    const std::vector<double> &dual_coef() const noexcept { return coef_; }
    std::size_t n_support() const noexcept { return support_.size(); }
    /// Solver iterations (SMO steps or Frank-Wolfe steps).
    std::size_t n_iter() const noexcept { return n_iter_; }
    /// False when max_iter stopped the solver before tol was met.
    bool converged() const noexcept { return converged_; }

    const std::vector<std::string> &feature_names() const noexcept { return feature_names_; }
    void set_feature_names(std::vector<std::string> names) {
        require(names.empty() || !is_fitted() || names.size() == n_features_, "feature_names", "has ",
                names.size(), " names for ", n_features_, " features");
        feature_names_ = std::move(names);
    }

    using Detector::anomaly_score;
    using Detector::score_samples;

    void fit(const MatrixView &X) override {
        params_.validate();
        check_not_empty(X);
        check_finite(X);
        require(X.rows() <= std::numeric_limits<std::uint32_t>::max(), "X", "more than 2^32 rows");
        const std::size_t n = X.rows();
        Kernel kernel{params_.kernel, params_.gamma.resolve(X), params_.degree, params_.coef0};
        const std::size_t threads = resolve_n_jobs(params_.n_jobs);

        std::vector<std::int64_t> support;
        std::vector<double> vectors, coef;
        std::size_t iterations = 0;
        bool converged = true;
        double rho = 0.0;
        if (params_.method == OneClassSVMMethod::exact) {
            const auto bytes = static_cast<std::size_t>(params_.cache_size * 1024.0 * 1024.0);
            KernelRowCache Q(X, kernel, bytes, threads);
            SmoSolver<KernelRowCache> solver(Q, std::vector<double>(n, 0.0), one_class_initial_alpha(n, params_.nu),
                                             params_.tol, params_.shrinking, params_.max_iter);
            const SmoResult result = solver.solve();
            for (std::size_t i = 0; i < n; ++i) {
                if (result.alpha[i] > 0.0) {
                    support.push_back(static_cast<std::int64_t>(i));
                    coef.push_back(result.alpha[i]);
                    vectors.insert(vectors.end(), X.row(i), X.row(i) + X.cols());
                }
            }
            rho = result.rho;
            iterations = result.iterations;
            converged = result.converged;
        } else {
            Random rng(params_.random_state);
            const auto m = static_cast<std::uint32_t>(std::min<std::size_t>(n, static_cast<std::size_t>(params_.n_components)));
            auto rows = rng.sample_indices(static_cast<std::uint32_t>(n), m, false);
            std::sort(rows.begin(), rows.end());
            const NystroemMap map(kernel, X, rows);
            const std::size_t limit = params_.max_iter > 0 ? static_cast<std::size_t>(params_.max_iter) : 1000;
            const NystroemSolution sol = solve_nystroem_one_class(map, X, params_.nu, params_.tol, limit, threads);
            support.assign(rows.begin(), rows.end());
            vectors = map.landmarks;
            coef = sol.coefficients;
            iterations = sol.iterations;
            converged = sol.converged;
        }

        kernel_ = kernel;
        n_features_ = X.cols();
        support_ = std::move(support);
        vectors_ = std::move(vectors);
        coef_ = std::move(coef);
        n_iter_ = iterations;
        converged_ = converged;
        n_train_ = n;
        refresh_norms();
        if (params_.method == OneClassSVMMethod::nystroem) {
            // rho from the same (double) expansion that scores, at the nu-quantile of the
            // training scores: the row that holds libsvm's fractional alpha.
            rho_ = 0.0;
            Vector s = score_samples(X);
            const std::size_t k = std::min(n - 1, static_cast<std::size_t>(params_.nu * static_cast<double>(n)));
            std::vector<double> v(s.begin(), s.end());
            std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
            rho = v[k];
        }
        rho_ = rho;
        if (!feature_names_.empty() && feature_names_.size() != n_features_) {
            feature_names_.clear();
        }
    }

    /// sum_t c_t k(x, v_t): scikit-learn's score_samples (lower is more abnormal).
    void score_samples(const MatrixView &X, OutputView out) const override {
        check_input(X);
        check_output_size(out, X.rows());
        const std::size_t s = padded_.size();
        const std::size_t d = n_features_;
        constexpr std::size_t block = 256;
        const std::size_t n_blocks = (X.rows() + block - 1) / block;
        // Fixed blocks (not per-thread chunks) and sums in an order fixed by the code: the
        // scores do not depend on n_jobs.
        parallel_for_chunks(
            n_blocks, resolve_n_jobs(params_.n_jobs),
            [&](std::size_t b0, std::size_t b1) {
                std::vector<double> K(block * s);
                for (std::size_t b = b0; b < b1; ++b) {
                    const std::size_t begin = b * block, end = std::min(X.rows(), begin + block);
                    const MatrixView A = X.slice_rows(begin, end);
                    detail::dot_block(A.data(), end - begin, std::max<std::size_t>(A.row_stride(), 1), vt_.data(),
                                      d, s, K.data());
                    const std::size_t rows = end - begin;
                    if (kernel_.type == KernelType::rbf) {
                        // -|x - v|^2 row by row, then one exp over the whole block
                        for (std::size_t i = 0; i < rows; ++i) {
                            double *k = K.data() + i * s;
                            const double norm = squared_norm(A.row(i), d);
                            for (std::size_t t = 0; t < s; ++t) {
                                k[t] = 2.0 * k[t] - padded_norms_[t] - norm;
                            }
                        }
                        detail::exp_scaled_nonpositive(K.data(), rows * s, kernel_.gamma);
                    } else {
                        for (std::size_t i = 0; i < rows; ++i) {
                            kernel_.apply(K.data() + i * s, s, 0.0, nullptr);
                        }
                    }
                    for (std::size_t i = 0; i < rows; ++i) {
                        out.data[begin + i] = detail::weighted_sum(K.data() + i * s, padded_.data(), s);
                    }
                }
            },
            4);
    }

    /// -decision_function: rho - score_samples, higher is more anomalous (> 0 for outliers).
    void anomaly_score(const MatrixView &X, OutputView out) const override {
        score_samples(X, out);
        for (std::size_t i = 0; i < out.size; ++i) {
            out[i] = rho_ - out[i];
        }
    }

    Json to_document() const override {
        require_fitted();
        Json state;
        state["n_features_in"] = n_features_;
        state["n_train_rows"] = n_train_;
        state["gamma"] = kernel_.gamma;
        state["rho"] = rho_;
        state["support"] = support_;
        state["support_vectors"] = vectors_;
        state["dual_coef"] = coef_;
        state["n_iter"] = n_iter_;
        state["converged"] = converged_;
        state["feature_names"] = feature_names_;
        return make_document(name(), format_version, params_.to_json(), std::move(state));
    }

    /// Rebuilds a fitted model; every size, index and value is checked, so a corrupted
    /// document is a FormatError, never an out-of-bounds read or a silent wrong score.
    static OneClassSVM from_document(const Json &doc) {
        check_document(doc, "OneClassSVM", format_version);
        OneClassSVM model;
        model.params_ = document_params<Params>(doc);
        auto bad = [](const std::string &what) { throw FormatError("model document: " + what); };
        const Json &s = doc.at("state");
        const auto d = document_get<std::size_t>(s, "n_features_in");
        const auto n_train = document_get<std::size_t>(s, "n_train_rows");
        const auto gamma = document_get<double>(s, "gamma");
        const auto rho = document_get<double>(s, "rho");
        auto support = document_get<std::vector<std::int64_t>>(s, "support");
        auto vectors = document_get<std::vector<double>>(s, "support_vectors");
        auto coef = document_get<std::vector<double>>(s, "dual_coef");
        model.n_iter_ = document_get<std::size_t>(s, "n_iter");
        model.converged_ = document_get<bool>(s, "converged");
        model.feature_names_ = document_get<std::vector<std::string>>(s, "feature_names");
        if (d == 0 || n_train == 0) {
            bad("n_features_in and n_train_rows must be positive");
        }
        if (!(std::isfinite(gamma) && gamma > 0.0) || !std::isfinite(rho)) {
            bad("gamma must be a finite number > 0 and rho finite");
        }
        if (support.empty() || coef.size() != support.size() || vectors.size() / d != support.size() ||
            vectors.size() % d != 0) {
            bad("support, dual_coef and support_vectors have inconsistent sizes");
        }
        for (std::size_t t = 0; t < support.size(); ++t) {
            if (support[t] < 0 || static_cast<std::size_t>(support[t]) >= n_train || (t > 0 && support[t] <= support[t - 1])) {
                bad("support indices must be ascending and below n_train_rows");
            }
        }
        for (double v : vectors) {
            if (!std::isfinite(v)) {
                bad("non-finite support vector value");
            }
        }
        for (double v : coef) {
            if (!std::isfinite(v)) {
                bad("non-finite dual coefficient");
            }
        }
        if (!model.feature_names_.empty() && model.feature_names_.size() != d) {
            bad("feature_names does not match n_features_in");
        }
        model.kernel_ = Kernel{model.params_.kernel, gamma, model.params_.degree, model.params_.coef0};
        model.n_features_ = d;
        model.n_train_ = n_train;
        model.rho_ = rho;
        model.support_ = std::move(support);
        model.vectors_ = std::move(vectors);
        model.coef_ = std::move(coef);
        model.refresh_norms();
        return model;
    }

    static OneClassSVM load(const std::string &path) { return from_document(read_document(path)); }

  private:
    void require_fitted() const {
        if (!is_fitted()) {
            throw NotFitted("This OneClassSVM instance is not fitted yet. Call 'fit' first.");
        }
    }
    void check_input(const MatrixView &X) const {
        require_fitted();
        check_n_features(X, n_features_, "OneClassSVM");
        check_finite(X);
    }
    /// The expansion as scoring reads it: vectors transposed (d x s') and padded with zero
    /// vectors of weight 0 to s' = a multiple of detail::dot_block_lanes.
    void refresh_norms() {
        const std::size_t s = support_.size(), d = n_features_;
        const std::size_t lanes = detail::dot_block_lanes;
        const std::size_t padded = (s + lanes - 1) / lanes * lanes;
        vt_.assign(d * padded, 0.0);
        for (std::size_t t = 0; t < s; ++t) {
            for (std::size_t j = 0; j < d; ++j) {
                vt_[j * padded + t] = vectors_[t * d + j];
            }
        }
        padded_.assign(padded, 0.0);
        std::copy(coef_.begin(), coef_.end(), padded_.begin());
        padded_norms_ = squared_norms(MatrixView(vectors_.data(), s, d));
        padded_norms_.resize(padded, 0.0);
    }
    static double squared_norm(const double *row, std::size_t d) noexcept {
        double sum = 0.0;
        for (std::size_t j = 0; j < d; ++j) {
            sum += row[j] * row[j];
        }
        return sum;
    }

    Params params_;
    Kernel kernel_;
    std::size_t n_features_ = 0;
    std::size_t n_train_ = 0;
    double rho_ = 0.0;
    std::vector<std::int64_t> support_;
    std::vector<double> vectors_; // s x d
    std::vector<double> coef_;
    std::vector<double> vt_;           // d x s', transposed and padded for scoring
    std::vector<double> padded_;       // coef_ padded with zeros to s'
    std::vector<double> padded_norms_; // |v_t|^2 padded with zeros
    std::size_t n_iter_ = 0;
    bool converged_ = true;
    std::vector<std::string> feature_names_;
};

} // namespace oddkit
