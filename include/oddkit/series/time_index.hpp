#pragma once
/// TimeIndex: the sorted time axis of a Series or Frame. Times are int64 nanoseconds since the
/// Unix epoch, UTC (NumPy datetime64[ns], pandas). Sortedness is checked on construction, so
/// every algorithm over an index can walk it once; duplicates are allowed (is_unique says).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"

namespace oddkit {

/// pandas' NaT (the smallest int64); never allowed in an index.
inline constexpr std::int64_t not_a_time = std::numeric_limits<std::int64_t>::min();

/// Throws InvalidArgument naming `name` unless `times` is sorted ascending and free of NaT.
inline void check_sorted_times(std::span<const std::int64_t> times, const char *name) {
    // A branch-free pass (it vectorises) first; the slow loop below only runs to name the culprit.
    bool ok = true;
    for (std::size_t i = 1; i < times.size(); ++i) {
        ok &= times[i - 1] <= times[i];
    }
    ok &= times.empty() || times[0] != not_a_time; // sorted, so NaT (the minimum) could only lead
    if (ok) {
        return;
    }
    for (std::size_t i = 0; i < times.size(); ++i) {
        require(times[i] != not_a_time, name, "contains a missing timestamp (NaT) at position ", i);
        require(i == 0 || times[i - 1] <= times[i], name, "timestamps are not sorted: position ", i,
                " (", times[i], " ns) comes before position ", i - 1, " (", times[i - 1],
                " ns); sort by time first");
    }
}

/// True when no two consecutive (hence no two) timestamps of a sorted array are equal.
inline bool times_are_unique(std::span<const std::int64_t> times) {
    for (std::size_t i = 1; i < times.size(); ++i) {
        if (times[i] == times[i - 1]) {
            return false;
        }
    }
    return true;
}

/// Throws InvalidArgument naming `name` if a sorted array holds a repeated timestamp.
inline void check_unique_times(std::span<const std::int64_t> times, const char *name) {
    for (std::size_t i = 1; i < times.size(); ++i) {
        require(times[i] != times[i - 1], name, "duplicate timestamp ", times[i], " ns at positions ", i - 1,
                " and ", i, "; drop or aggregate duplicates first (deduplicate)");
    }
}

class TimeIndex {
  public:
    TimeIndex() = default;
    /// Takes ownership of sorted times; InvalidArgument naming `name` if unsorted or NaT.
    explicit TimeIndex(IndexVector times, const char *name = "index") : times_(std::move(times)) {
        check_sorted_times(span(), name);
    }

    std::size_t size() const noexcept { return times_.size(); }
    bool empty() const noexcept { return times_.size() == 0; }
    const std::int64_t *data() const noexcept { return times_.data(); }
    std::int64_t operator[](std::size_t i) const noexcept { return times_.data()[i]; }
    std::int64_t front() const { return times_(0); }
    std::int64_t back() const { return times_(times_.size() - 1); }
    std::span<const std::int64_t> span() const noexcept { return {times_.data(), times_.size()}; }
    const IndexVector &values() const noexcept { return times_; }
    bool is_unique() const noexcept { return times_are_unique(span()); }

    friend bool operator==(const TimeIndex &a, const TimeIndex &b) {
        return a.size() == b.size() && std::equal(a.data(), a.data() + a.size(), b.data());
    }

  private:
    IndexVector times_ = IndexVector::from_shape({0});
};

} // namespace oddkit
