#pragma once
/// oddkit's own deterministic random numbers: xoshiro256** seeded through SplitMix64, and
/// distributions written here rather than taken from <random> (whose distributions differ
/// between standard libraries). Independent streams are derived from (seed, stream index), so
/// work split over threads draws the same numbers whatever the thread count.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <utility>
#include <vector>

#include "oddkit/core/error.hpp"

namespace oddkit {

__extension__ using uint128 = unsigned __int128; // GCC and Clang; __extension__ silences -Wpedantic

/// SplitMix64 step: a good 64-bit mixer used to expand seeds.
inline std::uint64_t splitmix64(std::uint64_t &state) noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

class Random {
  public:
    /// A generator for `seed`; `stream` selects an independent sequence (e.g. the tree index).
    explicit Random(std::uint64_t seed = 0, std::uint64_t stream = 0) noexcept {
        std::uint64_t s = seed;
        std::uint64_t mixed = splitmix64(s);
        std::uint64_t t = stream ^ 0xD1B54A32D192ED03ULL;
        mixed ^= splitmix64(t);
        for (auto &word : state_) {
            word = splitmix64(mixed);
        }
    }

    /// The next raw 64-bit value.
    std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    /// Uniform in [0, 1) with 53 random bits.
    double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    /// Uniform in [low, high). Returns low when high == low.
    double uniform(double low, double high) noexcept {
        const double u = uniform();
        const double x = low + u * (high - low);
        return x < high ? x : low; // guards the rounding case x == high
    }

    /// Uniform integer in [0, n), unbiased (multiply-and-reject). n must be > 0.
    std::uint64_t below(std::uint64_t n) noexcept {
        uint128 m = static_cast<uint128>(next()) * n;
        auto low = static_cast<std::uint64_t>(m);
        if (low < n) {
            const std::uint64_t threshold = (0 - n) % n;
            while (low < threshold) {
                m = static_cast<uint128>(next()) * n;
                low = static_cast<std::uint64_t>(m);
            }
        }
        return static_cast<std::uint64_t>(m >> 64);
    }

    /// Standard normal, by the Box-Muller transform (one value per call; the pair's
    /// second value is kept for the next call).
    double normal() noexcept {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        double u1 = uniform();
        while (u1 <= 0.0) {
            u1 = uniform();
        }
        const double u2 = uniform();
        const double radius = std::sqrt(-2.0 * std::log(u1));
        const double angle = 2.0 * std::numbers::pi * u2;
        spare_ = radius * std::sin(angle);
        has_spare_ = true;
        return radius * std::cos(angle);
    }

    /// Fisher-Yates shuffle of [first, last).
    template <class It> void shuffle(It first, It last) noexcept {
        const auto n = static_cast<std::uint64_t>(last - first);
        for (std::uint64_t i = n; i > 1; --i) {
            const auto j = below(i);
            using std::swap;
            swap(first[i - 1], first[j]);
        }
    }

    /// k distinct indices from [0, n), in random order (partial Fisher-Yates; O(n) memory).
    std::vector<std::uint32_t> sample_without_replacement(std::uint32_t n, std::uint32_t k) {
        require(k <= n, "k", "cannot draw ", k, " distinct values from ", n);
        std::vector<std::uint32_t> pool(n);
        for (std::uint32_t i = 0; i < n; ++i) {
            pool[i] = i;
        }
        for (std::uint32_t i = 0; i < k; ++i) {
            const auto j = i + static_cast<std::uint32_t>(below(n - i));
            std::swap(pool[i], pool[j]);
        }
        pool.resize(k);
        return pool;
    }

    /// k indices drawn from [0, n): distinct (Floyd's algorithm when k is small against n,
    /// a partial shuffle otherwise), or with replacement when `replace` is true.
    std::vector<std::uint32_t> sample_indices(std::uint32_t n, std::uint32_t k, bool replace) {
        std::vector<std::uint32_t> out;
        out.reserve(k);
        if (replace) {
            require(n > 0 || k == 0, "n", "cannot draw from an empty range");
            for (std::uint32_t i = 0; i < k; ++i) {
                out.push_back(static_cast<std::uint32_t>(below(n)));
            }
            return out;
        }
        if (static_cast<std::uint64_t>(k) * 16 > n) {
            return sample_without_replacement(n, k);
        }
        // Floyd: for j in [n-k, n) pick t in [0, j]; take t unless taken, else take j.
        std::vector<std::uint32_t> taken; // kept sorted: k is small here
        taken.reserve(k);
        for (std::uint32_t j = n - k; j < n; ++j) {
            auto t = static_cast<std::uint32_t>(below(static_cast<std::uint64_t>(j) + 1));
            auto pos = std::lower_bound(taken.begin(), taken.end(), t);
            if (pos != taken.end() && *pos == t) {
                t = j;
                pos = std::lower_bound(taken.begin(), taken.end(), t);
            }
            taken.insert(pos, t);
            out.push_back(t);
        }
        return out;
    }

  private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

    std::uint64_t state_[4]{};
    double spare_ = 0.0;
    bool has_spare_ = false;
};

} // namespace oddkit
