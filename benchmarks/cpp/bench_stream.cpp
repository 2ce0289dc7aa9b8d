// Per-event cost of the online detectors, each next to a plain-loop baseline that does the
// bare arithmetic (a hand-inlined Welford update and z-score), so the interface's own cost
// (checks, virtual call) shows as the difference.

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "oddkit/core/random.hpp"
#include "oddkit/stream/half_space_trees.hpp"
#include "oddkit/stream/random_cut_forest.hpp"
#include "oddkit/stream/running_zscore.hpp"

namespace {

std::vector<double> readings(std::size_t n, std::size_t d) {
    oddkit::Random rng(1);
    std::vector<double> x(n * d);
    for (auto &v : x) {
        v = rng.normal();
    }
    return x;
}

constexpr std::size_t n_events = 1 << 16;

void baseline_welford_loop(benchmark::State &state) {
    const auto x = readings(n_events, 1);
    for (auto _ : state) {
        double mean = 0.0, m2 = 0.0, n = 0.0, total = 0.0;
        for (double v : x) {
            if (n >= 2.0) {
                total += std::fabs(v - mean) / std::sqrt(m2 / (n - 1.0));
            }
            n += 1.0;
            const double delta = v - mean;
            mean += delta / n;
            m2 += delta * (v - mean);
        }
        benchmark::DoNotOptimize(total);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n_events));
}
BENCHMARK(baseline_welford_loop);

void running_zscore_score_then_learn_one(benchmark::State &state) {
    const auto x = readings(n_events, 1);
    const auto window = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        oddkit::RunningZScore z({.window = window});
        double total = 0.0;
        for (std::size_t i = 0; i < n_events; ++i) {
            total += z.score_one(&x[i], 1);
            z.learn_one(&x[i], 1);
        }
        benchmark::DoNotOptimize(total);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n_events));
}
BENCHMARK(running_zscore_score_then_learn_one)->Arg(0)->Arg(100);

void running_zscore_score_learn_many(benchmark::State &state) {
    const auto x = readings(n_events, 1);
    std::vector<double> out(n_events);
    for (auto _ : state) {
        oddkit::RunningZScore z({.window = 100});
        z.score_learn_many(oddkit::MatrixView(x.data(), n_events, 1), oddkit::OutputView(out.data(), n_events));
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n_events));
}
BENCHMARK(running_zscore_score_learn_many);

void half_space_trees_score_learn_many(benchmark::State &state) {
    constexpr std::size_t n = 1 << 14, d = 4;
    const auto x = readings(n, d);
    std::vector<double> out(n);
    for (auto _ : state) {
        oddkit::HalfSpaceTrees h({.n_trees = 25, .height = 15, .window_size = 250});
        h.score_learn_many(oddkit::MatrixView(x.data(), n, d), oddkit::OutputView(out.data(), n));
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(half_space_trees_score_learn_many);

void random_cut_forest_score_learn_many(benchmark::State &state) {
    constexpr std::size_t n = 1 << 12, d = 4;
    const auto x = readings(n, d);
    std::vector<double> out(n);
    for (auto _ : state) {
        oddkit::RandomCutForest f({.n_trees = 40, .window_size = 256});
        f.score_learn_many(oddkit::MatrixView(x.data(), n, d), oddkit::OutputView(out.data(), n));
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(random_cut_forest_score_learn_many);

} // namespace
