#include <doctest/doctest.h>

#include <cmath>
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


struct ClosedRecord {
    std::int64_t start;
    std::uint64_t n;
    std::vector<double> agg;
};

WindowSpec hand_spec() {
    return {.window = 10,
            .lateness = 5,
            .fields = {{"v", {WindowAggregation::mean, WindowAggregation::min, WindowAggregation::max, WindowAggregation::first,
                              WindowAggregation::last, WindowAggregation::count, WindowAggregation::sum}}}};
}

/// A sensor stream: `devices` devices, one event every 5 s for `minutes` minutes, fields
/// temp ~ N(20, 1) and hum ~ N(50, 2); in (device, minute) pairs of `planted`, temp is +12.
struct Event {
    std::string device;
    std::int64_t t;
    double temp, hum;
};
std::vector<Event> sensor_stream(int devices, int minutes, const std::set<std::pair<int, int>> &planted,
                                 std::uint64_t seed, std::int64_t origin = 1'704'067'200 * s_ns) {
    Random rng(seed);
    std::vector<Event> out;
    for (int k = 0; k < minutes * 12; ++k) {
        for (int d = 0; d < devices; ++d) {
            Event e{"dev" + std::to_string(d), origin + k * 5 * s_ns, 20.0 + rng.normal(), 50.0 + 2.0 * rng.normal()};
            if (planted.count({d, k / 12}) != 0) {
                e.temp += 12.0;
            }
            out.push_back(e);
        }
    }
    return out;
}

PipelineParams sensor_params(std::optional<double> threshold) {
    PipelineParams p;
    p.windows = {.window = 60 * s_ns,
                 .lateness = 10 * s_ns,
                 .fields = {{"temp", {WindowAggregation::mean, WindowAggregation::max}}, {"hum", {WindowAggregation::mean}}}};
    p.features = {.aggregates = true, .lags = {1}, .rolling = {3}, .calendar = {"hour_sin", "hour_cos"}};
    p.threshold = threshold;
    return p;
}

std::vector<Anomaly> run(Pipeline &p, const std::vector<Event> &events, std::size_t begin, std::size_t end) {
    std::vector<Anomaly> out;
    for (std::size_t i = begin; i < end; ++i) {
        const double v[2] = {events[i].temp, events[i].hum};
        p.push(events[i].device, events[i].t, v, 2, out);
    }
    return out;
}

void check_same(const std::vector<Anomaly> &a, const std::vector<Anomaly> &b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].device == b[i].device);
        CHECK(a[i].window_start == b[i].window_start);
        CHECK(a[i].n_events == b[i].n_events);
        CHECK(a[i].score == b[i].score); // bit-identical
        CHECK(a[i].features == b[i].features);
        REQUIRE(a[i].drivers.size() == b[i].drivers.size());
        for (std::size_t j = 0; j < a[i].drivers.size(); ++j) {
            CHECK(a[i].drivers[j].feature == b[i].drivers[j].feature);
            CHECK(a[i].drivers[j].weight == b[i].drivers[j].weight);
        }
    }
}

} // namespace

TEST_CASE("pipeline: window resampler, hand-computed windows, watermark and late events") {
    const WindowSpec spec = hand_spec();
    spec.validate();
    WindowResampler r;
    std::vector<ClosedRecord> closed;
    auto emit = [&](const ClosedWindow &w) {
        CHECK(w.end == w.start + 10);
        closed.push_back({w.start, w.n_events, w.aggregates});
    };
    auto add = [&](std::int64_t t, double v) {
        const bool ok = r.add(spec, t, &v);
        r.close_ready(spec, emit);
        return ok;
    };
    CHECK(add(1, 1.0));
    CHECK(r.watermark() == -4);
    CHECK(add(4, 3.0));
    CHECK(add(12, 10.0)); // watermark 7: [0, 10) stays open
    CHECK(r.watermark() == 7);
    CHECK(closed.empty());
    CHECK(add(8, 5.0));   // out of order but not late: 8 >= 7
    CHECK(r.open_windows() == 2);
    CHECK(add(16, 2.0));  // watermark 11 closes [0, 10)
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].start == 0);
    CHECK(closed[0].n == 3);
    // mean, min, max, first (t=1), last (t=8, arrived after t=12), count, sum
    CHECK(closed[0].agg == std::vector<double>{3.0, 1.0, 5.0, 1.0, 5.0, 3.0, 9.0});
    CHECK_FALSE(add(9, 100.0)); // 9 < watermark 11: late, changes nothing
    CHECK_FALSE(add(10, 100.0)); // 10 < 11 too, although [10, 20) is open
    CHECK(add(11, 4.0));
    CHECK(add(-3, 0.0) == false);
    CHECK(add(25, 7.0)); // watermark 20 closes [10, 20)
    REQUIRE(closed.size() == 2);
    CHECK(closed[1].start == 10);
    CHECK(closed[1].agg == std::vector<double>{16.0 / 3.0, 2.0, 10.0, 4.0, 2.0, 3.0, 16.0});
    r.close_all(spec, emit);
    REQUIRE(closed.size() == 3);
    CHECK(closed[2].start == 20);
    CHECK(closed[2].agg[0] == 7.0);
    CHECK_FALSE(add(29, 1.0)); // inside a flushed window: late
    CHECK(add(30, 1.0));

    SUBCASE("negative times floor to their window") {
        CHECK(window_start(-1, 10) == -10);
        CHECK(window_start(-10, 10) == -10);
        CHECK(window_start(9, 10) == 0);
    }
}

TEST_CASE("pipeline: a field without values aggregates to NaN (count and sum 0)") {
    const WindowSpec spec = hand_spec();
    WindowResampler r;
    const double v = nan_v;
    r.add(spec, 3, &v);
    std::vector<double> agg;
    r.close_all(spec, [&](const ClosedWindow &w) { agg = w.aggregates; });
    REQUIRE(agg.size() == 7);
    CHECK(std::isnan(agg[0]));
    CHECK(std::isnan(agg[1]));
    CHECK(agg[5] == 0.0);
    CHECK(agg[6] == 0.0);
}

TEST_CASE("pipeline: features: lags, rolling mean/std and calendar, hand-computed") {
    FeatureSpec spec{.aggregates = true, .lags = {1, 2}, .rolling = {3}, .calendar = {"hour", "day_of_week", "hour_sin", "day_of_week_cos"}};
    spec.validate();
    CHECK(spec.history() == 2);
    const auto names = spec.names({"a"});
    CHECK(names == std::vector<std::string>{"a", "a_lag1", "a_lag2", "a_rolling_mean_3", "a_rolling_std_3", "hour",
                                            "day_of_week", "hour_sin", "day_of_week_cos"});
    WindowFeatures f;
    const std::int64_t monday_13h = (1'704'067'200 + 13 * 3600) * s_ns; // 2024-01-01 13:00 UTC, a Monday
    std::vector<double> row(names.size());
    const double values[] = {1.0, 2.0, 4.0, 8.0};
    std::vector<std::vector<double>> rows;
    for (int i = 0; i < 4; ++i) {
        f.compute(spec, 1, monday_13h + i * 24 * 3600 * s_ns, &values[i], row.data());
        rows.push_back(row);
    }
    CHECK(rows[0][0] == 1.0);
    CHECK(std::isnan(rows[0][1]));
    CHECK(std::isnan(rows[1][2]));
    CHECK(rows[1][1] == 1.0);
    CHECK(std::isnan(rows[1][3]));
    CHECK(rows[2][1] == 2.0);
    CHECK(rows[2][2] == 1.0);
    CHECK(rows[2][3] == doctest::Approx(7.0 / 3.0).epsilon(1e-15));
    // sample std of {1, 2, 4}: sqrt(((1-7/3)^2 + (2-7/3)^2 + (4-7/3)^2) / 2) = sqrt(7/3)
    CHECK(rows[2][4] == doctest::Approx(std::sqrt(7.0 / 3.0)).epsilon(1e-15));
    CHECK(rows[3][3] == doctest::Approx(14.0 / 3.0).epsilon(1e-15));
    CHECK(rows[0][5] == 13.0);
    CHECK(rows[0][6] == 0.0); // Monday
    CHECK(rows[3][6] == 3.0); // Thursday
    CHECK(rows[0][7] == doctest::Approx(std::sin(2 * M_PI * 13 / 24)));
    CHECK(rows[3][8] == doctest::Approx(std::cos(2 * M_PI * 3 / 7)));
    CHECK(f.size() == 2);
    // The history round-trips.
    WindowFeatures g = WindowFeatures::from_json(f.to_json(1), spec, 1);
    std::vector<double> r1(names.size()), r2(names.size());
    const double next = 16.0;
    f.compute(spec, 1, monday_13h, &next, r1.data());
    g.compute(spec, 1, monday_13h, &next, r2.data());
    CHECK(r1 == r2);
}

TEST_CASE("pipeline: stats count every event; NaN and unknown fields are counted and skipped") {
    PipelineParams p = sensor_params(3.0);
    Pipeline pipe(p, RunningZScore());
    CHECK(pipe.feature_names().size() == 3 + 3 + 6 + 2);
    std::vector<Anomaly> out;
    pipe.push_named("a", 0, std::map<std::string, double>{{"temp", 20.0}, {"hum", nan_v}, {"wind", 3.0}}, out);
    pipe.push_named("a", s_ns, std::vector<std::pair<std::string, double>>{{"temp", HUGE_VAL}}, out);
    const double v[2] = {21.0, 50.0};
    pipe.push("a", 2 * s_ns, v, 2, out);
    pipe.push("b", 2 * s_ns, v, 2, out);
    pipe.push("a", 100 * s_ns, v, 2, out); // watermark 90 s closes [0, 60 s)
    pipe.push("a", 70 * s_ns, v, 2, out);  // late: 70 < 90
    const auto &st = pipe.stats();
    CHECK(st.events == 6);
    CHECK(st.events_accepted == 5);
    CHECK(st.events_late == 1);
    CHECK(pipe.late_events("a") == 1);
    CHECK(pipe.late_events("b") == 0);
    CHECK(st.values_non_finite == 2);
    CHECK(st.values_unknown_field == 1);
    CHECK(st.devices == 2);
    CHECK(st.windows_closed == 1);
    CHECK(st.events_windowed == 3);
    CHECK(st.windows_incomplete == 1); // no lag yet
    pipe.flush(out);
    CHECK(pipe.stats().events_windowed == pipe.stats().events_accepted);
    CHECK(pipe.stats().windows_closed == 3);
    CHECK(pipe.devices() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("pipeline: max_devices skips and counts events of new devices") {
    PipelineParams p = sensor_params(3.0);
    p.max_devices = 2;
    Pipeline pipe(p, RunningZScore());
    const double v[2] = {21.0, 50.0};
    std::vector<Anomaly> out;
    pipe.push("a", 0, v, 2, out);
    pipe.push("b", 0, v, 2, out);
    pipe.push("c", 0, v, 2, out);
    pipe.push("a", s_ns, v, 2, out);
    CHECK(pipe.stats().events_rejected_device_limit == 1);
    CHECK(pipe.stats().events_accepted == 3);
    CHECK(pipe.devices().size() == 2);
}

TEST_CASE("pipeline: end to end with an online detector reports the planted anomalies") {
    const std::set<std::pair<int, int>> planted{{1, 50}, {2, 90}, {0, 120}};
    const auto events = sensor_stream(3, 150, planted, 3);
    // No calendar features: a z-score of a feature that was constant so far is infinite.
    PipelineParams params = sensor_params(8.0);
    params.features.calendar.clear();
    Pipeline pipe(params, RunningZScore());
    auto found = run(pipe, events, 0, events.size());
    pipe.flush(found);
    std::set<std::pair<int, int>> reported;
    for (const auto &a : found) {
        reported.insert({a.device.back() - '0', static_cast<int>((a.window_start - events[0].t) / (60 * s_ns))});
        CHECK(a.window_end - a.window_start == 60 * s_ns);
        CHECK(a.n_events == 12);
        CHECK(a.score > 8.0);
        REQUIRE(a.drivers.size() == 3);
        CHECK(a.drivers[0].weight >= a.drivers[1].weight);
    }
    for (const auto &pl : planted) {
        CHECK(reported.count(pl) == 1);
    }
    // The planted window itself is driven by temperature.
    for (const auto &a : found) {
        const int minute = static_cast<int>((a.window_start - events[0].t) / (60 * s_ns));
        if (planted.count({a.device.back() - '0', minute})) {
            const auto &name = pipe.feature_names()[a.drivers[0].feature];
            CHECK(name.rfind("temp", 0) == 0);
        }
    }
    CHECK(found.size() <= 4 * planted.size()); // at most the lag and rolling windows after each plant
    const auto &st = pipe.stats();
    CHECK(st.events == events.size());
    CHECK(st.events_windowed == events.size());
    CHECK(st.windows_closed == 3 * 150);
    CHECK(st.windows_scored + st.windows_incomplete == st.windows_closed);
    CHECK(st.windows_incomplete == 3 * 2); // rolling 3 needs two earlier windows
}

TEST_CASE("pipeline: IsolationForest fitted on collected rows; drivers from feature_attributions") {
    const auto train = sensor_stream(3, 200, {}, 1);
    Pipeline collect(sensor_params(std::nullopt));
    run(collect, train, 0, train.size());
    collect.flush();
    FeatureRows rows = collect.take_feature_rows();
    const std::size_t d = collect.feature_names().size();
    REQUIRE(rows.values.size() == (3 * 200 - 6) * d);
    auto forest = std::make_shared<IsolationForest>(IsolationForestParams{.n_estimators = 100, .random_state = 5});
    forest->fit(MatrixView(rows.values.data(), rows.values.size() / d, d));

    const std::set<std::pair<int, int>> planted{{1, 40}, {2, 70}};
    const auto events = sensor_stream(3, 100, planted, 9);
    Pipeline pipe(sensor_params(0.62), forest);
    auto found = run(pipe, events, 0, events.size());
    pipe.flush(found);
    std::set<std::pair<int, int>> reported;
    for (const auto &a : found) {
        const int minute = static_cast<int>((a.window_start - events[0].t) / (60 * s_ns));
        reported.insert({a.device.back() - '0', minute});
        REQUIRE(!a.drivers.empty());
        double total = 0;
        for (const auto &c : a.drivers) {
            total += c.weight;
        }
        CHECK(total <= 1.0 + 1e-12);
        if (planted.count({a.device.back() - '0', minute})) {
            CHECK(pipe.feature_names()[a.drivers[0].feature].rfind("temp", 0) == 0);
        }
    }
    for (const auto &pl : planted) {
        CHECK(reported.count(pl) == 1);
    }
    CHECK(found.size() <= 4 * planted.size());

    SUBCASE("the default threshold is the forest's own (-offset)") {
        Pipeline own(sensor_params(std::nullopt), forest);
        CHECK(own.threshold() == -forest->offset());
    }
}

TEST_CASE("pipeline: save and restore mid-stream continues bit-identically") {
    const auto events = sensor_stream(4, 60, {{1, 30}, {3, 45}}, 11);
    auto check = [&](auto make, std::size_t cut) {
        Pipeline whole = make();
        auto all = run(whole, events, 0, events.size());
        whole.flush(all);
        Pipeline first = make();
        auto before = run(first, events, 0, cut);
        const auto bytes = encode_document(first.to_document(), Encoding::cbor);
        Pipeline resumed = Pipeline::from_document(decode_document(bytes));
        // JSON text round-trips too.
        Pipeline resumed_json = Pipeline::from_document(Json::parse(first.to_document().dump()));
        auto after = run(resumed, events, cut, events.size());
        resumed.flush(after);
        auto after_json = run(resumed_json, events, cut, events.size());
        resumed_json.flush(after_json);
        before.insert(before.end(), after.begin(), after.end());
        check_same(before, all);
        check_same(after, after_json);
        CHECK(resumed.to_document() == whole.to_document());
    };
    auto threshold = -std::numeric_limits<double>::infinity(); // report every scored window
    for (std::size_t cut : {std::size_t{5}, std::size_t{997}, events.size() / 2 + 3}) {
        CAPTURE(cut);
        check([&] { return Pipeline(sensor_params(threshold), RunningZScore({.window = 10})); }, cut);
        check([&] { return Pipeline(sensor_params(threshold), HalfSpaceTrees({.n_trees = 5, .height = 4, .window_size = 16, .seed = 2})); }, cut);
    }
    // A batch detector: the forest travels inside the document.
    Pipeline collect(sensor_params(std::nullopt));
    run(collect, events, 0, events.size());
    collect.flush();
    auto rows = collect.take_feature_rows();
    const std::size_t d = collect.feature_names().size();
    auto forest = std::make_shared<IsolationForest>(IsolationForestParams{.n_estimators = 20, .random_state = 1});
    forest->fit(MatrixView(rows.values.data(), rows.values.size() / d, d));
    check([&] { return Pipeline(sensor_params(threshold), forest); }, 1234);
}

TEST_CASE("pipeline: invalid parameters and calls name the argument") {
    auto bad = [](auto edit, const char *needle) {
        PipelineParams p = sensor_params(1.0);
        edit(p);
        try {
            Pipeline pipe(p, RunningZScore());
            FAIL("no exception");
        } catch (const InvalidArgument &e) {
            CHECK(std::string(e.what()).find(needle) != std::string::npos);
        }
    };
    bad([](PipelineParams &p) { p.windows.window = 0; }, "window");
    bad([](PipelineParams &p) { p.windows.lateness = -1; }, "lateness");
    bad([](PipelineParams &p) { p.windows.lateness = p.windows.window * 20000; }, "lateness");
    bad([](PipelineParams &p) { p.windows.fields.clear(); }, "aggregations");
    bad([](PipelineParams &p) { p.windows.fields.push_back({"temp", {WindowAggregation::min}}); }, "twice");
    bad([](PipelineParams &p) { p.windows.fields[0].aggregations.clear(); }, "no aggregation");
    bad([](PipelineParams &p) { p.features.lags = {0}; }, "lag");
    bad([](PipelineParams &p) { p.features.rolling = {1}; }, "rolling");
    bad([](PipelineParams &p) { p.features.calendar = {"minute"}; }, "calendar");
    bad([](PipelineParams &p) { p.threshold = nan_v; }, "threshold");
    bad([](PipelineParams &p) { p.threshold.reset(); }, "threshold: required");
    CHECK_THROWS_WITH_AS(parse_aggregation("median"), doctest::Contains("median"), InvalidArgument);

    Pipeline pipe(sensor_params(1.0), RunningZScore());
    const double v[3] = {1, 2, 3};
    std::vector<Anomaly> out;
    CHECK_THROWS_WITH_AS(pipe.push("", 0, v, 2, out), doctest::Contains("device"), InvalidArgument);
    CHECK_THROWS_WITH_AS(pipe.push("a", 0, v, 3, out), doctest::Contains("values"), InvalidArgument);
    CHECK_THROWS_WITH_AS(pipe.push("a", std::numeric_limits<std::int64_t>::max(), v, 2, out),
                         doctest::Contains("timestamp"), InvalidArgument);
    CHECK(pipe.stats().events == 0); // refused calls change nothing

    // Batch detectors: unfitted, or fitted on another feature count.
    auto unfitted = std::make_shared<IsolationForest>();
    CHECK_THROWS_AS(Pipeline(sensor_params(1.0), unfitted), NotFitted);
    auto narrow = std::make_shared<IsolationForest>(IsolationForestParams{.n_estimators = 5});
    Matrix X = xt::ones<double>({20, 3});
    X(0, 0) = 2;
    narrow->fit(X);
    CHECK_THROWS_WITH_AS(Pipeline(sensor_params(1.0), narrow), doctest::Contains("detector"), InvalidArgument);
    RunningZScore learned;
    learned.learn_one(std::vector<double>{1.0, 2.0});
    CHECK_THROWS_WITH_AS(Pipeline(sensor_params(1.0), learned), doctest::Contains("detector"), InvalidArgument);
}

TEST_CASE("pipeline: corrupted documents are FormatError") {
    const auto events = sensor_stream(2, 10, {}, 4);
    Pipeline pipe(sensor_params(1.0), RunningZScore());
    run(pipe, events, 0, events.size() - 7);
    const Json good = pipe.to_document();
    CHECK_NOTHROW(Pipeline::from_document(good));
    auto edited = [&](auto edit) {
        Json doc = good;
        edit(doc);
        // Recompute the checksum so the edit reaches the state checks, as a careless tool would.
        return make_document("Pipeline", 1, doc["params"], doc["state"]);
    };
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &d) { d["state"]["devices"][0]["resampler"]["open"][0]["start"] = 7; })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &d) { d["state"]["devices"][0]["resampler"]["open"][0]["count"] = Json::array(); })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &d) { d["state"]["devices"][1]["id"] = "dev0"; })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &d) { d["state"]["devices"].erase(1); })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &d) { d["state"]["devices"][0]["features"]["rows"].push_back(Json::array({1, 2, 3})); })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &d) { d["params"]["windows"]["window"] = -5; })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &d) { d["state"]["scorer"]["kind"] = "magic"; })), FormatError);
    CHECK_THROWS_AS(Pipeline::from_document(edited([](Json &d) { d["state"]["devices"][0]["scorer"]["mean"] = Json::array({1}); })), FormatError);
    Json tampered = good;
    tampered["state"]["stats"]["events"] = 1;
    CHECK_THROWS_AS(Pipeline::from_document(tampered), FormatError); // checksum
    CHECK_THROWS_AS(Pipeline::from_document(RunningZScore().to_document()), FormatError);
}
