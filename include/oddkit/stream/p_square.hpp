#pragma once
/// PSquareQuantile: one quantile of a stream in O(1) memory, by the P-square algorithm (Jain
/// and Chlamtac 1985). Five markers track the minimum, the p/2, p and (1+p)/2 quantiles and
/// the maximum; after each value the three middle markers move at most one position toward
/// their desired positions, their heights adjusted by the piecewise-parabolic formula (or
/// linearly when the parabola would leave the neighbours' heights).
///
/// Until five values have arrived the estimate is the exact quantile of those values, with
/// numpy's default linear interpolation.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"

namespace oddkit {

class PSquareQuantile {
  public:
    /// The p-quantile, p in (0, 1).
    explicit PSquareQuantile(double p = 0.5) : p_(p) {
        require(std::isfinite(p) && p > 0.0 && p < 1.0, "quantile", "must be in (0, 1), got ", p);
        desired_ = {0.0, 2.0 * p, 4.0 * p, 2.0 + 2.0 * p, 4.0};
        step_ = {0.0, p / 2.0, p, (1.0 + p) / 2.0, 1.0};
    }

    double p() const noexcept { return p_; }
    std::uint64_t count() const noexcept { return count_; }

    /// The current estimate (NaN before any value).
    double value() const noexcept {
        if (count_ >= 5) {
            return height_[2];
        }
        if (count_ == 0) {
            return std::numeric_limits<double>::quiet_NaN();
        }
        std::array<double, 5> sorted = height_;
        std::sort(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(count_));
        const double position = p_ * static_cast<double>(count_ - 1);
        const auto lo = static_cast<std::size_t>(position);
        const std::size_t hi = std::min<std::size_t>(lo + 1, count_ - 1);
        const double t = position - static_cast<double>(lo);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * t;
    }

    /// Adds a finite value (the caller checks finiteness).
    void add(double x) noexcept {
        if (count_ < 5) {
            height_[count_++] = x;
            if (count_ == 5) {
                std::sort(height_.begin(), height_.end());
            }
            return;
        }
        ++count_;
        std::size_t k; // x falls in cell [height_[k], height_[k + 1])
        if (x < height_[0]) {
            height_[0] = x;
            k = 0;
        } else if (x >= height_[4]) {
            height_[4] = x;
            k = 3;
        } else {
            k = 0;
            while (k < 3 && x >= height_[k + 1]) {
                ++k;
            }
        }
        for (std::size_t i = k + 1; i < 5; ++i) {
            position_[i] += 1.0;
        }
        for (std::size_t i = 0; i < 5; ++i) {
            desired_[i] += step_[i];
        }
        for (std::size_t i = 1; i <= 3; ++i) {
            const double d = desired_[i] - position_[i];
            if ((d >= 1.0 && position_[i + 1] - position_[i] > 1.0) ||
                (d <= -1.0 && position_[i - 1] - position_[i] < -1.0)) {
                const double s = d >= 0.0 ? 1.0 : -1.0;
                double h = parabolic(i, s);
                if (!(height_[i - 1] < h && h < height_[i + 1])) {
                    h = linear(i, s);
                }
                height_[i] = h;
                position_[i] += s;
            }
        }
    }

    Json to_json() const {
        return {{"p", p_},
                {"count", count_},
                {"height", height_},
                {"position", position_},
                {"desired", desired_}};
    }

    /// Reads and checks a saved estimator (FormatError when inconsistent).
    static PSquareQuantile from_json(const Json &j) {
        const auto p = document_get<double>(j, "p");
        if (!(p > 0.0 && p < 1.0)) {
            throw FormatError("model document: P-square quantile must be in (0, 1)");
        }
        PSquareQuantile q(p);
        q.count_ = document_get<std::uint64_t>(j, "count");
        q.height_ = document_get<std::array<double, 5>>(j, "height");
        q.position_ = document_get<std::array<double, 5>>(j, "position");
        q.desired_ = document_get<std::array<double, 5>>(j, "desired");
        for (std::size_t i = 0; i < 5; ++i) {
            if (!std::isfinite(q.height_[i]) || !std::isfinite(q.position_[i]) || !std::isfinite(q.desired_[i])) {
                throw FormatError("model document: P-square markers must be finite");
            }
        }
        if (q.count_ >= 5) {
            for (std::size_t i = 0; i < 4; ++i) {
                // Markers stay ordered and at least one position apart; the parabolic step
                // divides by these gaps.
                if (q.height_[i] > q.height_[i + 1] || q.position_[i + 1] - q.position_[i] < 1.0) {
                    throw FormatError("model document: P-square markers out of order");
                }
            }
            if (q.position_[0] != 0.0 || q.position_[4] != static_cast<double>(q.count_ - 1)) {
                throw FormatError("model document: P-square marker positions do not match the count");
            }
        }
        return q;
    }

  private:
    double parabolic(std::size_t i, double s) const noexcept {
        const double n0 = position_[i - 1], n1 = position_[i], n2 = position_[i + 1];
        const double q0 = height_[i - 1], q1 = height_[i], q2 = height_[i + 1];
        return q1 + s / (n2 - n0) *
                        ((n1 - n0 + s) * (q2 - q1) / (n2 - n1) + (n2 - n1 - s) * (q1 - q0) / (n1 - n0));
    }
    double linear(std::size_t i, double s) const noexcept {
        const std::size_t j = s > 0.0 ? i + 1 : i - 1;
        return height_[i] + s * (height_[j] - height_[i]) / (position_[j] - position_[i]);
    }

    double p_;
    std::uint64_t count_ = 0;
    std::array<double, 5> height_{};
    std::array<double, 5> position_{0.0, 1.0, 2.0, 3.0, 4.0};
    std::array<double, 5> desired_{};
    std::array<double, 5> step_{};
};

} // namespace oddkit
