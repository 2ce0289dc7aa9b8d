// make_bins: the one-pass walk that finds each bin's rows and checks the order on the way,
// split over threads by bins. Offsets are compared with a row-by-row count of each row's bin
// (floor division, independent of the walk), for every thread count; unsorted rows and NaT
// are refused wherever they sit, including at the rows where threads' shares meet.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "oddkit/core/random.hpp"
#include "oddkit/series/resample.hpp"

using namespace oddkit;

namespace {

/// Sorted times with dense runs, duplicates, long empty stretches and one huge bin.
std::vector<std::int64_t> bins_test_times(std::size_t n, std::uint64_t seed) {
    Random rng(seed);
    std::vector<std::int64_t> t(n);
    std::int64_t now = -7'000'000'000'000; // before the epoch: floor division must round down
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t kind = rng.below(1000);
        if (i > n / 3 && i < n / 3 + n / 5) {
            now += 0; // a fifth of the rows share one timestamp (a bin wider than a thread's share)
        } else if (kind == 0) {
            now += static_cast<std::int64_t>(rng.below(50'000'000'000'000ULL)); // a gap of many bins
        } else if (kind < 300) {
            now += 0; // a duplicate
        } else {
            now += static_cast<std::int64_t>(rng.below(4'000'000'000ULL));
        }
        t[i] = now;
    }
    return t;
}

/// Offsets by counting rows per bin, each row's bin found by floor division.
std::vector<std::size_t> bins_by_division(const std::vector<std::int64_t> &t, std::int64_t origin, std::int64_t w,
                                          bool closed_left) {
    auto bin_of = [&](std::int64_t v) { return floor_div(closed_left ? v - origin : v - origin - 1, w); };
    const std::int64_t k0 = bin_of(t.front());
    const auto nbins = static_cast<std::size_t>(bin_of(t.back()) - k0 + 1);
    std::vector<std::size_t> offsets(nbins + 1, 0);
    for (std::int64_t v : t) ++offsets[static_cast<std::size_t>(bin_of(v) - k0) + 1];
    for (std::size_t b = 0; b < nbins; ++b) offsets[b + 1] += offsets[b];
    return offsets;
}

} // namespace

TEST_CASE("make_bins: offsets equal a row-by-row count, for any thread count") {
    const std::vector<std::int64_t> t = bins_test_times(300'001, 11);
    for (const bool closed_left : {true, false}) {
        for (const std::int64_t offset : {std::int64_t{0}, std::int64_t{1'234'567'891}}) {
            const ResampleParams p{.rule = "1min",
                                   .closed = closed_left ? Side::left : Side::right,
                                   .origin = Origin::at(5'000'000'017),
                                   .offset = offset};
            const std::vector<std::size_t> expected = bins_by_division(t, 5'000'000'017 + offset, 60'000'000'000, closed_left);
            for (const int n_jobs : {1, 2, 3, 8}) {
                CAPTURE(closed_left);
                CAPTURE(offset);
                CAPTURE(n_jobs);
                const Bins bins = make_bins(t, p, n_jobs);
                CHECK(bins.offsets == expected);
                REQUIRE(bins.labels.size() + 1 == expected.size());
            }
        }
    }
    // the other rules and origins: every thread count gives the one-thread bins
    for (const char *rule : {"W", "1D", "7s", "1h"}) {
        for (const char *origin : {"epoch", "start", "start_day"}) {
            for (const Side label : {Side::left, Side::right}) {
                const ResampleParams p{.rule = rule, .label = label, .origin = Origin::parse(origin)};
                const Bins one = make_bins(t, p, 1);
                CHECK(one.offsets.front() == 0);
                CHECK(one.offsets.back() == t.size());
                CHECK(std::is_sorted(one.offsets.begin(), one.offsets.end()));
                for (const int n_jobs : {2, 3, 8}) {
                    CAPTURE(rule);
                    CAPTURE(origin);
                    CAPTURE(n_jobs);
                    const Bins many = make_bins(t, p, n_jobs);
                    CHECK(many.offsets == one.offsets);
                    CHECK(std::equal(many.labels.data(), many.labels.data() + many.labels.size(), one.labels.data(),
                                     one.labels.data() + one.labels.size()));
                }
            }
        }
    }
}

TEST_CASE("make_bins: an unsorted pair or NaT anywhere is refused naming index, on any thread count") {
    const std::vector<std::int64_t> sorted = bins_test_times(262'144, 12);
    const std::size_t n = sorted.size();
    // positions at the ends, inside shares, and where 2, 3 and 8 threads' shares meet
    std::vector<std::size_t> positions{1, 2, 3, 4, 5, 77, n / 2, n / 2 + 1, n / 3, n / 3 + 1, n / 8, n / 8 + 1, n - 2, n - 1};
    for (const std::size_t pos : positions) {
        std::vector<std::int64_t> t = sorted;
        // a row earlier than the one before it, by a little (same bin) or by a lot
        t[pos] = t[pos - 1] - (pos % 2 == 0 ? 1 : 90'000'000'000);
        for (const int n_jobs : {1, 2, 3, 8}) {
            CAPTURE(pos);
            CAPTURE(n_jobs);
            CHECK_THROWS_WITH_AS(make_bins(t, {.rule = "1min"}, n_jobs), doctest::Contains("index: timestamps are not sorted"),
                                 InvalidArgument);
        }
        t = sorted;
        t[pos] = not_a_time;
        for (const int n_jobs : {1, 2, 8}) {
            CAPTURE(pos);
            const std::string message = "index: contains a missing timestamp (NaT) at position " + std::to_string(pos);
            CHECK_THROWS_WITH_AS(make_bins(t, {.rule = "1min"}, n_jobs), doctest::Contains(message.c_str()), InvalidArgument);
        }
    }
    std::vector<std::int64_t> t = sorted;
    t[0] = not_a_time;
    CHECK_THROWS_WITH_AS(make_bins(t, {.rule = "1min"}, 2), doctest::Contains("index: contains a missing timestamp (NaT) at position 0"),
                         InvalidArgument);
    // an unsorted index whose span would need too many bins is named as unsorted first
    t = {0, 5, 3, std::int64_t{1} << 62};
    CHECK_THROWS_WITH_AS(make_bins(t, {.rule = "1ns"}, 2), doctest::Contains("index: timestamps are not sorted"),
                         InvalidArgument);
}
