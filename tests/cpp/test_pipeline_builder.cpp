// The streaming pipeline with a FeatureBuilder: incremental rows against FeatureBuilder::apply in
// batch over the same resampled frame, bit for bit, including across save/load.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "oddkit/oddkit.hpp"
#include "test_support.hpp"

using namespace oddkit;
using namespace oddkit::test;

namespace {



/// Every kind of feature the builder has, over columns a and b, with trailing windows of rows
/// and of time, each closed option and min_periods.
FeatureBuilder full_builder() {
    FeatureBuilder fb;
    fb.calendar().lag("a", {1, 3}).diff("a").diff("b", 2).product("a", "b").ratio("a", "b");
    fb.rolling("a", "4", {"mean", "sum", "std", "var", "min", "max", "median", "count"});
    fb.rolling("b", "3", {"mean", "std"}, {.min_periods = 1});
    fb.rolling("a", "5min", {"mean", "std", "sum", "max", "median", "count"});
    fb.rolling("b", "7min", {"mean", "var", "min"}, {.closed = Closed::left});
    fb.rolling("b", "3min", {"sum", "std"}, {.closed = Closed::both});
    fb.rolling("a", "4min", {"mean", "count"}, {.closed = Closed::neither});
    fb.rolling("b", "6", {"mean", "var", "min"}, {.min_periods = 2, .closed = Closed::left});
    return fb;
}

/// A frame of `n` rows at irregular multiples of a minute (gaps of 1-4 windows), a with a few
/// NaN values and repeated runs (and, when asked, +-inf), b with zeros (ratio NaN) and negatives.
struct RowsFrame {
    std::vector<std::int64_t> times;
    std::vector<double> values; // n x 2
};
RowsFrame random_frame(std::size_t n, std::uint64_t seed, bool infinities = false) {
    Random rng(seed);
    RowsFrame f;
    std::int64_t t = 1'704'060'000 * s_ns; // a Sunday evening, so days and weeks roll over
    t -= t % minute;
    for (std::size_t i = 0; i < n; ++i) {
        t += minute * static_cast<std::int64_t>(1 + rng.below(4));
        f.times.push_back(t);
        double a = 100.0 + 10.0 * rng.normal();
        double b = rng.normal();
        if (rng.below(17) == 0) a = nan_v;
        if (i > 0 && rng.below(9) == 0) a = f.values[2 * (i - 1)]; // repeated value
        if (infinities && rng.below(23) == 0) a = rng.below(2) == 0 ? inf_v : -inf_v;
        if (rng.below(13) == 0) b = 0.0;
        f.values.push_back(a);
        f.values.push_back(b);
    }
    return f;
}

/// Counts the values compared and the finite ones, so a test can show it compared something.
struct Compared {
    std::size_t values = 0, finite = 0;
};

void check_rows_equal(const double *got, const double *expected, std::size_t n, const std::vector<std::string> &names,
                      std::size_t row, Compared &seen) {
    for (std::size_t k = 0; k < n; ++k) {
        ++seen.values;
        seen.finite += std::isfinite(expected[k]);
        if (!same_bits(got[k], expected[k])) {
            FAIL_CHECK("row " << row << " feature " << names[k] << ": " << got[k] << " != " << expected[k]);
        }
    }
}

} // namespace

TEST_CASE("incremental features: every FeatureBuilder feature equals the batch apply bit for bit") {
    const FeatureBuilder fb = full_builder();
    const std::vector<std::string> columns{"a", "b"};
    const IncrementalFeatureBuilder inc(fb, columns, minute);
    CHECK(inc.names() == fb.feature_names());
    CHECK(inc.history() == 8); // 7min / 1min + 1
    Compared seen;
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        const RowsFrame f = random_frame(400, seed, seed == 3); // +-inf is missing in both
        const std::size_t n = f.times.size();
        const FeatureMatrix batch = fb.apply(f.times.data(), n, columns, MatrixView(f.values.data(), n, 2));
        auto state = inc.new_state();
        std::vector<double> row(inc.size());
        for (std::size_t i = 0; i < n; ++i) {
            // Save and restore the state at some rows: the JSON text must carry it exactly.
            if (i % 97 == 5) {
                state = inc.state_from_json(Json::parse(inc.state_to_json(state).dump()));
            }
            inc.compute(state, f.times[i], f.values.data() + 2 * i, row.data());
            check_rows_equal(row.data(), &batch.values(i, 0), row.size(), inc.names(), i, seen);
        }
    }
    CHECK(seen.values == 3 * 400 * inc.size());
    CHECK(seen.finite > seen.values * 3 / 4);
}

TEST_CASE("incremental features: the running sums restart at the batch's restart rows") {
    // Past detail::restart_period rows the batch rebuilds its running sums from the window's
    // values; the stream must do the same at the same row to stay equal bit for bit.
    FeatureBuilder fb;
    fb.rolling("a", "9", {"mean", "var"});
    fb.rolling("a", "30min", {"sum", "std"});
    fb.rolling("b", "20min", {"mean"}, {.closed = Closed::left});
    const std::vector<std::string> columns{"a", "b"};
    const IncrementalFeatureBuilder inc(fb, columns, minute);
    const RowsFrame f = random_frame(detail::restart_period + 300, 5, true);
    const std::size_t n = f.times.size();
    const FeatureMatrix batch = fb.apply(f.times.data(), n, columns, MatrixView(f.values.data(), n, 2));
    auto state = inc.new_state();
    std::vector<double> row(inc.size());
    Compared seen;
    for (std::size_t i = 0; i < n; ++i) {
        inc.compute(state, f.times[i], f.values.data() + 2 * i, row.data());
        if (i + 2000 >= detail::restart_period) { // the rows around and after the restart
            check_rows_equal(row.data(), &batch.values(i, 0), row.size(), inc.names(), i, seen);
        }
    }
    CHECK(seen.values == (n - (detail::restart_period - 2000)) * inc.size());
    CHECK(seen.finite > seen.values / 2);
}

TEST_CASE("incremental features: refuses what needs later windows or unknown columns") {
    const std::vector<std::string> columns{"temp_mean", "temp_max"};
    CHECK_THROWS_WITH_AS(IncrementalFeatureBuilder(FeatureBuilder().lag("temp_mean", {-1}), columns, minute),
                         doctest::Contains("builder"), InvalidArgument);
    CHECK_THROWS_WITH_AS(IncrementalFeatureBuilder(FeatureBuilder().diff("temp_max", -2), columns, minute),
                         doctest::Contains("later windows"), InvalidArgument);
    CHECK_THROWS_WITH_AS(
        IncrementalFeatureBuilder(FeatureBuilder().rolling("temp_mean", "3", {"mean"}, {.center = true}), columns, minute),
        doctest::Contains("centred"), InvalidArgument);
    CHECK_THROWS_WITH_AS(IncrementalFeatureBuilder(FeatureBuilder().lag("temp", {1}), columns, minute),
                         doctest::Contains("needs column 'temp'"), InvalidArgument);
    CHECK_THROWS_WITH_AS(IncrementalFeatureBuilder(FeatureBuilder().rolling("temp_mean", "200d", {"mean"}), columns, minute),
                         doctest::Contains("reaches back"), InvalidArgument);
    CHECK_THROWS_WITH_AS(IncrementalFeatureBuilder(FeatureBuilder(), columns, minute), doctest::Contains("builder"),
                         InvalidArgument);
}

namespace {

struct DeviceEvent {
    std::string device;
    std::int64_t t;
    double temp, hum;
};

/// 3 devices, an event every 5 s (some devices skip minutes, so rows are irregular); temp +12
/// in the planted (device, minute) pairs.
std::vector<DeviceEvent> sensor_stream(int minutes, const std::set<std::pair<int, int>> &planted, std::uint64_t seed) {
    Random rng(seed);
    std::vector<DeviceEvent> out;
    const std::int64_t start = 1'704'067'200 * s_ns;
    for (int k = 0; k < minutes * 12; ++k) {
        for (int d = 0; d < 3; ++d) {
            const int m = k / 12;
            if (d == 2 && m % 7 == 3) continue; // device 2 is silent one minute in seven
            DeviceEvent e{"dev" + std::to_string(d), start + k * 5 * s_ns, 20.0 + rng.normal(), 50.0 + 2.0 * rng.normal()};
            if (planted.count({d, m}) != 0) e.temp += 12.0;
            out.push_back(e);
        }
    }
    return out;
}

PipelineParams builder_params(bool with_builder, std::optional<double> threshold = std::nullopt) {
    PipelineParams p;
    p.windows = {.window = minute,
                 .lateness = 10 * s_ns,
                 .fields = {{"temp", {WindowAggregation::mean, WindowAggregation::max}}, {"hum", {WindowAggregation::mean}}}};
    p.features = {.aggregates = true};
    if (with_builder) {
        FeatureBuilder fb;
        fb.calendar({"hour_sin", "hour_cos", "day_of_week"}).lag("temp_mean", {1, 2}).diff("temp_max");
        fb.rolling("temp_mean", "5", {"mean", "std"}).rolling("hum_mean", "10min", {"mean", "max", "median"});
        fb.ratio("temp_max", "temp_mean").product("temp_mean", "hum_mean");
        p.builder = fb;
    }
    p.threshold = threshold;
    return p;
}

std::vector<Anomaly> run_events(Pipeline &p, const std::vector<DeviceEvent> &events, std::size_t begin, std::size_t end) {
    std::vector<Anomaly> out;
    for (std::size_t i = begin; i < end; ++i) {
        const double v[2] = {events[i].temp, events[i].hum};
        p.push(events[i].device, events[i].t, v, 2, out);
    }
    return out;
}

} // namespace

TEST_CASE("pipeline with a FeatureBuilder: rows equal the builder applied to the resampled frame") {
    const auto events = sensor_stream(90, {}, 5);
    // The resampled frame of each device: a pipeline with the aggregates alone.
    Pipeline frame_pipe(builder_params(false));
    run_events(frame_pipe, events, 0, events.size());
    frame_pipe.flush();
    const auto frame = frame_pipe.take_feature_rows();
    // The pipeline with the builder, saved and restored once mid-stream.
    Pipeline first(builder_params(true));
    run_events(first, events, 0, events.size() / 3);
    Pipeline pipe = Pipeline::from_document(decode_document(encode_document(first.to_document(), Encoding::cbor)));
    CHECK(pipe.to_document() == first.to_document());
    auto tail = run_events(pipe, events, events.size() / 3, events.size());
    pipe.flush(tail);
    CHECK(tail.empty());
    auto rows = first.take_feature_rows();
    const auto rest = pipe.take_feature_rows();
    rows.device.insert(rows.device.end(), rest.device.begin(), rest.device.end());
    rows.window_start.insert(rows.window_start.end(), rest.window_start.begin(), rest.window_start.end());
    rows.values.insert(rows.values.end(), rest.values.begin(), rest.values.end());

    const std::size_t m = 3;
    const auto &names = pipe.feature_names();
    REQUIRE(names.size() == m + builder_params(true).builder->size());
    const FeatureBuilder fb = *builder_params(true).builder;
    const std::vector<std::string> columns = pipe.aggregate_names();
    std::size_t compared = 0;
    Compared seen;
    for (const std::string device : {"dev0", "dev1", "dev2"}) {
        std::vector<std::int64_t> times;
        std::vector<double> X;
        for (std::size_t i = 0; i < frame.device.size(); ++i) {
            if (frame.device[i] == device) {
                times.push_back(frame.window_start[i]);
                X.insert(X.end(), frame.values.begin() + static_cast<std::ptrdiff_t>(i * m),
                         frame.values.begin() + static_cast<std::ptrdiff_t>((i + 1) * m));
            }
        }
        const FeatureMatrix batch = fb.apply(times.data(), times.size(), columns, MatrixView(X.data(), times.size(), m));
        std::map<std::int64_t, std::size_t> row_of;
        for (std::size_t i = 0; i < times.size(); ++i) row_of[times[i]] = i;
        std::size_t complete = 0;
        for (std::size_t i = 0; i < times.size(); ++i) {
            bool finite = true;
            for (std::size_t k = 0; k < fb.size(); ++k) finite = finite && std::isfinite(batch.values(i, k));
            complete += finite;
        }
        std::size_t emitted = 0;
        for (std::size_t r = 0; r < rows.device.size(); ++r) {
            if (rows.device[r] != device) continue;
            ++emitted;
            const std::size_t i = row_of.at(rows.window_start[r]);
            const double *got = rows.values.data() + r * names.size();
            for (std::size_t j = 0; j < m; ++j) CHECK(got[j] == X[i * m + j]);
            check_rows_equal(got + m, &batch.values(i, 0), fb.size(),
                             std::vector<std::string>(names.begin() + m, names.end()), i, seen);
            ++compared;
        }
        CHECK(emitted == complete); // exactly the rows whose batch features are all finite
    }
    CHECK(compared > 200);
    CHECK(seen.finite == seen.values); // complete rows only
}

TEST_CASE("pipeline with a FeatureBuilder: anomalies name builder features as drivers; restart is exact") {
    const std::set<std::pair<int, int>> planted{{0, 40}, {1, 70}};
    const auto events = sensor_stream(100, planted, 8);
    auto make = [] { return Pipeline(builder_params(true, 6.0), RunningZScore()); };
    Pipeline whole = make();
    auto all = run_events(whole, events, 0, events.size());
    whole.flush(all);
    std::set<std::pair<int, int>> reported;
    bool builder_driver = false;
    for (const auto &a : all) {
        reported.insert({a.device.back() - '0', static_cast<int>((a.window_start - events[0].t) / minute)});
        REQUIRE(!a.drivers.empty());
        builder_driver = builder_driver || a.drivers[0].feature >= 3;
    }
    for (const auto &p : planted) CHECK(reported.count(p) == 1);
    CHECK(builder_driver);
    for (std::size_t cut : {std::size_t{7}, events.size() / 2}) {
        Pipeline first = make();
        auto got = run_events(first, events, 0, cut);
        Pipeline resumed = Pipeline::from_document(Json::parse(first.to_document().dump()));
        auto after = run_events(resumed, events, cut, events.size());
        resumed.flush(after);
        got.insert(got.end(), after.begin(), after.end());
        REQUIRE(got.size() == all.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            CHECK(got[i].score == all[i].score);
            CHECK(got[i].features == all[i].features);
        }
        CHECK(resumed.to_document() == whole.to_document());
    }
}

TEST_CASE("pipeline with a FeatureBuilder: bad builders and corrupted states") {
    PipelineParams p = builder_params(true);
    p.features = {.aggregates = false}; // the builder alone is enough
    CHECK_NOTHROW(Pipeline{p});
    p.builder = FeatureBuilder().lag("pressure_mean", {1});
    CHECK_THROWS_WITH_AS(Pipeline{p}, doctest::Contains("pressure_mean"), InvalidArgument);
    p = builder_params(true);
    p.features.calendar = {"hour_sin"}; // the builder makes hour_sin too
    CHECK_THROWS_WITH_AS(Pipeline{p}, doctest::Contains("hour_sin"), InvalidArgument);
    p = builder_params(false);
    p.features = {.aggregates = false};
    CHECK_THROWS_AS(Pipeline{p}, InvalidArgument); // no feature at all

    const auto events = sensor_stream(20, {}, 2);
    Pipeline pipe(builder_params(true));
    run_events(pipe, events, 0, events.size());
    const Json doc = pipe.to_document();
    auto edited = [&](auto change) {
        Json d = doc;
        change(d["state"]["devices"][0]["builder"]);
        return make_document("Pipeline", Pipeline::format_version, d["params"], d["state"]);
    };
    CHECK_NOTHROW(Pipeline::from_document(edited([](Json &) {})));
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &b) { b["times"][1] = b["times"][0]; })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &b) { b["values"][0].erase(0); })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &b) { b["start"][0] = 0; })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &b) { b["sums"][0][4] = 1000; })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &b) { b["sums"][0][4] = "x"; })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &b) { b["moments"] = Json::array(); })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &b) { b.erase("rows"); })), FormatError);
}
