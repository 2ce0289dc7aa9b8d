// Isolation Forest fit and scoring, each beside a plain-loop baseline that reads the same
// rows once (the floor any scorer pays for touching the data).

#include <benchmark/benchmark.h>

#include <oddkit/oddkit.hpp>

namespace {

oddkit::Matrix gaussian(std::size_t n, std::size_t d) {
    oddkit::Random rng(1);
    oddkit::Matrix X = xt::empty<double>({n, d});
    for (auto &v : X) {
        v = rng.normal();
    }
    return X;
}

void BM_IsolationForestFit(benchmark::State &state) {
    const auto X = gaussian(static_cast<std::size_t>(state.range(0)), 16);
    for (auto _ : state) {
        oddkit::IsolationForest forest({.n_estimators = 100, .random_state = 1});
        forest.fit(X);
        benchmark::DoNotOptimize(forest.node_count());
    }
}
BENCHMARK(BM_IsolationForestFit)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_IsolationForestScore(benchmark::State &state) {
    const auto X = gaussian(static_cast<std::size_t>(state.range(0)), 16);
    oddkit::IsolationForest forest({.n_estimators = 100, .n_jobs = static_cast<int>(state.range(1)), .random_state = 1});
    forest.fit(X);
    oddkit::Vector out = xt::empty<double>({X.shape(0)});
    for (auto _ : state) {
        forest.score_samples(X, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<long>(X.shape(0)));
}
BENCHMARK(BM_IsolationForestScore)->Args({100000, 1})->Args({100000, -1})->Unit(benchmark::kMillisecond);

void BM_IsolationForestScoreOneRow(benchmark::State &state) {
    const auto X = gaussian(10000, 16);
    oddkit::IsolationForest forest({.n_estimators = 100, .random_state = 1});
    forest.fit(X);
    double out = 0;
    const oddkit::MatrixView row(X.data(), 1, 16);
    for (auto _ : state) {
        forest.score_samples(row, oddkit::OutputView(&out, 1));
        benchmark::DoNotOptimize(out);
    }
}
BENCHMARK(BM_IsolationForestScoreOneRow)->Unit(benchmark::kMicrosecond);

// Baseline: one pass summing every value of the same matrix.
void BM_BaselineReadRows(benchmark::State &state) {
    const auto X = gaussian(static_cast<std::size_t>(state.range(0)), 16);
    for (auto _ : state) {
        double sum = 0;
        for (double v : X) {
            sum += v;
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BaselineReadRows)->Arg(100000)->Unit(benchmark::kMillisecond);

} // namespace
