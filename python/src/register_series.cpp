// Bindings of the series layer as functions over NumPy arrays: an index is a C-contiguous
// int64 array of ns since the epoch, a column a 1-D float64 / int64 / bool array. Float64
// inputs are read in place (no copy); results are new arrays, C++ buffers handed to NumPy
// without a copy. The pure-Python Frame and Series in python/oddkit/series.py wrap these.

#include <algorithm>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "numpy_view.hpp"
#include "oddkit/series/csv_io.hpp"
#include "oddkit/series/fill.hpp"
#include "oddkit/series/join.hpp"
#include "oddkit/series/json_io.hpp"
#include "oddkit/series/merge_asof.hpp"
#include "oddkit/series/resample.hpp"

namespace oddkit::python {

namespace {

using TimeArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using FloatArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::span<const std::int64_t> time_span(const TimeArray &a, const char *name) {
    require(a.ndim() == 1, name, "expected a 1-D array of int64 ns timestamps, got ", a.ndim(), "-D");
    return {a.data(), static_cast<std::size_t>(a.size())};
}

/// Moves an owned xtensor into a NumPy array without copying (the capsule owns it).
template <class T> py::array_t<T> hand_over(xt::xtensor<T, 1> &&v) {
    auto *owned = new xt::xtensor<T, 1>(std::move(v));
    py::capsule free_when_done(owned, [](void *p) { delete static_cast<xt::xtensor<T, 1> *>(p); });
    return py::array_t<T>({static_cast<py::ssize_t>(owned->size())}, {static_cast<py::ssize_t>(sizeof(T))},
                          owned->data(), free_when_done);
}
template <class T> py::array_t<T> hand_over(std::vector<T> &&v) {
    auto *owned = new std::vector<T>(std::move(v));
    py::capsule free_when_done(owned, [](void *p) { delete static_cast<std::vector<T> *>(p); });
    return py::array_t<T>({static_cast<py::ssize_t>(owned->size())}, {static_cast<py::ssize_t>(sizeof(T))},
                          owned->data(), free_when_done);
}

py::array column_to_numpy(Column &&c) {
    return std::visit([](auto &&v) -> py::array { return hand_over(std::move(v)); }, std::move(c));
}

/// A NumPy column as an owned C++ Column (a copy; used for int64/bool and the I/O paths).
Column numpy_to_column(const py::array &a, const std::string &name) {
    require(a.ndim() == 1, "values", "column '", name, "' must be 1-D, got ", a.ndim(), "-D");
    const auto n = static_cast<std::size_t>(a.size());
    const char kind = a.dtype().kind();
    if (kind == 'b') {
        auto arr = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(a);
        BoolColumn c = BoolColumn::from_shape({n});
        std::copy(arr.data(), arr.data() + n, c.data());
        return c;
    }
    if (kind == 'i' || kind == 'u') {
        auto arr = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(a);
        IntColumn c = IntColumn::from_shape({n});
        std::copy(arr.data(), arr.data() + n, c.data());
        return c;
    }
    require(kind == 'f', "values", "column '", name, "' has dtype kind '", std::string(1, kind),
            "'; expected float, int or bool");
    auto arr = FloatArray::ensure(a);
    FloatColumn c = FloatColumn::from_shape({n});
    std::copy(arr.data(), arr.data() + n, c.data());
    return c;
}

Frame frame_from_arrays(const TimeArray &times, const std::vector<std::string> &names, const std::vector<py::array> &cols) {
    require(names.size() == cols.size(), "columns", names.size(), " names for ", cols.size(), " arrays");
    const auto t = time_span(times, "index");
    IndexVector idx = IndexVector::from_shape({t.size()});
    std::copy(t.begin(), t.end(), idx.data());
    Frame f{TimeIndex(std::move(idx))};
    for (std::size_t j = 0; j < names.size(); ++j) f.add(names[j], numpy_to_column(cols[j], names[j]));
    return f;
}

py::tuple frame_to_arrays(Frame &&f) {
    py::list names, cols;
    IndexVector idx = f.index().values();
    for (std::size_t j = 0; j < f.cols(); ++j) {
        names.append(f.names()[j]);
        Column c = f.column(j);
        cols.append(column_to_numpy(std::move(c)));
    }
    return py::make_tuple(hand_over(std::move(idx)), names, cols);
}

ResampleParams resample_params(const std::string &rule, const std::optional<std::string> &closed,
                               const std::optional<std::string> &label, const py::object &origin, std::int64_t offset) {
    ResampleParams p;
    p.rule = rule;
    if (closed) p.closed = parse_side(*closed, "closed");
    if (label) p.label = parse_side(*label, "label");
    if (py::isinstance<py::str>(origin)) p.origin = Origin::parse(origin.cast<std::string>());
    else p.origin = Origin::at(origin.cast<std::int64_t>());
    p.offset = offset;
    return p;
}

std::optional<std::size_t> limit_of(const std::optional<long long> &limit) {
    if (!limit) return std::nullopt;
    require(*limit > 0, "limit", "must be greater than 0, got ", *limit);
    return static_cast<std::size_t>(*limit);
}

} // namespace

void register_series(py::module_ &m) {
    m.def(
        "resample_columns",
        [](const TimeArray &times, const std::vector<py::array> &columns, const std::vector<std::tuple<std::size_t, std::string, double>> &specs,
           const std::string &rule, const std::optional<std::string> &closed, const std::optional<std::string> &label,
           const py::object &origin, std::int64_t offset, int n_jobs) {
            const auto t = time_span(times, "index");
            const ResampleParams params = resample_params(rule, closed, label, origin, offset);
            check_n_jobs(n_jobs);
            std::vector<Aggregation> aggs;
            for (const auto &[col, name, q] : specs) {
                require(col < columns.size(), "aggregations", "column position ", col, " out of range");
                aggs.push_back(name == "quantile" ? Aggregation::quantile_of(q) : Aggregation::parse(name));
            }
            for (const auto &c : columns) {
                require(c.ndim() == 1 && static_cast<std::size_t>(c.size()) == t.size(), "values",
                        "every column must be 1-D with as many rows as the index (", t.size(), ")");
            }
            // Float64 columns are read in place; others are converted once, with the GIL held.
            std::vector<FloatArray> float_cols;
            std::vector<std::optional<Column>> other_cols(columns.size());
            for (std::size_t j = 0; j < columns.size(); ++j) {
                if (columns[j].dtype().kind() == 'f') {
                    float_cols.push_back(FloatArray::ensure(columns[j]));
                } else {
                    float_cols.emplace_back();
                    other_cols[j] = numpy_to_column(columns[j], std::to_string(j));
                }
            }
            Bins bins;
            std::vector<Column> results(specs.size());
            {
                py::gil_scoped_release release; // one pass over the index, then each column's rows
                bins = make_bins(t, params, n_jobs);
                // float64 sums and means of all columns in one pass over the rows
                std::vector<const double *> sources;
                std::vector<AggKind> kinds;
                std::vector<double *> targets;
                std::vector<bool> fused(specs.size(), false);
                for (std::size_t s = 0; s < specs.size(); ++s) {
                    const std::size_t col = std::get<0>(specs[s]);
                    const AggKind k = aggs[s].kind;
                    if (!other_cols[col] && (k == AggKind::sum || k == AggKind::mean)) {
                        results[s] = FloatColumn::from_shape({bins.size()}); // `results` never reallocates
                        sources.push_back(float_cols[col].data());
                        kinds.push_back(k);
                        targets.push_back(std::get<FloatColumn>(results[s]).data());
                        fused[s] = true;
                    }
                }
                aggregate_sums_into(sources, kinds, bins, targets, n_jobs);
                for (std::size_t s = 0; s < specs.size(); ++s) {
                    const std::size_t col = std::get<0>(specs[s]);
                    const Aggregation &agg = aggs[s];
                    if (fused[s]) continue;
                    if (other_cols[col]) {
                        results[s] = aggregate(*other_cols[col], bins, agg, n_jobs);
                    } else {
                        FloatColumn out = FloatColumn::from_shape({bins.size()});
                        aggregate_into(float_cols[col].data(), bins, agg, out.data(), n_jobs);
                        if (agg.kind == AggKind::count) {
                            IntColumn counts = IntColumn::from_shape({bins.size()});
                            for (std::size_t b = 0; b < bins.size(); ++b) counts.data()[b] = static_cast<std::int64_t>(out.data()[b]);
                            results[s] = std::move(counts);
                        } else {
                            results[s] = std::move(out);
                        }
                    }
                }
            }
            py::list outs;
            for (auto &r : results) outs.append(column_to_numpy(std::move(r)));
            return py::make_tuple(hand_over(std::move(bins.labels)), outs);
        },
        py::arg("times"), py::arg("columns"), py::arg("specs"), py::arg("rule"), py::arg("closed") = py::none(),
        py::arg("label") = py::none(), py::arg("origin") = "start_day", py::arg("offset") = 0, py::arg("n_jobs") = 1,
        "Labels and aggregated columns; specs are (column position, aggregation, q).");

    m.def(
        "asof_gather",
        [](const TimeArray &left, const TimeArray &right, const std::vector<FloatArray> &columns, const std::string &direction,
           std::optional<std::int64_t> tolerance, bool allow_exact_matches, std::optional<TimeArray> left_by,
           std::optional<TimeArray> right_by, bool with_rows, int n_jobs) {
            const auto l = time_span(left, "left");
            const auto r = time_span(right, "right");
            AsofParams p{parse_direction(direction), tolerance, allow_exact_matches};
            p.validate();
            check_n_jobs(n_jobs);
            const std::int64_t *lb = nullptr, *rb = nullptr;
            if (left_by || right_by) {
                require(left_by && right_by, "by", "needs keys for both sides");
                require(static_cast<std::size_t>(left_by->size()) == l.size(), "by", "left keys must have one per left row");
                require(static_cast<std::size_t>(right_by->size()) == r.size(), "by", "right keys must have one per right row");
                lb = left_by->data();
                rb = right_by->data();
            }
            std::vector<const double *> sources;
            std::vector<double *> targets;
            py::list outs;
            for (const auto &c : columns) {
                require(c.ndim() == 1 && static_cast<std::size_t>(c.size()) == r.size(), "right",
                        "every column must be 1-D with one value per right row");
                sources.push_back(c.data());
                auto o = new_vector(l.size()); // NumPy memory: huge pages for large outputs
                targets.push_back(o.mutable_data());
                outs.append(o);
            }
            py::object rows_obj = py::none();
            std::int64_t *rows = nullptr;
            if (with_rows) {
                py::array_t<std::int64_t> a(static_cast<py::ssize_t>(l.size()));
                rows = a.mutable_data();
                rows_obj = a;
            }
            {
                py::gil_scoped_release release; // one merge walk writing buffers we hold
                asof_gather(l, r, p, sources, targets, rows, lb, rb, n_jobs);
            }
            return py::make_tuple(outs, rows_obj);
        },
        py::arg("left"), py::arg("right"), py::arg("columns"), py::arg("direction") = "backward",
        py::arg("tolerance") = py::none(), py::arg("allow_exact_matches") = true, py::arg("left_by") = py::none(),
        py::arg("right_by") = py::none(), py::arg("with_rows") = false, py::arg("n_jobs") = 1,
        "The float64 right columns matched as of each left time (NaN where none matches), and the "
        "indexer when with_rows.");

    m.def(
        "join_indexers",
        [](const TimeArray &left, const TimeArray &right, const std::string &how) {
            const auto l = time_span(left, "left");
            const auto r = time_span(right, "right");
            const JoinHow h = parse_join_how(how);
            JoinIndexers ix;
            {
                py::gil_scoped_release release;
                ix = join_indexers(l, r, h);
            }
            return py::make_tuple(hand_over(std::move(ix.times)), hand_over(std::move(ix.left)), hand_over(std::move(ix.right)));
        },
        py::arg("left"), py::arg("right"), py::arg("how") = "outer");

    m.def(
        "take",
        [](const py::array &values, const TimeArray &rows) -> py::array {
            const auto idx = time_span(rows, "rows");
            const auto n = static_cast<std::int64_t>(values.size());
            require(values.ndim() == 1, "values", "expected a 1-D array");
            bool missing = false;
            std::int64_t highest = -1;
            for (auto r : idx) {
                highest = std::max(highest, r);
                missing |= r < 0;
            }
            require(highest < n, "rows", "row ", highest, " out of range for ", n, " values");
            if (values.dtype().kind() == 'f' || missing) {
                const FloatArray x = FloatArray::ensure(values);
                auto out = new_vector(idx.size());
                double *dst = out.mutable_data();
                const double *src = x.data();
                {
                    py::gil_scoped_release release; // a gather over buffers we hold
                    for (std::size_t i = 0; i < idx.size(); ++i) dst[i] = idx[i] < 0 ? std::nan("") : src[idx[i]];
                }
                return out;
            }
            return column_to_numpy(take_rows(numpy_to_column(values, "values"), idx));
        },
        py::arg("values"), py::arg("rows"), "values[rows], NaN where a row is -1 (int/bool then become float64).");

    m.def(
        "fill",
        [](const FloatArray &values, const TimeArray &times, const std::string &method, std::optional<long long> limit) {
            require(values.ndim() == 1, "values", "expected a 1-D array");
            const auto lim = limit_of(limit);
            const auto t = time_span(times, "index");
            std::optional<InterpolateMethod> interp;
            if (method != "ffill" && method != "bfill") interp = parse_interpolate_method(method);
            auto out = new_vector(static_cast<std::size_t>(values.size()));
            std::copy(values.data(), values.data() + values.size(), out.mutable_data());
            std::span<double> x(out.mutable_data(), static_cast<std::size_t>(values.size()));
            {
                py::gil_scoped_release release;
                if (method == "ffill") ffill_in_place(x, lim);
                else if (method == "bfill") bfill_in_place(x, lim);
                else interpolate_in_place(x, t, *interp, lim);
            }
            return out;
        },
        py::arg("values"), py::arg("times"), py::arg("method"), py::arg("limit") = py::none(),
        "ffill, bfill, or interpolate ('linear', 'time') a float64 column into a new array.");

    m.def(
        "deduplicate",
        [](const TimeArray &times, const std::vector<std::string> &names, const std::vector<py::array> &cols, const std::string &keep) {
            Frame f = frame_from_arrays(times, names, cols);
            const DuplicatePolicy policy = parse_duplicate_policy(keep);
            Frame out;
            {
                py::gil_scoped_release release;
                out = deduplicate(f, policy);
            }
            return frame_to_arrays(std::move(out));
        },
        py::arg("times"), py::arg("names"), py::arg("columns"), py::arg("keep") = "first");

    m.def(
        "read_json",
        [](const std::string &path, const std::string &orient, const std::string &time_column, const std::string &unit) {
            JsonReadOptions o{parse_json_orient(orient), time_column, parse_time_unit(unit)};
            Frame f;
            {
                py::gil_scoped_release release; // file I/O and parsing
                f = read_json(path, o);
            }
            return frame_to_arrays(std::move(f));
        },
        py::arg("path"), py::arg("orient") = "records", py::arg("time_column") = "timestamp", py::arg("unit") = "ms");

    m.def(
        "read_csv",
        [](const std::string &path, const std::string &time_column, const std::string &delimiter, const std::string &unit) {
            require(delimiter.size() == 1, "sep", "must be one character, got '", delimiter, "'");
            CsvReadOptions o{time_column, delimiter[0], parse_time_unit(unit)};
            Frame f;
            {
                py::gil_scoped_release release;
                f = read_csv(path, o);
            }
            return frame_to_arrays(std::move(f));
        },
        py::arg("path"), py::arg("time_column") = "", py::arg("sep") = ",", py::arg("unit") = "ms");

    m.def(
        "write_json",
        [](const std::string &path, const TimeArray &times, const std::vector<std::string> &names, const std::vector<py::array> &cols,
           const std::string &orient, const std::string &time_column, const std::string &date_format, const std::string &unit) {
            require(date_format == "epoch" || date_format == "iso", "date_format", "expected 'epoch' or 'iso', got '", date_format, "'");
            const Frame f = frame_from_arrays(times, names, cols);
            JsonWriteOptions o{parse_json_orient(orient), time_column, date_format == "iso" ? TimeFormat::iso : TimeFormat::epoch,
                               parse_time_unit(unit)};
            py::gil_scoped_release release;
            write_json(path, f, o);
        },
        py::arg("path"), py::arg("times"), py::arg("names"), py::arg("columns"), py::arg("orient") = "records",
        py::arg("time_column") = "timestamp", py::arg("date_format") = "epoch", py::arg("unit") = "ms");

    m.def(
        "write_csv",
        [](const std::string &path, const TimeArray &times, const std::vector<std::string> &names, const std::vector<py::array> &cols,
           const std::string &time_column, const std::string &delimiter, bool iso, const std::string &unit) {
            require(delimiter.size() == 1, "sep", "must be one character, got '", delimiter, "'");
            const Frame f = frame_from_arrays(times, names, cols);
            CsvWriteOptions o{time_column, delimiter[0], iso, parse_time_unit(unit)};
            py::gil_scoped_release release;
            write_csv(path, f, o);
        },
        py::arg("path"), py::arg("times"), py::arg("names"), py::arg("columns"), py::arg("time_column") = "timestamp",
        py::arg("sep") = ",", py::arg("iso") = true, py::arg("unit") = "ms");

    m.def(
        "check_sorted_times",
        [](const TimeArray &times, const std::string &name) { check_sorted_times(time_span(times, name.c_str()), name.c_str()); },
        py::arg("times"), py::arg("name") = "index");
}

} // namespace oddkit::python
