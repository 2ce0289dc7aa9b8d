// FeatureBuilder and scalers: hand-computed features, scikit-learn's scaler definitions,
// document round trips and corrupted documents.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "oddkit/features/feature_builder.hpp"
#include "oddkit/features/scalers.hpp"
#include "test_support.hpp"

using namespace oddkit;

using namespace oddkit::test;

namespace {
constexpr std::int64_t hour = 3'600'000'000'000;
// 2024-03-09 22:00 UTC (a Saturday), hourly
constexpr std::int64_t t0 = 1710021600LL * 1'000'000'000;
} // namespace

TEST_CASE("calendar fields of UTC timestamps") {
    CHECK(day_of_week(0) == 3); // 1970-01-01, Thursday
    const auto d = civil_date(t0);
    CHECK(d.year == 2024);
    CHECK(d.month == 3);
    CHECK(d.day == 9);
    CHECK(d.day_of_year == 69); // 31 + 29 + 9
    CHECK(hour_of(t0) == 22);
    CHECK(day_of_week(t0) == 5);
    const auto before = civil_date(-1); // 1969-12-31 23:59:59.999999999
    CHECK(before.year == 1969);
    CHECK(before.day_of_year == 365);
    CHECK(hour_of(-1) == 23);
    CHECK(day_of_week(-1) == 2);
    CHECK(civil_date(951782400LL * 1'000'000'000).day_of_year == 60); // 2000-02-29
    CHECK(format_duration(hour) == "1h");
    CHECK(format_duration(90'000'000'000) == "90s");
    CHECK(format_duration(1500) == "1500ns");
}

TEST_CASE("FeatureBuilder: declared features on hand-computed data") {
    const std::vector<std::int64_t> t{t0, t0 + hour, t0 + 2 * hour, t0 + 3 * hour};
    // columns a, b
    const std::vector<double> m{1, 2, 3, 0, 6, 3, 10, 5};
    const MatrixView X(m.data(), 4, 2);
    FeatureBuilder fb;
    fb.calendar({"hour", "is_weekend", "day_of_week", "hour_cos"})
        .lag("a", {1})
        .rolling("a", "2h", {"mean", "max"})
        .rolling("b", "2", {"sum"})
        .diff("a")
        .product("a", "b")
        .ratio("a", "b");
    const auto F = fb.apply(t.data(), t.size(), {"a", "b"}, X);
    const std::vector<std::string> names{"hour",       "is_weekend",         "day_of_week",       "hour_cos",
                                         "a_lag_1",    "a_rolling_2h_mean",  "a_rolling_2h_max",  "b_rolling_2_sum",
                                         "a_diff_1",   "a_times_b",          "a_per_b"};
    CHECK(F.names == names);
    REQUIRE(F.values.shape(1) == names.size());
    CHECK(F.values(0, 0) == 22);
    CHECK(F.values(2, 0) == 0);       // midnight
    CHECK(F.values(2, 1) == 1);       // Sunday
    CHECK(F.values(2, 2) == 6);
    CHECK(F.values(2, 3) == doctest::Approx(1.0));
    CHECK(std::isnan(F.values(0, 4)));
    CHECK(F.values(3, 4) == 6);
    CHECK(F.values(1, 5) == doctest::Approx(2.0));
    CHECK(F.values(3, 5) == doctest::Approx(8.0));
    CHECK(F.values(3, 6) == 10);
    CHECK(std::isnan(F.values(0, 7)));
    CHECK(F.values(1, 7) == 2);
    CHECK(F.values(3, 8) == 4);
    CHECK(F.values(2, 9) == 18);
    CHECK(std::isnan(F.values(1, 10))); // 3 / 0
    CHECK(F.values(3, 10) == 2);

    const FeatureBuilder again = FeatureBuilder::from_document(fb.to_document());
    const auto G = again.apply(t.data(), t.size(), {"a", "b"}, X);
    CHECK(G.names == F.names);
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < names.size(); ++j)
            CHECK((G.values(i, j) == F.values(i, j) || (std::isnan(G.values(i, j)) && std::isnan(F.values(i, j)))));
}

TEST_CASE("FeatureBuilder: bad declarations, inputs and documents") {
    FeatureBuilder fb;
    CHECK_THROWS_WITH_AS(fb.calendar({"season"}), doctest::Contains("fields"), InvalidArgument);
    CHECK_THROWS_AS(fb.rolling("a", "1fortnight", {"mean"}), InvalidArgument);
    CHECK_THROWS_AS(fb.rolling("a", "0", {"mean"}), InvalidArgument);
    CHECK_THROWS_WITH_AS(fb.rolling("a", "1h", {"mode"}), doctest::Contains("stats"), InvalidArgument);
    CHECK_THROWS_AS(fb.lag("a", {0}), InvalidArgument);
    fb.lag("a", {1});
    CHECK_THROWS_WITH_AS(fb.lag("a", {1}), doctest::Contains("twice"), InvalidArgument);
    fb.rolling("a", "1h", {"mean"});
    const std::vector<double> m{1, 2, 3};
    const std::vector<std::int64_t> t{0, 2, 1};
    CHECK_THROWS_WITH_AS(fb.apply(t.data(), 3, {"a"}, MatrixView(m.data(), 3, 1)), doctest::Contains("times"),
                         InvalidArgument);
    const std::vector<std::int64_t> sorted{0, 1, 2};
    CHECK_THROWS_WITH_AS(fb.apply(sorted.data(), 2, {"a"}, MatrixView(m.data(), 3, 1)), doctest::Contains("times"),
                         InvalidArgument);
    CHECK_THROWS_WITH_AS(fb.apply(sorted.data(), 3, {"b"}, MatrixView(m.data(), 3, 1)), doctest::Contains("'a'"),
                         InvalidArgument);
    CHECK_THROWS_WITH_AS(fb.apply(sorted.data(), 3, {"a", "b"}, MatrixView(m.data(), 3, 1)),
                         doctest::Contains("names"), InvalidArgument);
    CHECK_THROWS_AS(FeatureBuilder().apply(nullptr, 0, {}, MatrixView()), InvalidArgument);

    Json doc = fb.to_document();
    doc["params"]["features"][0]["kind"] = "fourier";
    CHECK_THROWS_AS(FeatureBuilder::from_document(doc), FormatError); // checksum
    Json bad = make_document("FeatureBuilder", 1, Json{{"features", Json::array({Json{{"kind", "fourier"}}})}},
                             Json::object());
    CHECK_THROWS_WITH_AS(FeatureBuilder::from_document(bad), doctest::Contains("fourier"), FormatError);
    Json neg = make_document("FeatureBuilder", 1,
                             Json{{"features", Json::array({Json{{"kind", "lag"}, {"column", "a"}, {"periods", 0}}})}},
                             Json::object());
    CHECK_THROWS_AS(FeatureBuilder::from_document(neg), FormatError);
    Json missing = make_document("FeatureBuilder", 1, Json{{"features", Json::array({Json{{"kind", "lag"}}})}},
                                 Json::object());
    CHECK_THROWS_AS(FeatureBuilder::from_document(missing), FormatError);
}

TEST_CASE("scalers: scikit-learn definitions, NaN passes through") {
    // column 0: 1, 2, NaN, 5; column 1 constant 4
    const std::vector<double> m{1, 4, 2, 4, nan_, 4, 5, 4};
    const MatrixView X(m.data(), 4, 2);
    StandardScaler ss;
    const Matrix s = ss.fit_transform(X);
    CHECK(ss.mean()[0] == doctest::Approx(8.0 / 3.0));
    CHECK(ss.var()[0] == doctest::Approx((25.0 / 9 + 4.0 / 9 + 49.0 / 9) / 3));
    CHECK(ss.scale()[1] == 1.0);
    CHECK(s(0, 0) == doctest::Approx((1 - 8.0 / 3) / std::sqrt(26.0 / 9)));
    CHECK(std::isnan(s(2, 0)));
    CHECK(s(0, 1) == 0.0);
    const Matrix back = ss.inverse_transform(s);
    CHECK(back(3, 0) == doctest::Approx(5.0));

    RobustScaler rs;
    const Matrix r = rs.fit_transform(X);
    CHECK(rs.center()[0] == 2.0);
    CHECK(rs.scale()[0] == doctest::Approx(3.5 - 1.5));
    CHECK(rs.scale()[1] == 1.0);
    CHECK(r(3, 0) == doctest::Approx(1.5));
    CHECK_THROWS_WITH_AS(RobustScaler({.q_low = 80, .q_high = 20}), doctest::Contains("quantile_range"),
                         InvalidArgument);

    MinMaxScaler mm({.feature_min = -1, .feature_max = 1});
    const Matrix q = mm.fit_transform(X);
    CHECK(q(0, 0) == doctest::Approx(-1));
    CHECK(q(3, 0) == doctest::Approx(1));
    CHECK(q(1, 0) == doctest::Approx(-0.5));
    CHECK(q(0, 1) == doctest::Approx(-1)); // constant column: range 1
    CHECK_THROWS_AS(MinMaxScaler({.feature_min = 1, .feature_max = 0}), InvalidArgument);

    CHECK_THROWS_AS(StandardScaler().transform(X), NotFitted);
    CHECK_THROWS_AS(StandardScaler().to_document(), NotFitted);
    const std::vector<double> three{1, 2, 3};
    CHECK_THROWS_WITH_AS(ss.transform(MatrixView(three.data(), 1, 3)), doctest::Contains("features"),
                         InvalidArgument);
    const std::vector<double> inf{1, INFINITY};
    CHECK_THROWS_WITH_AS(StandardScaler().fit(MatrixView(inf.data(), 2, 1)), doctest::Contains("infinity"),
                         InvalidArgument);
    CHECK_THROWS_AS(StandardScaler().fit(MatrixView()), InvalidArgument);

    const auto path = (std::filesystem::temp_directory_path() / "oddkit_test_scaler.cbor").string();
    mm.save(path);
    const MinMaxScaler mm2 = MinMaxScaler::load(path);
    CHECK(mm2.transform(X)(1, 0) == q(1, 0));
    std::filesystem::remove(path);
    const RobustScaler rs2 = RobustScaler::from_document(rs.to_document());
    CHECK(rs2.transform(X)(3, 0) == r(3, 0));
    const StandardScaler ss2 = StandardScaler::from_document(ss.to_document());
    CHECK(ss2.transform(X)(0, 0) == s(0, 0));
    Json doc = ss.to_document();
    CHECK_THROWS_AS(RobustScaler::from_document(doc), FormatError);
    Json short_state = make_document("StandardScaler", 1, ss.params().to_json(),
                                     Json{{"n_features_in", 2}, {"mean", {1.0}}, {"var", {1.0, 1.0}}, {"scale", {1.0, 1.0}}});
    CHECK_THROWS_WITH_AS(StandardScaler::from_document(short_state), doctest::Contains("mean"), FormatError);
    // Parameters out of range or of the wrong type are a damaged file: FormatError, for every scaler.
    const Json state{{"n_features_in", 1}, {"mean", {1.0}}, {"var", {1.0}}, {"scale", {1.0}}, {"center", {0.0}},
                     {"min", {0.0}}, {"data_min", {0.0}}, {"data_max", {1.0}}};
    Json ranged_q = rs.params().to_json();
    ranged_q["q_low"] = 90.0; // above q_high
    CHECK_THROWS_WITH_AS(RobustScaler::from_document(make_document("RobustScaler", 1, ranged_q, state)),
                         doctest::Contains("invalid parameters"), FormatError);
    Json ranged = mm.params().to_json();
    ranged["feature_min"] = 2.0; // above feature_max
    CHECK_THROWS_WITH_AS(MinMaxScaler::from_document(make_document("MinMaxScaler", 1, ranged, state)),
                         doctest::Contains("invalid parameters"), FormatError);
    Json standard = ss.params().to_json();
    standard["with_mean"] = "yes";
    CHECK_THROWS_WITH_AS(StandardScaler::from_document(make_document("StandardScaler", 1, standard, state)),
                         doctest::Contains("with_mean"), FormatError);
}
