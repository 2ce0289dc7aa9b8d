#pragma once
/// The values of a sliding window kept in order, for rolling medians and quantiles. A flat
/// sorted vector: insert and erase are a binary search plus a memmove of the tail, which beats
/// node-based trees for the window sizes sensors produce (up to tens of thousands of rows).
/// NaN and +-inf are missing and never held.

#include <algorithm>
#include <cmath>
#include <vector>

namespace oddkit::detail {

class SortedWindow {
  public:
    void clear() noexcept { values_.clear(); }
    void insert(double v) {
        if (std::isfinite(v)) {
            values_.insert(std::upper_bound(values_.begin(), values_.end(), v), v);
        }
    }
    void erase(double v) {
        if (std::isfinite(v)) {
            auto it = std::lower_bound(values_.begin(), values_.end(), v);
            if (it != values_.end() && *it == v) {
                values_.erase(it);
            }
        }
    }
    std::size_t size() const noexcept { return values_.size(); }
    double operator[](std::size_t k) const noexcept { return values_[k]; }

  private:
    std::vector<double> values_;
};

} // namespace oddkit::detail
