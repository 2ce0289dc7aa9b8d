#pragma once
/// Forward-chaining splits for time-ordered samples, identical to scikit-learn's
/// TimeSeriesSplit: the test folds are the last n_splits * test_size samples cut in order,
/// each training set is everything before its fold minus a `gap`, capped to the most recent
/// max_train_size samples.

#include <cstddef>
#include <optional>
#include <vector>

#include "oddkit/core/error.hpp"

namespace oddkit {

/// Half-open index ranges [train_begin, train_end) and [test_begin, test_end).
struct SplitRanges {
    std::size_t train_begin, train_end, test_begin, test_end;
};

struct TimeSeriesSplitParams {
    int n_splits = 5;
    std::optional<std::size_t> max_train_size; ///< nullopt (or 0) = no cap
    std::optional<std::size_t> test_size;      ///< nullopt = n_samples / (n_splits + 1)
    std::size_t gap = 0;

    void validate() const {
        require(n_splits >= 2, "n_splits", "must be at least 2, got ", n_splits);
        require(!test_size || *test_size >= 1, "test_size", "must be >= 1, got 0");
    }
};

class TimeSeriesSplit {
  public:
    using Params = TimeSeriesSplitParams;
    explicit TimeSeriesSplit(Params params = {}) : params_(params) { params_.validate(); }
    const Params &params() const noexcept { return params_; }
    std::size_t n_splits() const noexcept { return static_cast<std::size_t>(params_.n_splits); }

    std::vector<SplitRanges> split(std::size_t n_samples) const {
        const std::size_t splits = n_splits();
        const std::size_t folds = splits + 1;
        const std::size_t test = params_.test_size.value_or(n_samples / folds);
        require(folds <= n_samples, "n_splits", "cannot have number of folds=", folds,
                " greater than the number of samples=", n_samples);
        require(params_.gap + test * splits < n_samples, "n_splits", "too many splits=", splits,
                " for number of samples=", n_samples, " with test_size=", test, " and gap=", params_.gap);
        std::vector<SplitRanges> out;
        out.reserve(splits);
        for (std::size_t s = 0; s < splits; ++s) {
            const std::size_t test_begin = n_samples - splits * test + s * test;
            const std::size_t train_end = test_begin - params_.gap;
            std::size_t train_begin = 0;
            const std::size_t cap = params_.max_train_size.value_or(0);
            if (cap != 0 && cap < train_end) {
                train_begin = train_end - cap;
            }
            out.push_back({train_begin, train_end, test_begin, test_begin + test});
        }
        return out;
    }

  private:
    Params params_;
};

} // namespace oddkit
