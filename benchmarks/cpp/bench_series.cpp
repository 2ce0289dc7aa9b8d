// Time-based rolling windows and resampling, each next to a plain-loop baseline that reads the
// same arrays once with the bare arithmetic (a two-pointer sliding sum; a per-bin sum), so the
// gap between the two is what the library's semantics (compensation, NaN, min_periods) and
// its plumbing cost.

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "oddkit/core/random.hpp"
#include "oddkit/series/resample.hpp"
#include "oddkit/series/rolling.hpp"

namespace {

constexpr std::int64_t second = 1'000'000'000;
constexpr std::int64_t hour = 3600 * second;

/// Timestamps 1-2 s apart (about 2,400 rows per hour) and normal values with 1% NaN.
struct SensorData {
    std::vector<std::int64_t> times;
    std::vector<double> values;
};

SensorData sensor_data(std::size_t n, bool with_nan = true) {
    oddkit::Random rng(3);
    SensorData d;
    d.times.resize(n);
    d.values.resize(n);
    std::int64_t t = 1'700'000'000 * second;
    for (std::size_t i = 0; i < n; ++i) {
        t += rng.uniform() < 0.5 ? second : 2 * second;
        d.times[i] = t;
        d.values[i] = (with_nan && rng.uniform() < 0.01) ? std::nan("") : rng.normal();
    }
    return d;
}

void baseline_sliding_sum_loop(benchmark::State &state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto d = sensor_data(n, false);
    std::vector<double> out(n);
    for (auto _ : state) {
        double sum = 0.0;
        std::size_t s = 0;
        for (std::size_t i = 0; i < n; ++i) {
            sum += d.values[i];
            const std::int64_t lower = d.times[i] - hour;
            while (d.times[s] <= lower) sum -= d.values[s++];
            out[i] = sum / static_cast<double>(i + 1 - s);
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(baseline_sliding_sum_loop)->Arg(1 << 20);

void window_bounds_time(benchmark::State &state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto d = sensor_data(n);
    const auto w = oddkit::RollingWindow::duration(hour);
    for (auto _ : state) {
        auto b = oddkit::window_bounds(d.times.data(), n, w);
        benchmark::DoNotOptimize(b.start.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(window_bounds_time)->Arg(1 << 20);

template <class Stat> void rolling_time(benchmark::State &state, Stat stat) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto d = sensor_data(n);
    const auto w = oddkit::RollingWindow::duration(hour);
    std::vector<double> out(n);
    for (auto _ : state) {
        stat(d.times.data(), oddkit::VectorView(d.values.data(), n), w, oddkit::OutputView(out.data(), n));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

void rolling_mean_1h(benchmark::State &state) {
    rolling_time(state, [](const std::int64_t *t, const oddkit::VectorView &x, const oddkit::RollingWindow &w,
                           oddkit::OutputView o) {
        oddkit::rolling_mean(oddkit::window_bounds(t, x.size, w), x, o);
    });
}
BENCHMARK(rolling_mean_1h)->Arg(1 << 20);

void rolling_mean_1h_one_pass(benchmark::State &state) {
    rolling_time(state, [](const std::int64_t *t, const oddkit::VectorView &x, const oddkit::RollingWindow &w,
                           oddkit::OutputView o) { oddkit::rolling_into(t, w, {}, oddkit::RollingStat::parse("mean"), x, o); });
}
BENCHMARK(rolling_mean_1h_one_pass)->Arg(1 << 20);

void rolling_var_1h_one_pass(benchmark::State &state) {
    rolling_time(state, [](const std::int64_t *t, const oddkit::VectorView &x, const oddkit::RollingWindow &w,
                           oddkit::OutputView o) { oddkit::rolling_into(t, w, {}, oddkit::RollingStat::parse("var"), x, o); });
}
BENCHMARK(rolling_var_1h_one_pass)->Arg(1 << 20);

void rolling_max_1h_one_pass(benchmark::State &state) {
    rolling_time(state, [](const std::int64_t *t, const oddkit::VectorView &x, const oddkit::RollingWindow &w,
                           oddkit::OutputView o) { oddkit::rolling_into(t, w, {}, oddkit::RollingStat::parse("max"), x, o); });
}
BENCHMARK(rolling_max_1h_one_pass)->Arg(1 << 20);

void rolling_var_1h(benchmark::State &state) {
    rolling_time(state, [](const std::int64_t *t, const oddkit::VectorView &x, const oddkit::RollingWindow &w,
                           oddkit::OutputView o) {
        oddkit::rolling_var(oddkit::window_bounds(t, x.size, w), x, o);
    });
}
BENCHMARK(rolling_var_1h)->Arg(1 << 20);

void rolling_max_1h(benchmark::State &state) {
    rolling_time(state, [](const std::int64_t *t, const oddkit::VectorView &x, const oddkit::RollingWindow &w,
                           oddkit::OutputView o) {
        oddkit::rolling_max(oddkit::window_bounds(t, x.size, w), x, o);
    });
}
BENCHMARK(rolling_max_1h)->Arg(1 << 20);

constexpr std::size_t resample_columns = 4;
constexpr std::int64_t minute = 60 * second;

void baseline_bin_sum_loop(benchmark::State &state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto d = sensor_data(n, false);
    const std::int64_t origin = d.times[0] - d.times[0] % minute;
    const auto nbins = static_cast<std::size_t>((d.times[n - 1] - origin) / minute + 1);
    std::vector<double> out(nbins * resample_columns);
    for (auto _ : state) {
        std::size_t i = 0;
        for (std::size_t b = 0; b < nbins; ++b) {
            const std::int64_t upper = origin + static_cast<std::int64_t>(b + 1) * minute;
            const std::size_t begin = i;
            while (i < n && d.times[i] < upper) ++i;
            for (std::size_t c = 0; c < resample_columns; ++c) {
                double sum = 0.0;
                for (std::size_t j = begin; j < i; ++j) sum += d.values[j];
                out[c * nbins + b] = sum / static_cast<double>(i - begin);
            }
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(baseline_bin_sum_loop)->Arg(1 << 20);

void resample_1min_mean_4_columns(benchmark::State &state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto d = sensor_data(n, false);
    oddkit::ResampleParams p;
    p.rule = "1min";
    const auto agg = oddkit::Aggregation::parse("mean");
    for (auto _ : state) {
        const oddkit::Bins bins = oddkit::make_bins(std::span<const std::int64_t>(d.times.data(), n), p);
        std::vector<double> out(bins.size() * resample_columns);
        for (std::size_t c = 0; c < resample_columns; ++c) {
            oddkit::aggregate_into(d.values.data(), bins, agg, out.data() + c * bins.size());
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(resample_1min_mean_4_columns)->Arg(1 << 20);

} // namespace
