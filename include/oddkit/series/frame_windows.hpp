#pragma once
/// Rolling, exponentially weighted and row-offset operations on a whole Frame or Series, with
/// pandas' names:
///
///     oddkit::Frame hourly = frame.rolling("1h").mean();
///     oddkit::Frame counts = frame.rolling(oddkit::RollingWindow::rows(12), {.min_periods = 3}).count();
///     oddkit::Series smooth = frame["temperature"].ewm({.decay = oddkit::EwmDecay::span(10)}).mean();
///     oddkit::Frame change = frame.pct_change(1);
///
/// Each column goes through the one-column kernels of rolling.hpp, ewm.hpp and transform.hpp
/// (nothing is computed twice here). Float64 columns are read in place; int64 and bool columns
/// are read as float64; every result column is float64 on the same index with the same name,
/// as in pandas. Included at the end of frame.hpp, which declares the member functions.
///
/// A RollingOf / EwmOf refers to the frame it came from: use it while that frame lives (the
/// usual `frame.rolling(w).mean()` in one expression always does).

#include <string_view>
#include <utility>

#include "oddkit/series/ewm.hpp"
#include "oddkit/series/frame.hpp"
#include "oddkit/series/rolling.hpp"
#include "oddkit/series/transform.hpp"
#include "oddkit/series/window_bounds.hpp"

namespace oddkit {

namespace detail {

/// f(values, out) for the column's values as doubles (a view when already float64).
template <class F> FloatColumn map_as_float(const Column &column, std::size_t n, F &f) {
    FloatColumn converted;
    const double *x = float_data(column, converted);
    FloatColumn out = FloatColumn::from_shape({n});
    f(VectorView(x, n), OutputView(out.data(), n));
    return out;
}

template <class F> Frame each_column_as_float(const Frame &frame, F f) {
    Frame out(frame.index());
    for (std::size_t j = 0; j < frame.cols(); ++j) {
        out.add(frame.names()[j], map_as_float(frame.column(j), frame.rows(), f));
    }
    return out;
}

template <class F> Series each_column_as_float(const Series &series, F f) {
    return Series(series.index(), map_as_float(series.values(), series.size(), f), series.name());
}

} // namespace detail

/// The rolling windows of a Frame or Series (`Owner`); each statistic returns an Owner.
template <class Owner> class RollingOf {
  public:
    /// Validates the window and options at once (InvalidArgument naming window / min_periods).
    RollingOf(const Owner &owner, RollingWindow window, RollingOptions options = {})
        : owner_(owner), window_(window), options_(options) {
        (void)window_min_periods(window_, options_);
    }

    Owner mean() const { return apply({RollingStat::Kind::mean}); }
    Owner sum() const { return apply({RollingStat::Kind::sum}); }
    Owner var(int ddof = 1) const { return apply({RollingStat::Kind::var, 0.5, QuantileInterpolation::linear, ddof}); }
    Owner std(int ddof = 1) const { return apply({RollingStat::Kind::std, 0.5, QuantileInterpolation::linear, ddof}); }
    Owner min() const { return apply({RollingStat::Kind::min}); }
    Owner max() const { return apply({RollingStat::Kind::max}); }
    Owner median() const { return apply({RollingStat::Kind::median}); }
    Owner count() const { return apply({RollingStat::Kind::count}); }
    /// The q-quantile, q in [0, 1] (InvalidArgument naming q otherwise).
    Owner quantile(double q, QuantileInterpolation how = QuantileInterpolation::linear) const {
        return apply({RollingStat::Kind::quantile, q, how});
    }
    /// A statistic by name ("mean", ..., "quantile" at 0.5); InvalidArgument naming stat if unknown.
    Owner agg(std::string_view stat) const { return apply(RollingStat::parse(stat)); }
    Owner apply(const RollingStat &stat) const {
        const std::int64_t *times = owner_.index().data();
        return detail::each_column_as_float(owner_, [&](const VectorView &x, OutputView out) {
            rolling_into(times, window_, options_, stat, x, out);
        });
    }

  private:
    const Owner &owner_;
    RollingWindow window_;
    RollingOptions options_;
};

/// The exponentially weighted windows of a Frame or Series (row-based decay, as pandas).
template <class Owner> class EwmOf {
  public:
    EwmOf(const Owner &owner, EwmOptions options) : owner_(owner), options_(options) { options_.validate(); }

    Owner mean() const {
        return detail::each_column_as_float(owner_, [&](const VectorView &x, OutputView out) { ewm_mean(x, out, options_); });
    }
    Owner var(bool bias = false) const {
        return detail::each_column_as_float(owner_,
                                         [&](const VectorView &x, OutputView out) { ewm_var(x, out, options_, bias); });
    }
    Owner std(bool bias = false) const {
        return detail::each_column_as_float(owner_,
                                         [&](const VectorView &x, OutputView out) { ewm_std(x, out, options_, bias); });
    }

  private:
    const Owner &owner_;
    EwmOptions options_;
};

namespace detail {
template <class Owner> Owner shift_rows(const Owner &owner, std::int64_t periods) {
    return each_column_as_float(owner, [&](const VectorView &x, OutputView out) { oddkit::shift(x, out, periods); });
}
template <class Owner> Owner diff_rows(const Owner &owner, std::int64_t periods) {
    return each_column_as_float(owner, [&](const VectorView &x, OutputView out) { oddkit::diff(x, out, periods); });
}
template <class Owner> Owner pct_change_rows(const Owner &owner, std::int64_t periods) {
    return each_column_as_float(owner, [&](const VectorView &x, OutputView out) { oddkit::pct_change(x, out, periods); });
}
} // namespace detail

inline RollingOf<Frame> Frame::rolling(RollingWindow window, RollingOptions options) const {
    return {*this, window, options};
}
inline RollingOf<Frame> Frame::rolling(std::string_view window, RollingOptions options) const {
    return {*this, RollingWindow::parse(window), options};
}
inline EwmOf<Frame> Frame::ewm(EwmOptions options) const { return {*this, options}; }
inline Frame Frame::shift(std::int64_t periods) const { return detail::shift_rows(*this, periods); }
inline Frame Frame::diff(std::int64_t periods) const { return detail::diff_rows(*this, periods); }
inline Frame Frame::pct_change(std::int64_t periods) const { return detail::pct_change_rows(*this, periods); }

inline RollingOf<Series> Series::rolling(RollingWindow window, RollingOptions options) const {
    return {*this, window, options};
}
inline RollingOf<Series> Series::rolling(std::string_view window, RollingOptions options) const {
    return {*this, RollingWindow::parse(window), options};
}
inline EwmOf<Series> Series::ewm(EwmOptions options) const { return {*this, options}; }
inline Series Series::shift(std::int64_t periods) const { return detail::shift_rows(*this, periods); }
inline Series Series::diff(std::int64_t periods) const { return detail::diff_rows(*this, periods); }
inline Series Series::pct_change(std::int64_t periods) const { return detail::pct_change_rows(*this, periods); }

} // namespace oddkit
