// Bindings of oddkit's series analysis (rolling, ewm, transforms, describe, correlation,
// acf/ccf, seasonal decomposition, ADF) and features (FeatureBuilder, scalers) as
// oddkit._core functions and classes. Column-wise functions take a (columns x rows) C-order
// array, so each column is contiguous; the Python layer transposes pandas/NumPy input.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "numpy_view.hpp"
#include "oddkit/features/feature_builder.hpp"
#include "oddkit/features/scalers.hpp"
#include "oddkit/series/autocorrelation.hpp"
#include "oddkit/series/correlation.hpp"
#include "oddkit/series/decompose.hpp"
#include "oddkit/series/describe.hpp"
#include "oddkit/series/ewm.hpp"
#include "oddkit/series/rolling.hpp"
#include "oddkit/series/stationarity.hpp"
#include "oddkit/series/transform.hpp"

namespace oddkit::python {

namespace {

using TimeArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

py::array_t<double> vector_to_numpy(const Vector &v) {
    py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

py::array_t<double> matrix_to_numpy(const Matrix &m) {
    py::array_t<double> out({m.shape(0), m.shape(1)});
    std::copy(m.begin(), m.end(), out.mutable_data());
    return out;
}

/// A (columns x rows) array and a new one of the same shape; f(column view, output view) per
/// column with the GIL released.
template <class F> py::array_t<double> per_column(const InputArray &columns, F f) {
    const MatrixView view = matrix_view(columns, "X");
    py::array_t<double> out({view.rows(), view.cols()});
    double *target = out.mutable_data();
    {
        py::gil_scoped_release release; // pure C++ over buffers held by this frame
        for (std::size_t c = 0; c < view.rows(); ++c) {
            f(VectorView(view.row(c), view.cols()), OutputView(target + c * view.cols(), view.cols()));
        }
    }
    return out;
}

/// per_column on n_jobs threads: with at least as many columns as threads, whole columns go to
/// the threads and f(x, out, 1) runs each; otherwise the columns run in turn as f(x, out,
/// n_jobs), which splits a column's rows. Each column's result is the same either way.
template <class F> py::array_t<double> per_column_threaded(const InputArray &columns, int n_jobs, F f) {
    const std::size_t threads = resolve_n_jobs(n_jobs);
    const MatrixView view = matrix_view(columns, "X");
    if (threads <= 1 || view.rows() < threads) {
        return per_column(columns, [&](const VectorView &x, OutputView out) { f(x, out, n_jobs); });
    }
    py::array_t<double> out({view.rows(), view.cols()});
    double *target = out.mutable_data();
    {
        py::gil_scoped_release release;
        // Fault the fresh output on one thread: threads faulting at once contend (merge_asof.hpp).
        const std::size_t total = view.rows() * view.cols();
        for (std::size_t i = 0; i < total; i += 512) target[i] = 0.0;
        parallel_for_chunks(view.rows(), threads, [&](std::size_t c0, std::size_t c1) {
            for (std::size_t c = c0; c < c1; ++c) {
                f(VectorView(view.row(c), view.cols()), OutputView(target + c * view.cols(), view.cols()), 1);
            }
        });
    }
    return out;
}

const std::int64_t *times_pointer(const std::optional<TimeArray> &times, std::size_t n) {
    if (!times) return nullptr;
    require(times->ndim() == 1, "times", "expected a 1-D array of int64 nanoseconds");
    require(static_cast<std::size_t>(times->size()) == n, "times", "has ", times->size(), " timestamps but the data has ",
            n, " rows");
    return times->data();
}

RollingWindow make_window(const std::string &kind, std::int64_t size) {
    if (kind == "rows") return RollingWindow::rows(size);
    if (kind == "time") return RollingWindow::duration(size);
    throw InvalidArgument("window: kind must be 'rows' or 'time'");
}

EwmOptions ewm_options(double alpha, bool adjust, bool ignore_na, std::int64_t min_periods) {
    return {EwmDecay::from_alpha(alpha), adjust, ignore_na, min_periods};
}

/// A binding of a scaler's transform-like method with the GIL released.
template <class Scaler> auto transform_with(Matrix (Scaler::*method)(const MatrixView &) const) {
    return [method](const Scaler &self, const InputArray &X) {
        const MatrixView view = matrix_view(X, "X");
        Matrix r;
        {
            py::gil_scoped_release release; // pure C++ over X's buffer
            r = (self.*method)(view);
        }
        return matrix_to_numpy(r);
    };
}

template <class Scaler> py::bytes scaler_bytes(const Scaler &s) { return document_bytes(s.to_document()); }

} // namespace

void register_analysis(py::module_ &m) {
    m.def("parse_duration", [](const std::string &text) { return parse_duration(text, "window"); }, py::arg("text"));

    m.def(
        "rolling",
        [](const InputArray &columns, const std::optional<TimeArray> &times, const std::string &kind, std::int64_t size,
           std::optional<std::int64_t> min_periods, const std::string &closed, bool center, const std::string &stat,
           double q, const std::string &interpolation, int ddof, int n_jobs) {
            check_n_jobs(n_jobs);
            const MatrixView view = matrix_view(columns, "X");
            const std::int64_t *t = times_pointer(times, view.cols());
            RollingOptions o{min_periods, parse_closed(closed), center};
            const auto how = parse_interpolation(interpolation);
            const RollingWindow window = make_window(kind, size);
            // Bad times or parameters fail even without columns (rolling_into checks the times
            // of each column it runs; a second pass over them here cost 6 ms per 10M rows).
            if (window.is_time() && view.rows() == 0) check_sorted_times(t, view.cols());
            (void)window_min_periods(window, o);
            RollingStat rs = RollingStat::parse(stat);
            rs.q = q;
            rs.interpolation = how;
            rs.ddof = ddof;
            require(stat != "quantile" || (q >= 0.0 && q <= 1.0), "q", "must be in [0, 1], got ", q);
            // Each column walks the window bounds alongside its values: no bound arrays.
            return per_column_threaded(columns, n_jobs, [&](const VectorView &x, OutputView out, int jobs) {
                rolling_into(t, window, o, rs, x, out, jobs);
            });
        },
        py::arg("columns"), py::arg("times"), py::arg("kind"), py::arg("size"), py::arg("min_periods"),
        py::arg("closed"), py::arg("center"), py::arg("stat"), py::arg("q") = 0.5,
        py::arg("interpolation") = "linear", py::arg("ddof") = 1, py::arg("n_jobs") = 1);

    m.def(
        "ewm",
        [](const InputArray &columns, const std::string &stat, double alpha, bool adjust, bool ignore_na,
           std::int64_t min_periods, bool bias) {
            const EwmOptions o = ewm_options(alpha, adjust, ignore_na, min_periods);
            require(stat == "mean" || stat == "var" || stat == "std", "stat", "expected mean, var or std");
            return per_column(columns, [&](const VectorView &x, OutputView out) {
                if (stat == "mean") ewm_mean(x, out, o);
                else if (stat == "var") ewm_var(x, out, o, bias);
                else ewm_std(x, out, o, bias);
            });
        },
        py::arg("columns"), py::arg("stat"), py::arg("alpha"), py::arg("adjust"), py::arg("ignore_na"),
        py::arg("min_periods"), py::arg("bias") = false);

    m.def(
        "offset_transform",
        [](const InputArray &columns, const std::string &kind, std::int64_t periods) {
            require(kind == "shift" || kind == "diff" || kind == "pct_change", "kind", "unknown transform '", kind, "'");
            return per_column(columns, [&](const VectorView &x, OutputView out) {
                if (kind == "shift") shift(x, out, periods);
                else if (kind == "diff") diff(x, out, periods);
                else pct_change(x, out, periods);
            });
        },
        py::arg("columns"), py::arg("kind"), py::arg("periods"));

    m.def(
        "describe",
        [](const InputArray &columns) {
            const MatrixView view = matrix_view(columns, "X");
            py::array_t<double> out({view.rows(), std::size_t{9}});
            double *o = out.mutable_data();
            for (std::size_t c = 0; c < view.rows(); ++c) {
                const auto v = describe(view.row(c), view.cols()).values();
                std::copy(v.begin(), v.end(), o + 9 * c);
            }
            return out;
        },
        py::arg("columns"));

    m.def(
        "corr",
        [](const InputArray &X, const std::string &method, std::int64_t min_periods) {
            const MatrixView view = matrix_view(X, "X");
            const auto how = parse_correlation_method(method);
            Matrix r;
            {
                py::gil_scoped_release release; // pure C++ over X's buffer
                r = correlation_matrix(view, how, min_periods);
            }
            return matrix_to_numpy(r);
        },
        py::arg("X"), py::arg("method") = "pearson", py::arg("min_periods") = 1);

    m.def(
        "acf",
        [](const InputArray &x, std::int64_t nlags, bool adjusted) {
            require(x.ndim() == 1, "x", "expected a 1-D array");
            return vector_to_numpy(autocorrelation(VectorView(x.data(), static_cast<std::size_t>(x.size())), nlags, adjusted));
        },
        py::arg("x"), py::arg("nlags"), py::arg("adjusted") = false);

    m.def(
        "cross_correlation",
        [](const InputArray &x, const InputArray &y, std::int64_t max_lag, bool adjusted) {
            require(x.ndim() == 1, "x", "expected a 1-D array");
            require(y.ndim() == 1, "y", "expected a 1-D array");
            const auto r = cross_correlation(VectorView(x.data(), static_cast<std::size_t>(x.size())),
                                             VectorView(y.data(), static_cast<std::size_t>(y.size())), max_lag, adjusted);
            return py::make_tuple(py::array_t<std::int64_t>(static_cast<py::ssize_t>(r.lags.size()), r.lags.data()),
                                  vector_to_numpy(r.values), r.best_lag, r.best_value);
        },
        py::arg("x"), py::arg("y"), py::arg("max_lag"), py::arg("adjusted") = true);

    m.def(
        "seasonal_decompose",
        [](const InputArray &x, std::int64_t period, const std::string &model) {
            require(x.ndim() == 1, "x", "expected a 1-D array");
            const auto d = seasonal_decompose(VectorView(x.data(), static_cast<std::size_t>(x.size())), period,
                                              parse_seasonal_model(model));
            return py::make_tuple(vector_to_numpy(d.observed), vector_to_numpy(d.trend), vector_to_numpy(d.seasonal),
                                  vector_to_numpy(d.resid));
        },
        py::arg("x"), py::arg("period"), py::arg("model") = "additive");

    m.def(
        "adfuller",
        [](const InputArray &x, std::optional<std::int64_t> maxlag, const std::string &regression,
           const std::string &autolag) {
            require(x.ndim() == 1, "x", "expected a 1-D array");
            AdfOptions o{maxlag, parse_adf_regression(regression), parse_autolag(autolag)};
            AdfResult r;
            {
                py::gil_scoped_release release; // least squares on a copy of x
                r = adfuller(VectorView(x.data(), static_cast<std::size_t>(x.size())), o);
            }
            return py::make_tuple(r.statistic, r.pvalue, r.usedlag, r.nobs,
                                  py::make_tuple(r.critical_values[0], r.critical_values[1], r.critical_values[2]),
                                  r.icbest);
        },
        py::arg("x"), py::arg("maxlag"), py::arg("regression"), py::arg("autolag"));

    py::class_<FeatureBuilder>(m, "FeatureBuilder")
        .def(py::init<>())
        .def("calendar", [](FeatureBuilder &fb, const std::vector<std::string> &fields) { fb.calendar(fields); },
             py::arg("fields"))
        .def("lag", [](FeatureBuilder &fb, const std::string &c, const std::vector<std::int64_t> &p) { fb.lag(c, p); },
             py::arg("column"), py::arg("periods"))
        .def(
            "rolling",
            [](FeatureBuilder &fb, const std::string &c, const std::string &window, const std::vector<std::string> &stats,
               std::optional<std::int64_t> min_periods, const std::string &closed, bool center) {
                fb.rolling(c, window, stats, RollingOptions{min_periods, parse_closed(closed), center});
            },
            py::arg("column"), py::arg("window"), py::arg("stats"), py::arg("min_periods"), py::arg("closed"),
            py::arg("center"))
        .def("diff", [](FeatureBuilder &fb, const std::string &c, std::int64_t p) { fb.diff(c, p); }, py::arg("column"),
             py::arg("periods"))
        .def("product", [](FeatureBuilder &fb, const std::string &a, const std::string &b) { fb.product(a, b); })
        .def("ratio", [](FeatureBuilder &fb, const std::string &a, const std::string &b) { fb.ratio(a, b); })
        .def_property_readonly("feature_names", &FeatureBuilder::feature_names)
        .def_property_readonly("n_features", &FeatureBuilder::size)
        .def(
            "apply",
            [](const FeatureBuilder &fb, const std::optional<TimeArray> &times, const std::vector<std::string> &names,
               const InputArray &X) {
                const MatrixView view = matrix_view(X, "X");
                const std::int64_t *t = times ? times->data() : nullptr;
                const std::size_t nt = times ? static_cast<std::size_t>(times->size()) : 0;
                FeatureMatrix f;
                {
                    py::gil_scoped_release release; // pure C++ over held buffers
                    f = fb.apply(t, nt, names, view);
                }
                return matrix_to_numpy(f.values);
            },
            py::arg("times"), py::arg("names"), py::arg("X"))
        .def("to_json", [](const FeatureBuilder &fb) { return fb.to_document().dump(); })
        .def("to_bytes", [](const FeatureBuilder &fb) { return document_bytes(fb.to_document()); })
        .def_static("from_bytes", [](const py::bytes &b) { return FeatureBuilder::from_document(document_from_bytes(b)); })
        .def("save", &FeatureBuilder::save, py::arg("path"))
        .def_static("load", &FeatureBuilder::load, py::arg("path"))
        .def(py::pickle([](const FeatureBuilder &fb) { return document_bytes(fb.to_document()); },
                        [](const py::bytes &b) { return FeatureBuilder::from_document(document_from_bytes(b)); }));

    py::class_<StandardScaler>(m, "StandardScaler")
        .def(py::init([](bool with_mean, bool with_std) { return StandardScaler({with_mean, with_std}); }),
             py::arg("with_mean") = true, py::arg("with_std") = true)
        .def("fit", [](StandardScaler &s, const InputArray &X) { s.fit(matrix_view(X, "X")); }, py::arg("X"))
        .def("transform", transform_with(&StandardScaler::transform), py::arg("X"))
        .def("inverse_transform", transform_with(&StandardScaler::inverse_transform), py::arg("X"))
        .def_property_readonly("mean", &StandardScaler::mean)
        .def_property_readonly("var", &StandardScaler::var)
        .def_property_readonly("scale", &StandardScaler::scale)
        .def("to_bytes", &scaler_bytes<StandardScaler>)
        .def_static("from_bytes", [](const py::bytes &b) { return StandardScaler::from_document(document_from_bytes(b)); })
        .def("save", &StandardScaler::save, py::arg("path"))
        .def_static("load", &StandardScaler::load, py::arg("path"))
        .def(py::pickle(&scaler_bytes<StandardScaler>,
                        [](const py::bytes &b) { return StandardScaler::from_document(document_from_bytes(b)); }));

    py::class_<RobustScaler>(m, "RobustScaler")
        .def(py::init([](bool c, bool s, double lo, double hi) { return RobustScaler({c, s, lo, hi}); }),
             py::arg("with_centering") = true, py::arg("with_scaling") = true, py::arg("q_low") = 25.0,
             py::arg("q_high") = 75.0)
        .def("fit", [](RobustScaler &s, const InputArray &X) { s.fit(matrix_view(X, "X")); }, py::arg("X"))
        .def("transform", transform_with(&RobustScaler::transform), py::arg("X"))
        .def("inverse_transform", transform_with(&RobustScaler::inverse_transform), py::arg("X"))
        .def_property_readonly("center", &RobustScaler::center)
        .def_property_readonly("scale", &RobustScaler::scale)
        .def("to_bytes", &scaler_bytes<RobustScaler>)
        .def_static("from_bytes", [](const py::bytes &b) { return RobustScaler::from_document(document_from_bytes(b)); })
        .def("save", &RobustScaler::save, py::arg("path"))
        .def_static("load", &RobustScaler::load, py::arg("path"))
        .def(py::pickle(&scaler_bytes<RobustScaler>,
                        [](const py::bytes &b) { return RobustScaler::from_document(document_from_bytes(b)); }));

    py::class_<MinMaxScaler>(m, "MinMaxScaler")
        .def(py::init([](double lo, double hi, bool clip) { return MinMaxScaler({lo, hi, clip}); }),
             py::arg("feature_min") = 0.0, py::arg("feature_max") = 1.0, py::arg("clip") = false)
        .def("fit", [](MinMaxScaler &s, const InputArray &X) { s.fit(matrix_view(X, "X")); }, py::arg("X"))
        .def("transform", transform_with(&MinMaxScaler::transform), py::arg("X"))
        .def("inverse_transform", transform_with(&MinMaxScaler::inverse_transform), py::arg("X"))
        .def_property_readonly("data_min", &MinMaxScaler::data_min)
        .def_property_readonly("data_max", &MinMaxScaler::data_max)
        .def_property_readonly("scale", &MinMaxScaler::scale)
        .def_property_readonly("min", &MinMaxScaler::min)
        .def("to_bytes", &scaler_bytes<MinMaxScaler>)
        .def_static("from_bytes", [](const py::bytes &b) { return MinMaxScaler::from_document(document_from_bytes(b)); })
        .def("save", &MinMaxScaler::save, py::arg("path"))
        .def_static("load", &MinMaxScaler::load, py::arg("path"))
        .def(py::pickle(&scaler_bytes<MinMaxScaler>,
                        [](const py::bytes &b) { return MinMaxScaler::from_document(document_from_bytes(b)); }));
}

} // namespace oddkit::python
