// Per-event latency of the full streaming pipeline (window aggregation, features, scoring)
// next to a plain-loop baseline that does only the bare window arithmetic by hand (an array of
// per-device sums, no names, no features, no detector): the difference is what the pipeline's
// generality costs. Each benchmark reports the mean per event (items/s) and, measured event by
// event, the median (p50_ns), the 99th percentile (p99_ns) and the mean cost of the events that
// close a window and so are scored (close_ns). Target: median under 10 us per event.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "oddkit/core/random.hpp"
#include "oddkit/detect/isolation_forest.hpp"
#include "oddkit/stream/half_space_trees.hpp"
#include "oddkit/stream/pipeline.hpp"
#include "oddkit/stream/running_zscore.hpp"

namespace {

constexpr std::int64_t s_ns = 1'000'000'000;
constexpr std::size_t n_devices = 100;

struct Events {
    std::vector<std::string> device;
    std::vector<std::int64_t> t;
    std::vector<double> values; // 2 per event
};

/// n events round-robin over the devices, one per device per second.
Events make_events(std::size_t n, std::uint64_t seed) {
    oddkit::Random rng(seed);
    Events e;
    for (std::size_t i = 0; i < n; ++i) {
        e.device.push_back("sensor-" + std::to_string(i % n_devices));
        e.t.push_back(static_cast<std::int64_t>(i / n_devices) * s_ns);
        e.values.push_back(20.0 + rng.normal());
        e.values.push_back(50.0 + 2.0 * rng.normal());
    }
    return e;
}

oddkit::PipelineParams params(std::optional<double> threshold) {
    oddkit::PipelineParams p;
    p.windows = {.window = 10 * s_ns,
                 .lateness = 2 * s_ns,
                 .fields = {{"temp", {oddkit::WindowAggregation::mean, oddkit::WindowAggregation::max}},
                            {"hum", {oddkit::WindowAggregation::mean}}}};
    p.features = {.aggregates = true, .lags = {1}, .rolling = {3}, .calendar = {"hour_sin", "hour_cos"}};
    p.threshold = threshold;
    return p;
}

std::shared_ptr<const oddkit::IsolationForest> fitted_forest() {
    oddkit::Pipeline collect(params(std::nullopt));
    const Events train = make_events(n_devices * 600, 7);
    std::vector<oddkit::Anomaly> out;
    for (std::size_t i = 0; i < train.t.size(); ++i) {
        collect.push(train.device[i], train.t[i], &train.values[2 * i], 2, out);
    }
    collect.flush(out);
    auto rows = collect.take_feature_rows();
    const std::size_t d = collect.feature_names().size();
    auto forest = std::make_shared<oddkit::IsolationForest>(oddkit::IsolationForestParams{.n_estimators = 100, .random_state = 1});
    forest->fit(oddkit::MatrixView(rows.values.data(), rows.values.size() / d, d));
    return forest;
}

/// Pushes the events through `pipe`, timing each push; one benchmark iteration = one pass.
void run_pipeline(benchmark::State &state, const std::function<oddkit::Pipeline()> &make) {
    const Events e = make_events(n_devices * 300, 3);
    const std::size_t n = e.t.size();
    std::vector<double> latency(n);
    std::vector<bool> closed(n);
    std::vector<oddkit::Anomaly> out;
    std::size_t anomalies = 0;
    for (auto _ : state) {
        state.PauseTiming();
        oddkit::Pipeline pipe = make();
        state.ResumeTiming();
        std::uint64_t windows = 0;
        anomalies = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const auto start = std::chrono::steady_clock::now();
            out.clear();
            pipe.push(e.device[i], e.t[i], &e.values[2 * i], 2, out);
            const auto stop = std::chrono::steady_clock::now();
            latency[i] = std::chrono::duration<double, std::nano>(stop - start).count();
            closed[i] = pipe.stats().windows_closed != windows;
            windows = pipe.stats().windows_closed;
            anomalies += out.size();
        }
    }
    double close_sum = 0.0, close_n = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        if (closed[i]) {
            close_sum += latency[i];
            close_n += 1.0;
        }
    }
    std::sort(latency.begin(), latency.end());
    state.counters["p50_ns"] = latency[n / 2];
    state.counters["p99_ns"] = latency[n * 99 / 100];
    state.counters["close_ns"] = close_n > 0 ? close_sum / close_n : 0.0;
    state.counters["anomalies"] = static_cast<double>(anomalies);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

void baseline_window_mean_loop(benchmark::State &state) {
    const Events e = make_events(n_devices * 300, 3);
    const std::size_t n = e.t.size();
    for (auto _ : state) {
        // Per device: the open window's start, sums and max; a window closes when an event of a
        // later window arrives (no lateness, no names: the bare arithmetic).
        std::vector<std::int64_t> start(n_devices, -1);
        std::vector<double> sum_t(n_devices), max_t(n_devices), sum_h(n_devices), count(n_devices);
        double total = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t d = i % n_devices;
            const std::int64_t w = e.t[i] / (10 * s_ns) * (10 * s_ns);
            if (w != start[d]) {
                if (count[d] > 0) {
                    total += sum_t[d] / count[d] + max_t[d] + sum_h[d] / count[d];
                }
                start[d] = w;
                sum_t[d] = sum_h[d] = count[d] = 0.0;
                max_t[d] = -1e300;
            }
            sum_t[d] += e.values[2 * i];
            max_t[d] = std::max(max_t[d], e.values[2 * i]);
            sum_h[d] += e.values[2 * i + 1];
            count[d] += 1.0;
        }
        benchmark::DoNotOptimize(total);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(baseline_window_mean_loop)->Unit(benchmark::kMillisecond);

void pipeline_isolation_forest(benchmark::State &state) {
    const auto forest = fitted_forest();
    run_pipeline(state, [&] { return oddkit::Pipeline(params(0.6), forest); });
}
BENCHMARK(pipeline_isolation_forest)->Unit(benchmark::kMillisecond);

void pipeline_running_zscore(benchmark::State &state) {
    run_pipeline(state, [] { return oddkit::Pipeline(params(6.0), oddkit::RunningZScore({.window = 50})); });
}
BENCHMARK(pipeline_running_zscore)->Unit(benchmark::kMillisecond);

void pipeline_half_space_trees(benchmark::State &state) {
    run_pipeline(state, [] {
        return oddkit::Pipeline(params(0.9), oddkit::HalfSpaceTrees({.n_trees = 25, .height = 8, .window_size = 50, .seed = 1}));
    });
}
BENCHMARK(pipeline_half_space_trees)->Unit(benchmark::kMillisecond);

void pipeline_features_only(benchmark::State &state) {
    run_pipeline(state, [] { return oddkit::Pipeline(params(std::nullopt)); });
}
BENCHMARK(pipeline_features_only)->Unit(benchmark::kMillisecond);

} // namespace
