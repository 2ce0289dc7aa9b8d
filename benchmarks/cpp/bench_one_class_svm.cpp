// One-Class SVM: the exp of the rbf kernel (vectorised vs a std::exp loop), scoring (the
// library vs a plain double loop over support vectors) and fit.

#include <cmath>
#include <vector>

#include <benchmark/benchmark.h>

#include <oddkit/oddkit.hpp>

namespace {

oddkit::Matrix gaussian(std::size_t n, std::size_t d, std::uint64_t seed) {
    oddkit::Random rng(seed);
    oddkit::Matrix X = xt::empty<double>({n, d});
    for (auto &v : X) {
        v = rng.normal();
    }
    return X;
}

std::vector<double> exp_arguments(std::size_t n) {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = -static_cast<double>(i % 997) * 0.02;
    }
    return x;
}

void BM_ExpStdLoop(benchmark::State &state) {
    const auto args = exp_arguments(static_cast<std::size_t>(state.range(0)));
    std::vector<double> x(args.size());
    for (auto _ : state) {
        for (std::size_t i = 0; i < x.size(); ++i) {
            x[i] = std::exp(args[i] * 0.5);
        }
        benchmark::DoNotOptimize(x.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ExpStdLoop)->Arg(65536);

void BM_ExpVector(benchmark::State &state) {
    const auto args = exp_arguments(static_cast<std::size_t>(state.range(0)));
    std::vector<double> x(args.size());
    for (auto _ : state) {
        x = args;
        oddkit::detail::exp_scaled_nonpositive(x.data(), x.size(), 0.5);
        benchmark::DoNotOptimize(x.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ExpVector)->Arg(65536);

oddkit::OneClassSVM fitted(std::size_t n) {
    oddkit::OneClassSVM svm({.nu = 0.1});
    svm.fit(gaussian(n, 16, 1));
    return svm;
}

void BM_OneClassSVMScorePlainLoop(benchmark::State &state) {
    const auto svm = fitted(2000);
    const auto X = gaussian(static_cast<std::size_t>(state.range(0)), 16, 2);
    const oddkit::Matrix V = svm.support_vectors();
    const double gamma = svm.gamma();
    std::vector<double> out(X.shape(0));
    for (auto _ : state) {
        for (std::size_t i = 0; i < X.shape(0); ++i) {
            double sum = 0.0;
            for (std::size_t t = 0; t < V.shape(0); ++t) {
                double dist = 0.0;
                for (std::size_t j = 0; j < 16; ++j) {
                    const double diff = X(i, j) - V(t, j);
                    dist += diff * diff;
                }
                sum += svm.dual_coef()[t] * std::exp(-gamma * dist);
            }
            out[i] = sum;
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_OneClassSVMScorePlainLoop)->Arg(20000)->Unit(benchmark::kMillisecond);

void BM_OneClassSVMScore(benchmark::State &state) {
    const auto svm = fitted(2000);
    const auto X = gaussian(static_cast<std::size_t>(state.range(0)), 16, 2);
    oddkit::Vector out = xt::empty<double>({X.shape(0)});
    for (auto _ : state) {
        svm.score_samples(X, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_OneClassSVMScore)->Arg(20000)->Unit(benchmark::kMillisecond);

void BM_OneClassSVMFit(benchmark::State &state) {
    const auto X = gaussian(static_cast<std::size_t>(state.range(0)), 16, 1);
    for (auto _ : state) {
        oddkit::OneClassSVM svm({.nu = 0.1});
        svm.fit(X);
        benchmark::DoNotOptimize(svm.n_support());
    }
}
BENCHMARK(BM_OneClassSVMFit)->Arg(2000)->Arg(5000)->Unit(benchmark::kMillisecond);

} // namespace
