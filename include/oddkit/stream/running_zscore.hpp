#pragma once
/// RunningZScore: the z-score |x - mean| / std of each feature against everything learned so
/// far (window = 0) or against the last `window` readings, the reading's score being the largest
/// over its features.
///
/// Design: Welford's update adds a value; the windowed form removes the oldest value with the
/// exact inverse update, from a ring buffer of the last `window` readings. Add/remove pairs
/// accumulate rounding, so every `window` removals the mean and the sum of squares are
/// recomputed from the buffer by two passes (amortised O(1) per reading): the result then stays
/// within a few ulps of the batch statistics over the same window, however long the stream.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "oddkit/stream/online_detector.hpp"

namespace oddkit {

struct RunningZScoreParams {
    /// Readings the statistics cover: 0 = all history, w >= 2 = the last w.
    std::size_t window = 0;
    /// Delta degrees of freedom of the variance: 1 = sample variance (pandas), 0 = numpy's.
    int ddof = 1;

    void validate() const {
        require(window == 0 || window >= 2, "window", "must be 0 (all history) or >= 2, got ", window);
        require(window <= (std::size_t{1} << 30), "window", "must be at most 2^30, got ", window);
        require(ddof == 0 || ddof == 1, "ddof", "must be 0 or 1, got ", ddof);
    }
    Json to_json() const { return {{"window", window}, {"ddof", ddof}}; }
    static RunningZScoreParams from_json(const Json &j) {
        RunningZScoreParams p;
        p.window = document_get<std::size_t>(j, "window");
        p.ddof = document_get<int>(j, "ddof");
        return p;
    }
};

class RunningZScore final : public OnlineDetector {
  public:
    static constexpr int format_version = 1;
    using Params = RunningZScoreParams;

    explicit RunningZScore(Params params = {}) : params_(params) { params_.validate(); }

    const Params &params() const noexcept { return params_; }
    std::string_view name() const noexcept override { return "RunningZScore"; }

    /// Readings the statistics currently cover.
    std::uint64_t count() const noexcept { return count_; }
    double mean(std::size_t j) const { return stat(j).mean; }
    /// Variance with the configured ddof (NaN while count <= ddof).
    double variance(std::size_t j) const {
        const double denom = static_cast<double>(count_) - params_.ddof;
        return denom > 0.0 ? stat(j).m2 / denom : std::numeric_limits<double>::quiet_NaN();
    }

    /// Per-feature z-scores of x (n_features values) into out.
    void z_scores(const double *x, double *out) const {
        for (std::size_t j = 0; j < stats_.size(); ++j) {
            out[j] = z_of(j, x[j]);
        }
    }

    Json to_document() const override {
        Json state;
        write_common_state(state);
        state["count"] = count_;
        state["since_resync"] = since_resync_;
        state["head"] = head_;
        std::vector<double> mean(stats_.size()), m2(stats_.size());
        for (std::size_t j = 0; j < stats_.size(); ++j) {
            mean[j] = stats_[j].mean;
            m2[j] = stats_[j].m2;
        }
        state["mean"] = std::move(mean);
        state["m2"] = std::move(m2);
        state["buffer"] = buffer_;
        return make_document(name(), format_version, params_.to_json(), std::move(state));
    }

    static RunningZScore from_document(const Json &doc) {
        check_document(doc, "RunningZScore", format_version);
        RunningZScore z(document_params<Params>(doc));
        const Json &s = doc.at("state");
        z.read_common_state(s);
        z.count_ = document_get<std::uint64_t>(s, "count");
        z.since_resync_ = document_get<std::uint64_t>(s, "since_resync");
        z.head_ = document_get<std::size_t>(s, "head");
        const auto mean = document_get<std::vector<double>>(s, "mean");
        const auto m2 = document_get<std::vector<double>>(s, "m2");
        z.buffer_ = document_get<std::vector<double>>(s, "buffer");
        const std::size_t d = z.n_features();
        const std::size_t w = z.params_.window;
        auto bad = [](const char *what) { throw FormatError(std::string("model document: ") + what); };
        if (mean.size() != d || m2.size() != d) {
            bad("mean and m2 must hold one value per feature");
        }
        if (z.count_ > z.n_seen() || (w > 0 && z.count_ > w)) {
            bad("count exceeds the readings seen or the window");
        }
        if (w > 0) {
            if (z.buffer_.size() != (d == 0 ? 0 : w * d) || (d > 0 && z.head_ >= w) || z.since_resync_ > w) {
                bad("window buffer has the wrong size or position");
            }
        } else if (!z.buffer_.empty() || z.head_ != 0) {
            bad("an unbounded RunningZScore holds no buffer");
        }
        z.stats_.resize(d);
        for (std::size_t j = 0; j < d; ++j) {
            if (!std::isfinite(mean[j]) || !std::isfinite(m2[j]) || m2[j] < 0.0) {
                bad("mean and m2 must be finite and m2 >= 0");
            }
            z.stats_[j] = {mean[j], m2[j]};
        }
        for (double v : z.buffer_) {
            if (!std::isfinite(v)) {
                bad("window buffer holds a non-finite value");
            }
        }
        return z;
    }
    static RunningZScore load(const std::string &path) { return from_document(read_document(path)); }

  protected:
    double score_row(const double *x) const override {
        double worst = 0.0;
        for (std::size_t j = 0; j < stats_.size(); ++j) {
            worst = std::max(worst, z_of(j, x[j]));
        }
        return worst;
    }

    void learn_row(const double *x) override {
        const std::size_t d = stats_.size();
        const std::size_t w = params_.window;
        if (w == 0) {
            add(x);
            return;
        }
        double *slot = buffer_.data() + head_ * d;
        if (count_ == w) {
            remove(slot);
            ++since_resync_;
        }
        std::copy(x, x + d, slot);
        add(x);
        head_ = head_ + 1 == w ? 0 : head_ + 1;
        if (since_resync_ == w) {
            resync();
        }
    }

    void on_features_fixed(std::size_t n) override {
        stats_.assign(n, Stat{});
        if (params_.window > 0) {
            buffer_.assign(params_.window * n, 0.0);
        }
    }

  private:
    struct Stat {
        double mean = 0.0;
        double m2 = 0.0; // sum of squared deviations from the mean
    };

    const Stat &stat(std::size_t j) const {
        require(j < stats_.size(), "j", "feature ", j, " out of range (", stats_.size(), " features)");
        return stats_[j];
    }

    double z_of(std::size_t j, double x) const noexcept {
        const double denom = static_cast<double>(count_) - params_.ddof;
        if (count_ < 2 || denom <= 0.0) {
            return 0.0;
        }
        return detail::z_distance(x, stats_[j].mean, stats_[j].m2 / denom);
    }

    void add(const double *x) noexcept {
        ++count_;
        const double inv = 1.0 / static_cast<double>(count_);
        for (std::size_t j = 0; j < stats_.size(); ++j) {
            Stat &s = stats_[j];
            const double delta = x[j] - s.mean;
            s.mean += delta * inv;
            s.m2 += delta * (x[j] - s.mean);
        }
    }

    /// The exact inverse of add for a value that was added earlier (count_ >= 2).
    void remove(const double *x) noexcept {
        --count_;
        const double inv = 1.0 / static_cast<double>(count_);
        for (std::size_t j = 0; j < stats_.size(); ++j) {
            Stat &s = stats_[j];
            const double delta = x[j] - s.mean;
            s.mean -= delta * inv;
            s.m2 = std::max(0.0, s.m2 - delta * (x[j] - s.mean));
        }
    }

    /// Two-pass mean and sum of squares over the (full) window buffer.
    void resync() noexcept {
        const std::size_t d = stats_.size();
        const std::size_t w = params_.window;
        for (std::size_t j = 0; j < d; ++j) {
            double sum = 0.0;
            for (std::size_t i = 0; i < w; ++i) {
                sum += buffer_[i * d + j];
            }
            const double mean = sum / static_cast<double>(w);
            double m2 = 0.0;
            for (std::size_t i = 0; i < w; ++i) {
                const double dev = buffer_[i * d + j] - mean;
                m2 += dev * dev;
            }
            stats_[j] = {mean, m2};
        }
        since_resync_ = 0;
    }

    Params params_;
    std::vector<Stat> stats_;
    std::uint64_t count_ = 0;
    std::uint64_t since_resync_ = 0;
    std::size_t head_ = 0;       // next slot of the ring buffer to write (the oldest when full)
    std::vector<double> buffer_; // window x n_features, row-major ring
};

} // namespace oddkit
