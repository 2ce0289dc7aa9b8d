// The fused as-of walk (asof_gather) against a per-row binary-search reference, on random sorted
// times with duplicates, for every direction, exactness and tolerance, 1 and 2 threads; and the
// by-key path, NaN gather and unsorted input found in a later chunk.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "oddkit/core/random.hpp"
#include "oddkit/series/merge_asof.hpp"
#include "test_support.hpp"

using namespace oddkit;

namespace asof_walk_test {

/// Sorted times with many duplicates (steps 0..max_step-1).
std::vector<std::int64_t> sorted_times(Random &rng, std::size_t n, std::uint64_t max_step) {
    std::vector<std::int64_t> t(n);
    std::int64_t now = 100;
    for (auto &v : t) {
        now += static_cast<std::int64_t>(rng.below(max_step));
        v = now;
    }
    return t;
}

/// The expected right row for one left time, found by binary search (independent of the walk).
std::int64_t reference_row(const std::vector<std::int64_t> &right, std::int64_t t, const AsofParams &p) {
    const auto begin = right.begin(), end = right.end();
    std::int64_t back = -1, fwd = -1;
    // backward: the last right <= t (or < t); forward: the first right >= t (or > t)
    const auto b = p.allow_exact_matches ? std::upper_bound(begin, end, t) : std::lower_bound(begin, end, t);
    if (b != begin) back = static_cast<std::int64_t>(b - begin) - 1;
    const auto f = p.allow_exact_matches ? std::lower_bound(begin, end, t) : std::upper_bound(begin, end, t);
    if (f != end) fwd = static_cast<std::int64_t>(f - begin);
    if (p.tolerance) {
        if (back >= 0 && t - right[static_cast<std::size_t>(back)] > *p.tolerance) back = -1;
        if (fwd >= 0 && right[static_cast<std::size_t>(fwd)] - t > *p.tolerance) fwd = -1;
    }
    switch (p.direction) {
    case AsofDirection::backward:
        return back;
    case AsofDirection::forward:
        return fwd;
    case AsofDirection::nearest:
        break;
    }
    if (back >= 0 && fwd >= 0)
        return t - right[static_cast<std::size_t>(back)] <= right[static_cast<std::size_t>(fwd)] - t ? back : fwd;
    return back >= 0 ? back : fwd;
}

} // namespace asof_walk_test

TEST_CASE("asof_gather: fused walk equals a binary-search reference, any direction, any thread count") {
    using namespace asof_walk_test;
    Random rng(11);
    // more left rows than one chunk (asof_min_chunk), so that two threads split them; and
    // enough for the blocks walked while thread 0 faults the outputs ahead (last one partial)
    for (const std::size_t n : {3 * detail::asof_min_chunk / 2, 5 * detail::asof_min_chunk / 2}) {
    const std::size_t m = 9000;
    const auto left = sorted_times(rng, n, 4);
    const auto right = sorted_times(rng, m, 60);
    std::vector<double> b(m), c(m);
    for (std::size_t j = 0; j < m; ++j) {
        b[j] = static_cast<double>(j);
        c[j] = -0.5 * static_cast<double>(j);
    }
    const double *cols[] = {b.data(), c.data()};
    for (auto direction : {AsofDirection::backward, AsofDirection::forward, AsofDirection::nearest}) {
        for (bool exact : {true, false}) {
            for (std::optional<std::int64_t> tol : {std::optional<std::int64_t>{}, std::optional<std::int64_t>{0},
                                                    std::optional<std::int64_t>{7}}) {
                const AsofParams p{direction, tol, exact};
                std::vector<std::int64_t> expected(n);
                for (std::size_t i = 0; i < n; ++i) expected[i] = reference_row(right, left[i], p);
                for (int n_jobs : {1, 2, 3}) {
                    std::vector<double> ob(n), oc(n);
                    std::vector<std::int64_t> rows(n, -7);
                    double *outs[] = {ob.data(), oc.data()};
                    asof_gather(left, right, p, cols, outs, rows.data(), nullptr, nullptr, n_jobs);
                    CAPTURE(static_cast<int>(direction));
                    CAPTURE(exact);
                    CAPTURE(tol.value_or(-1));
                    CAPTURE(n_jobs);
                    CAPTURE(n);
                    CHECK(rows == expected);
                    bool values_ok = true;
                    for (std::size_t i = 0; i < n; ++i) {
                        const std::int64_t r = expected[i];
                        values_ok &= r < 0 ? (std::isnan(ob[i]) && std::isnan(oc[i]))
                                           : (ob[i] == b[static_cast<std::size_t>(r)] &&
                                              oc[i] == c[static_cast<std::size_t>(r)]);
                    }
                    CHECK(values_ok);
                }
            }
        }
    }
    }
}

TEST_CASE("asof_gather: by key gathers every column through the indexer, NaN where unmatched") {
    // left  t:   1  5  10 ; key 0 1 0
    // right t:   2  5  7  ; key 0 0 1 ; b 20 50 70
    // backward by key: t=1 key0 -> none; t=5 key1 -> none (7 is later); t=10 key0 -> row 1 (t=5)
    const std::vector<std::int64_t> left{1, 5, 10}, right{2, 5, 7}, lk{0, 1, 0}, rk{0, 0, 1};
    const std::vector<double> b{20, 50, 70};
    const double *cols[] = {b.data()};
    std::vector<double> out(3);
    double *outs[] = {out.data()};
    asof_gather(left, right, {}, cols, outs, nullptr, lk.data(), rk.data(), 2);
    CHECK(std::isnan(out[0]));
    CHECK(std::isnan(out[1]));
    CHECK(out[2] == 50);
    // nearest by key: t=1 key0 -> row 0 (t=2); t=5 key1 -> row 2 (t=7); t=10 key0 -> row 1
    asof_gather(left, right, {.direction = AsofDirection::nearest}, cols, outs, nullptr, lk.data(), rk.data());
    CHECK(out == std::vector<double>{20, 70, 50});
}

TEST_CASE("asof_gather: bad input names the argument, also when the disorder is in a later chunk") {
    const std::size_t n = 3 * detail::asof_min_chunk;
    std::vector<std::int64_t> left(n);
    for (std::size_t i = 0; i < n; ++i) left[i] = static_cast<std::int64_t>(i);
    left[n - 10] = 3; // out of order deep in the last chunk
    const std::vector<std::int64_t> right{0, 50, 100};
    for (int n_jobs : {1, 2}) {
        CHECK_THROWS_WITH_AS(asof_gather(left, right, {}, {}, {}, nullptr, nullptr, nullptr, n_jobs),
                             doctest::Contains("left: timestamps are not sorted: position"), InvalidArgument);
    }
    const std::vector<std::int64_t> ok{1, 2}, unsorted_right{5, 1};
    CHECK_THROWS_WITH_AS(asof_gather(ok, unsorted_right, {}, {}, {}), doctest::Contains("right"), InvalidArgument);
    const std::vector<std::int64_t> nat{not_a_time, 2};
    CHECK_THROWS_WITH_AS(asof_gather(nat, ok, {}, {}, {}), doctest::Contains("left: contains a missing timestamp"),
                         InvalidArgument);
    const std::vector<double> b{1, 2};
    const double *cols[] = {b.data()};
    CHECK_THROWS_WITH_AS(asof_gather(ok, ok, {}, cols, {}), doctest::Contains("out"), InvalidArgument);
    // an empty left side gives nothing, an empty right side NaN everywhere
    std::vector<double> out(2, 0.0);
    double *outs[] = {out.data()};
    const std::vector<std::int64_t> none;
    const std::vector<double> no_values;
    const double *no_cols[] = {no_values.data()};
    asof_gather(ok, none, {}, no_cols, outs);
    CHECK(std::isnan(out[0]));
    CHECK(std::isnan(out[1]));
}

TEST_CASE("asof_gather: two threads over outputs faulted in ahead give the one-thread answer") {
    // Three blocks, so n_jobs=2 takes the path where thread 0 touches the output pages ahead.
    const std::size_t n = 3 * detail::asof_min_chunk;
    std::vector<std::int64_t> left(n);
    for (std::size_t i = 0; i < n; ++i) left[i] = static_cast<std::int64_t>(i);
    const std::vector<std::int64_t> right{-5, 1000, 150000};
    const std::vector<double> values{1.5, 2.5, 3.5};
    const double *cols[] = {values.data()};
    for (int n_jobs : {1, 2}) {
        std::vector<double> out(n, -1.0);
        double *outs[] = {out.data()};
        asof_gather(left, right, {}, cols, outs, nullptr, nullptr, nullptr, n_jobs);
        CAPTURE(n_jobs);
        for (std::size_t i = 0; i < n; ++i) {
            REQUIRE(out[i] == (i < 1000 ? 1.5 : i < 150000 ? 2.5 : 3.5));
        }
    }
}

TEST_CASE("merge_asof: float columns gathered in the walk, int columns through the indexer") {
    // left t 1 5 10; right t 2 5 7 with b (float) and n (int)
    Frame left{TimeIndex(IndexVector{1, 5, 10})};
    left.add("a", FloatColumn{1, 2, 3});
    Frame right{TimeIndex(IndexVector{2, 5, 7})};
    right.add("b", FloatColumn{20, 50, 70});
    right.add("n", IntColumn{2, 5, 7});
    for (int n_jobs : {1, 2}) {
        const Frame back = merge_asof(left, right, {}, "", "_x", "_y", n_jobs);
        CHECK(back.names() == std::vector<std::string>{"a", "b", "n"});
        const auto &b = std::get<FloatColumn>(back.column("b"));
        const auto &n = std::get<FloatColumn>(back.column("n")); // a row without a match: float64 + NaN
        CHECK(std::isnan(b(0)));
        CHECK(b(1) == 50);
        CHECK(b(2) == 70);
        CHECK(std::isnan(n(0)));
        CHECK(n(1) == 5);
        CHECK(n(2) == 7);
        // forward: t=10 has no match after it, so n becomes float64 as well
        const Frame fwd = merge_asof(left, right, {.direction = AsofDirection::forward, .tolerance = {}}, "", "_x",
                                     "_y", n_jobs);
        CHECK(std::holds_alternative<FloatColumn>(fwd.column("n")));
        CHECK(std::isnan(std::get<FloatColumn>(fwd.column("n"))(2)));
    }
    // every left row matches: the int column stays int64
    Frame early{TimeIndex(IndexVector{2, 4})};
    early.add("a", FloatColumn{0, 0});
    const Frame all = merge_asof(early, right, {.direction = AsofDirection::forward});
    const auto &n = std::get<IntColumn>(all.column("n"));
    CHECK(n(0) == 2);
    CHECK(n(1) == 5);
}
