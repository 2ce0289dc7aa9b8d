// Time-series containers, resampling, joins, fills and readers: hand-computed cases and the
// bad-input catalogue.

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "oddkit/oddkit.hpp"
#include "test_support.hpp"

using namespace oddkit;
using namespace oddkit::test;

namespace {

const std::int64_t T0 = days_from_civil(2020, 1, 1) * ns_per_day; // a midnight

IndexVector times_of(std::initializer_list<std::int64_t> t) {
    IndexVector v = IndexVector::from_shape({t.size()});
    std::copy(t.begin(), t.end(), v.data());
    return v;
}
FloatColumn floats_of(std::initializer_list<double> x) {
    FloatColumn v = FloatColumn::from_shape({x.size()});
    std::copy(x.begin(), x.end(), v.data());
    return v;
}
IntColumn ints_of(std::initializer_list<std::int64_t> x) {
    IntColumn v = IntColumn::from_shape({x.size()});
    std::copy(x.begin(), x.end(), v.data());
    return v;
}
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || std::fabs(a - b) <= 1e-12 * (1 + std::fabs(b)); }
void check_column(const Column &c, std::initializer_list<double> expected) {
    const FloatColumn x = to_float(c);
    REQUIRE(x.size() == expected.size());
    std::size_t i = 0;
    for (double e : expected) {
        CHECK_MESSAGE(same(x(i), e), "row ", i, ": ", x(i), " != ", e);
        ++i;
    }
}
const double NaN = std::nan("");

Frame sample_frame() {
    Frame f{TimeIndex(times_of({T0 + 30 * ns_per_second, T0 + 50 * ns_per_second, T0 + 130 * ns_per_second,
                                T0 + 140 * ns_per_second, T0 + 180 * ns_per_second}))};
    f.add("x", floats_of({1, 3, NaN, 5, 7}));
    f.add("n", ints_of({1, 2, 3, 4, 5}));
    return f;
}

} // namespace

TEST_CASE("TimeIndex: sorted check, uniqueness, NaT refused") {
    CHECK(TimeIndex(times_of({1, 2, 3})).is_unique());
    CHECK_FALSE(TimeIndex(times_of({1, 2, 2})).is_unique());
    CHECK_THROWS_WITH_AS(TimeIndex(times_of({1, 3, 2})), doctest::Contains("index: timestamps are not sorted: position 2"),
                         InvalidArgument);
    CHECK_THROWS_AS(TimeIndex(times_of({not_a_time, 1})), InvalidArgument);
    CHECK_THROWS_WITH_AS(check_unique_times(times_of({1, 2, 2}), "right"), doctest::Contains("right: duplicate"),
                         InvalidArgument);
}

TEST_CASE("Frame: columns share the index; lengths, names and types are checked") {
    Frame f = sample_frame();
    CHECK(f.rows() == 5);
    CHECK(f.cols() == 2);
    CHECK(f["x"].size() == 5);
    CHECK(f["n"].type() == ColumnType::int64);
    CHECK_THROWS_WITH_AS(f.add("y", floats_of({1, 2})), doctest::Contains("has 2 rows but the index has 5"), InvalidArgument);
    CHECK_THROWS_WITH_AS(f.add("x", floats_of({1, 2, 3, 4, 5})), doctest::Contains("already exists"), InvalidArgument);
    CHECK_THROWS_WITH_AS(f.floats("n"), doctest::Contains("'n' is int64, expected float64"), InvalidArgument);
    CHECK_THROWS_WITH_AS(f.column("nope"), doctest::Contains("no column named 'nope'"), InvalidArgument);
    CHECK_THROWS_AS(Series(TimeIndex(times_of({1, 2})), floats_of({1.0})), InvalidArgument);
}

TEST_CASE("parse_rule: pandas spellings, unknown rules refused") {
    CHECK(parse_rule("15min").nanos == 15 * minute);
    CHECK(parse_rule("h").nanos == 60 * minute);
    CHECK(parse_rule("2D").nanos == 2 * ns_per_day);
    CHECK(parse_rule("W").weekly);
    CHECK(parse_rule("W-SUN").weekly);
    CHECK_THROWS_WITH_AS(parse_rule("5fortnights"), doctest::Contains("rule: unknown rule '5fortnights'"), InvalidArgument);
    CHECK_THROWS_AS(parse_rule("0min"), InvalidArgument);
    CHECK_THROWS_AS(parse_rule("2W"), InvalidArgument);
    CHECK(parse_signed_duration("-1h", "offset") == -60 * minute);
}

TEST_CASE("resample: 1min left/left with an empty bin, by hand") {
    const Frame f = sample_frame();
    ResampleParams p{.rule = "1min"};
    const Frame mean = resample(f, p, Aggregation::parse("mean"));
    REQUIRE(mean.rows() == 4);
    CHECK(mean.index()[0] == T0);
    CHECK(mean.index()[3] == T0 + 3 * minute);
    check_column(mean.column("x"), {2, NaN, 5, 7});
    check_column(mean.column("n"), {1.5, NaN, 3.5, 5});
    check_column(resample(f, p, Aggregation::parse("sum")).column("x"), {4, 0, 5, 7});
    const Frame sums = resample(f, p, Aggregation::parse("sum"));
    CHECK(column_type(sums.column("n")) == ColumnType::int64);
    check_column(sums.column("n"), {3, 0, 7, 5});
    const Frame counts = resample(f, p, Aggregation::parse("count"));
    CHECK(column_type(counts.column("x")) == ColumnType::int64);
    check_column(counts.column("x"), {2, 0, 1, 1});
    check_column(resample(f, p, Aggregation::parse("std")).column("x"), {std::sqrt(2.0), NaN, NaN, NaN});
    check_column(resample(f, p, Aggregation::parse("var")).column("x"), {2, NaN, NaN, NaN});
    check_column(resample(f, p, Aggregation::parse("first")).column("x"), {1, NaN, 5, 7});
    check_column(resample(f, p, Aggregation::parse("last")).column("x"), {3, NaN, 5, 7});
    check_column(resample(f, p, Aggregation::parse("min")).column("x"), {1, NaN, 5, 7});
    check_column(resample(f, p, Aggregation::parse("median")).column("x"), {2, NaN, 5, 7});
    check_column(resample(f, p, Aggregation::quantile_of(0.25)).column("x"), {1.5, NaN, 5, 7});
}

TEST_CASE("resample: closed right, label right; several aggregations at once") {
    const Frame f = sample_frame();
    ResampleParams p{.rule = "1min", .closed = Side::right, .label = Side::right};
    const Frame out = resample(f, p,
                               {{"x", Aggregation::parse("mean"), ""}, {"x", Aggregation::parse("max"), ""},
                                {"n", Aggregation::parse("sum"), "total"}});
    REQUIRE(out.rows() == 3);
    CHECK(out.index()[0] == T0 + minute);
    CHECK(out.index()[2] == T0 + 3 * minute);
    CHECK(out.names() == std::vector<std::string>{"x_mean", "x_max", "total"});
    check_column(out.column("x_mean"), {2, NaN, 6});
    check_column(out.column("x_max"), {3, NaN, 7});
    check_column(out.column("total"), {3, 0, 12});
}

TEST_CASE("resample: origin and offset move the edges") {
    Frame f{TimeIndex(times_of({T0 + 10 * minute, T0 + 50 * minute}))};
    f.add("x", floats_of({1, 2}));
    ResampleParams p{.rule = "1h", .offset = 30 * minute};
    const Frame out = resample(f, p, Aggregation::parse("sum"));
    REQUIRE(out.rows() == 2);
    CHECK(out.index()[0] == T0 - 30 * minute);
    check_column(out.column("x"), {1, 2});
    p = ResampleParams{.rule = "7min", .origin = Origin::parse("epoch")};
    const std::int64_t seven = 7 * minute;
    CHECK(resample(f, p, Aggregation::parse("sum")).index()[0] == floor_div(T0 + 10 * minute, seven) * seven);
    p.origin = Origin::parse("start");
    CHECK(resample(f, p, Aggregation::parse("sum")).index()[0] == T0 + 10 * minute);
    CHECK_THROWS_AS(Origin::parse("end_of_time"), InvalidArgument);
}

TEST_CASE("resample: W is weeks ending on Sunday, labelled by the Sunday") {
    const std::int64_t mon = days_from_civil(2024, 1, 1) * ns_per_day; // a Monday
    Frame f{TimeIndex(times_of({mon + 10 * 60 * minute, mon + 6 * ns_per_day + 23 * 60 * minute, mon + 7 * ns_per_day}))};
    f.add("x", floats_of({1, 2, 4}));
    const Frame out = resample(f, ResampleParams{.rule = "W"}, Aggregation::parse("sum"));
    REQUIRE(out.rows() == 2);
    CHECK(out.index()[0] == mon + 6 * ns_per_day);
    CHECK(out.index()[1] == mon + 13 * ns_per_day);
    check_column(out.column("x"), {3, 4});
    const Frame left = resample(f, ResampleParams{.rule = "W", .closed = Side::left, .label = Side::left},
                                Aggregation::parse("sum"));
    REQUIRE(left.rows() == 2);
    CHECK(left.index()[0] == mon - ns_per_day);
    check_column(left.column("x"), {1, 6});
}

TEST_CASE("resample: bad input is refused naming the argument") {
    const Frame f = sample_frame();
    CHECK_THROWS_WITH_AS(resample(f, ResampleParams{.rule = "3 parsecs"}, Aggregation::parse("mean")),
                         doctest::Contains("rule:"), InvalidArgument);
    CHECK_THROWS_WITH_AS(Aggregation::parse("average"), doctest::Contains("aggregation: unknown 'average'"), InvalidArgument);
    CHECK_THROWS_AS(Aggregation::quantile_of(1.5), InvalidArgument);
    CHECK_THROWS_WITH_AS(resample(f, ResampleParams{.rule = "1min"}, {{"nope", Aggregation::parse("mean"), ""}}),
                         doctest::Contains("no column named 'nope'"), InvalidArgument);
    CHECK_THROWS_WITH_AS(make_bins(std::vector<std::int64_t>{3, 1}, ResampleParams{.rule = "1s"}),
                         doctest::Contains("index: timestamps are not sorted"), InvalidArgument);
    CHECK_THROWS_WITH_AS(make_bins(std::vector<std::int64_t>{0, std::int64_t{1} << 62}, ResampleParams{.rule = "1ns"}),
                         doctest::Contains("bins"), InvalidArgument);
    const Frame empty{TimeIndex()};
    const Frame out = resample(empty, ResampleParams{.rule = "1min"}, Aggregation::parse("mean"));
    CHECK(out.rows() == 0);
}

TEST_CASE("merge_asof: directions, exact matches, tolerance and ties, by hand") {
    Frame left{TimeIndex(times_of({1, 5, 10}))};
    left.add("a", floats_of({1, 2, 3}));
    Frame right{TimeIndex(times_of({2, 5, 7}))};
    right.add("b", floats_of({20, 50, 70}));
    check_column(merge_asof(left, right).column("b"), {NaN, 50, 70});
    check_column(merge_asof(left, right, {.allow_exact_matches = false}).column("b"), {NaN, 20, 70});
    check_column(merge_asof(left, right, {.direction = AsofDirection::forward}).column("b"), {20, 50, NaN});
    check_column(merge_asof(left, right, {.direction = AsofDirection::forward, .allow_exact_matches = false}).column("b"),
                 {20, 70, NaN});
    check_column(merge_asof(left, right, {.direction = AsofDirection::nearest}).column("b"), {20, 50, 70});
    check_column(merge_asof(left, right, {.tolerance = 2}).column("b"), {NaN, 50, NaN});
    Frame tie{TimeIndex(times_of({6}))};
    check_column(merge_asof(tie, right, {.direction = AsofDirection::nearest}).column("b"), {50});
    CHECK(merge_asof(left, right).column("a").index() == 0); // left columns kept as they are
    CHECK_THROWS_WITH_AS(merge_asof(left, right, {.tolerance = -1}), doctest::Contains("tolerance"), InvalidArgument);
}

TEST_CASE("merge_asof: by key matches within the key only") {
    Frame left{TimeIndex(times_of({1, 5, 10}))};
    left.add("key", ints_of({0, 1, 0}));
    Frame right{TimeIndex(times_of({2, 5, 7}))};
    right.add("key", ints_of({0, 0, 1}));
    right.add("b", floats_of({20, 50, 70}));
    const Frame back = merge_asof(left, right, {}, "key");
    CHECK(back.names() == std::vector<std::string>{"key", "b"});
    check_column(back.column("b"), {NaN, NaN, 50});
    check_column(merge_asof(left, right, {.direction = AsofDirection::forward}, "key").column("b"), {20, 70, NaN});
    check_column(merge_asof(left, right, {.direction = AsofDirection::nearest}, "key").column("b"), {20, 70, 50});
    Frame wrong = right;
    wrong.column("key") = floats_of({0, 0, 1});
    CHECK_THROWS_WITH_AS(merge_asof(left, wrong, {}, "key"), doctest::Contains("'key' is float64, expected int64"),
                         InvalidArgument);
    CHECK_THROWS_WITH_AS(asof_indexer(std::vector<std::int64_t>{2, 1}, std::vector<std::int64_t>{1}, {}, nullptr),
                         doctest::Contains("left: timestamps are not sorted"), InvalidArgument);
}

TEST_CASE("join: inner, left, outer with duplicates; align onto one grid") {
    Frame left{TimeIndex(times_of({1, 2, 2, 4}))};
    left.add("a", ints_of({1, 2, 3, 4}));
    left.add("v", floats_of({0.1, 0.2, 0.3, 0.4}));
    Frame right{TimeIndex(times_of({2, 3, 4}))};
    right.add("b", floats_of({10, 20, 30}));
    right.add("v", floats_of({1, 2, 3}));
    const Frame inner = join(left, right, JoinHow::inner);
    CHECK(inner.names() == std::vector<std::string>{"a", "v_x", "b", "v_y"});
    check_column(inner.column("a"), {2, 3, 4});
    CHECK(column_type(inner.column("a")) == ColumnType::int64);
    check_column(inner.column("b"), {10, 10, 30});
    const Frame outer = join(left, right, JoinHow::outer);
    REQUIRE(outer.rows() == 5);
    check_column(outer.column("a"), {1, 2, 3, NaN, 4});
    CHECK(column_type(outer.column("a")) == ColumnType::float64);
    check_column(outer.column("b"), {NaN, 10, 10, 20, 30});
    check_column(join(left, right, JoinHow::left).column("b"), {NaN, 10, 10, 30});
    check_column(join(left, right, JoinHow::right).column("a"), {2, 3, NaN, 4});
    CHECK_THROWS_AS(parse_join_how("sideways"), InvalidArgument);

    Frame a{TimeIndex(times_of({1, 3}))};
    a.add("a", floats_of({1, 3}));
    Frame b{TimeIndex(times_of({2, 3}))};
    b.add("b", floats_of({2, 3}));
    const auto outer_aligned = align({a, b});
    CHECK(outer_aligned[0].index() == TimeIndex(times_of({1, 2, 3})));
    check_column(outer_aligned[0].column("a"), {1, NaN, 3});
    check_column(outer_aligned[1].column("b"), {NaN, 2, 3});
    const auto inner_aligned = align({a, b}, JoinHow::inner);
    CHECK(inner_aligned[1].index() == TimeIndex(times_of({3})));
    CHECK_THROWS_WITH_AS(align({left, right}), doctest::Contains("index: duplicate timestamp"), InvalidArgument);
}

TEST_CASE("fills: ffill/bfill with limit, interpolate linear and time, dropna") {
    std::vector<double> x{NaN, 1, NaN, NaN, NaN, 5, NaN};
    auto y = x;
    ffill_in_place(y, 2);
    CHECK(std::isnan(y[0]));
    CHECK(y[2] == 1);
    CHECK(y[3] == 1);
    CHECK(std::isnan(y[4]));
    CHECK(y[6] == 5);
    y = x;
    bfill_in_place(y, 1);
    CHECK(y[0] == 1);
    CHECK(std::isnan(y[3]));
    CHECK(y[4] == 5);
    CHECK(std::isnan(y[6]));
    y = x;
    interpolate_in_place(y, {}, InterpolateMethod::linear);
    CHECK(std::isnan(y[0]));
    CHECK(y[2] == doctest::Approx(2));
    CHECK(y[4] == doctest::Approx(4));
    CHECK(y[6] == 5);
    y = x;
    interpolate_in_place(y, {}, InterpolateMethod::linear, 1);
    CHECK(y[2] == doctest::Approx(2));
    CHECK(std::isnan(y[3]));
    std::vector<double> z{0, NaN, 4};
    interpolate_in_place(z, std::vector<std::int64_t>{0, 1, 4}, InterpolateMethod::time);
    CHECK(z[1] == doctest::Approx(1));
    CHECK_THROWS_AS(interpolate_in_place(z, std::vector<std::int64_t>{0, 1}, InterpolateMethod::time), InvalidArgument);

    Frame f{TimeIndex(times_of({1, 2, 3}))};
    f.add("a", floats_of({NaN, 2, NaN}));
    f.add("b", floats_of({NaN, NaN, 3}));
    CHECK(dropna(f).rows() == 0);
    const Frame all = dropna(f, DropHow::all);
    CHECK(all.index() == TimeIndex(times_of({2, 3})));
    CHECK(dropna(f, DropHow::any, {"a"}).index() == TimeIndex(times_of({2})));
    CHECK_THROWS_AS(dropna(f, DropHow::any, {"c"}), InvalidArgument);
}

TEST_CASE("deduplicate: keep first, last, or the mean of a timestamp's rows") {
    Frame f{TimeIndex(times_of({1, 2, 2, 2, 3}))};
    f.add("x", floats_of({1, 2, NaN, 6, 7}));
    f.add("n", ints_of({1, 2, 3, 4, 5}));
    check_column(deduplicate(f, DuplicatePolicy::keep_first).column("x"), {1, 2, 7});
    check_column(deduplicate(f, DuplicatePolicy::keep_last).column("n"), {1, 4, 5});
    const Frame m = deduplicate(f, DuplicatePolicy::mean);
    CHECK(m.index() == TimeIndex(times_of({1, 2, 3})));
    check_column(m.column("x"), {1, 4, 7});
    check_column(m.column("n"), {1, 3, 5});
    CHECK_THROWS_AS(parse_duplicate_policy("median-ish"), InvalidArgument);
}

TEST_CASE("timestamps: ISO text round trip and epoch units") {
    std::int64_t t = 0;
    REQUIRE(parse_iso_timestamp("2018-09-01T00:00:00.000", t));
    CHECK(t == 1535760000000LL * 1'000'000);
    REQUIRE(parse_iso_timestamp("2018-09-01 02:00:00+02:00", t));
    CHECK(t == 1535760000000LL * 1'000'000);
    REQUIRE(parse_iso_timestamp("1969-12-31T23:59:59.5Z", t));
    CHECK(t == -500'000'000);
    REQUIRE(parse_iso_timestamp("2020-02-29", t));
    CHECK(format_iso_timestamp(t, ' ', 0) == "2020-02-29 00:00:00");
    CHECK(format_iso_timestamp(-500'000'000, 'T', 3) == "1969-12-31T23:59:59.500");
    CHECK_FALSE(parse_iso_timestamp("2020-13-01", t));
    CHECK_FALSE(parse_iso_timestamp("yesterday", t));
}

TEST_CASE("read/write JSON: every orient round-trips; types inferred; errors name the key or line") {
    Frame f{TimeIndex(times_of({1535760000000LL * 1'000'000, 1535760300000LL * 1'000'000}))};
    f.add("temp", floats_of({16.1, NaN}));
    f.add("count", ints_of({3, 4}));
    for (auto orient : {JsonOrient::records, JsonOrient::split, JsonOrient::columns, JsonOrient::index, JsonOrient::values}) {
        for (auto format : {TimeFormat::epoch, TimeFormat::iso}) {
            const std::string text = to_json(f, {.orient = orient, .format = format});
            const Frame back = parse_json(text, {.orient = orient});
            CAPTURE(text);
            CHECK(back.index() == f.index());
            REQUIRE(back.cols() == 2);
            check_column(back.column(0), {16.1, NaN});
            check_column(back.column(1), {3, 4});
            CHECK(column_type(back.column(1)) == ColumnType::int64);
        }
    }
    const Frame r = parse_json(R"([{"timestamp": 2000, "a": 1.5, "on": true}, {"timestamp": 1000, "a": null, "on": false}])");
    CHECK(r.index() == TimeIndex(times_of({1'000'000'000, 2'000'000'000}))); // sorted on reading
    check_column(r.column("a"), {NaN, 1.5});
    CHECK(column_type(r.column("on")) == ColumnType::boolean);
    const Frame s = parse_json(R"([{"t": 1, "a": 1}])", {.time_column = "t", .unit = TimeUnit::s});
    CHECK(s.index()[0] == ns_per_second);

    CHECK_THROWS_WITH_AS(parse_json("[{\"timestamp\": 1,\n \"a\": 2},\n {\"timestamp\": 2 \"a\": 3}]"),
                         doctest::Contains("line 3"), FormatError);
    CHECK_THROWS_WITH_AS(parse_json(R"([{"timestamp": 1, "a": 2}, {"timestamp": 2, "a": "hot"}])"),
                         doctest::Contains("key '[1].a'"), FormatError);
    CHECK_THROWS_WITH_AS(parse_json(R"([{"timestamp": 1, "a": 2}, {"a": 3}])"), doctest::Contains("key '[1]'"), FormatError);
    CHECK_THROWS_WITH_AS(parse_json(R"({"a": {"soon": 1}})", {.orient = JsonOrient::columns}),
                         doctest::Contains("key 'a.soon'"), FormatError);
    CHECK_THROWS_WITH_AS(parse_json(R"({"a": [1]})", {.orient = JsonOrient::records}), doctest::Contains("array"),
                         FormatError);
    CHECK_THROWS_AS(parse_json_orient("table-ish"), InvalidArgument);
    CHECK_THROWS_AS(read_json("/nonexistent/file.json"), FormatError);
}

TEST_CASE("read/write CSV: pandas layout, round trip, errors name the line") {
    const std::string text = "timestamp,a,n,flag\n"
                             "2018-09-01 00:05:00,1.5,1,True\n"
                             "2018-09-01 00:00:00,,2,False\n"
                             "\n"
                             "2018-09-01 00:10:00,NaN,3,True\n";
    const Frame f = parse_csv(text);
    REQUIRE(f.rows() == 3);
    CHECK(f.index()[0] == 1535760000000LL * 1'000'000);
    check_column(f.column("a"), {NaN, 1.5, NaN});
    CHECK(column_type(f.column("n")) == ColumnType::int64);
    CHECK(column_type(f.column("flag")) == ColumnType::boolean);
    const Frame back = parse_csv(to_csv(f));
    CHECK(back.index() == f.index());
    check_column(back.column("a"), {NaN, 1.5, NaN});
    CHECK(column_type(back.column("flag")) == ColumnType::boolean);
    const Frame epoch = parse_csv(to_csv(f, {.iso = false}));
    CHECK(epoch.index() == f.index());
    const Frame quoted = parse_csv("\"time, UTC\",\"a\"\"b\"\n1000,2\n", {.time_column = "time, UTC"});
    CHECK(quoted.names() == std::vector<std::string>{"a\"b"});
    CHECK(quoted.index()[0] == 1000LL * 1'000'000);

    CHECK_THROWS_WITH_AS(parse_csv("t,a\n1,2\n2,3,4\n"), doctest::Contains("line 3: has 3 fields"), FormatError);
    CHECK_THROWS_WITH_AS(parse_csv("t,a\n1,2\n2,warm\n"), doctest::Contains("line 3: column 'a': 'warm'"), FormatError);
    CHECK_THROWS_WITH_AS(parse_csv("t,a\nnoon,2\n"), doctest::Contains("line 2: 'noon' is not a timestamp"), FormatError);
    CHECK_THROWS_WITH_AS(parse_csv("t,a\n1,2\n", {.time_column = "time"}), doctest::Contains("line 1: no time column"),
                         FormatError);
    CHECK_THROWS_WITH_AS(parse_csv(""), doctest::Contains("empty file"), FormatError);
    CHECK_THROWS_WITH_AS(parse_csv("t,a\n1,\"open\n"), doctest::Contains("line 2: unterminated"), FormatError);
    const Frame header_only = parse_csv("t,a\n");
    CHECK(header_only.rows() == 0);
    CHECK(header_only.cols() == 1);
}

TEST_CASE("files: write then read JSON and CSV") {
    const auto dir = std::filesystem::temp_directory_path();
    Frame f{TimeIndex(times_of({0, ns_per_second}))};
    f.add("a", floats_of({1.25, -2}));
    write_json((dir / "oddkit_series_test.json").string(), f);
    write_csv((dir / "oddkit_series_test.csv").string(), f);
    check_column(read_json((dir / "oddkit_series_test.json").string()).column("a"), {1.25, -2});
    check_column(read_csv((dir / "oddkit_series_test.csv").string()).column("a"), {1.25, -2});
    std::filesystem::remove(dir / "oddkit_series_test.json");
    std::filesystem::remove(dir / "oddkit_series_test.csv");
}
