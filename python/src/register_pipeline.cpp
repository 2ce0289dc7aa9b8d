// Bindings of oddkit::Pipeline (oddkit/stream/pipeline.hpp) as oddkit._core.Pipeline; the
// Python class oddkit.stream.Pipeline (python/oddkit/pipeline.py) wraps it. Parameters arrive
// as the JSON of PipelineParams, built and type-checked in Python.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "numpy_view.hpp"
#include "oddkit/detect/registry.hpp"
#include "oddkit/detect/isolation_forest.hpp"
#include "oddkit/stream/pipeline.hpp"

namespace oddkit::python {

namespace {

using Int64Array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

PipelineParams params_from_json_text(const std::string &text) {
    try {
        return PipelineParams::from_json(Json::parse(text));
    } catch (const FormatError &e) {
        throw InvalidArgument(std::string("params: ") + e.what());
    } catch (const Json::exception &e) {
        throw InvalidArgument(std::string("params: ") + e.what());
    }
}

Pipeline make_pipeline(const std::string &params_json, const py::object &detector) {
    PipelineParams params = params_from_json_text(params_json);
    if (detector.is_none()) {
        return Pipeline(std::move(params));
    }
    if (py::isinstance<IsolationForest>(detector)) { // no round trip through bytes
        auto forest = std::make_shared<const IsolationForest>(detector.cast<const IsolationForest &>());
        return Pipeline(std::move(params), std::move(forest));
    }
    if (py::isinstance<OnlineDetector>(detector)) {
        return Pipeline(std::move(params), detector.cast<const OnlineDetector &>());
    }
    if (py::hasattr(detector, "to_bytes")) { // any other registered batch detector
        const auto doc = document_from_bytes(detector.attr("to_bytes")().cast<py::bytes>());
        return Pipeline(std::move(params), std::shared_ptr<const Detector>(load_detector(doc)));
    }
    throw InvalidArgument("detector: expected None, a fitted oddkit detector or an online detector, got " +
                          std::string(py::str(py::type::of(detector).attr("__name__"))));
}

py::list anomalies_to_python(const std::vector<Anomaly> &found) {
    py::list out;
    for (const auto &a : found) {
        py::array_t<double> features(static_cast<py::ssize_t>(a.features.size()));
        std::copy(a.features.begin(), a.features.end(), features.mutable_data());
        py::list drivers;
        for (const auto &c : a.drivers) {
            drivers.append(py::make_tuple(c.feature, c.weight));
        }
        out.append(py::make_tuple(a.device, a.window_start, a.window_end, a.n_events, a.score, features, drivers));
    }
    return out;
}

/// Named values from a dict of str -> number (None is NaN); checked whole before the push.
std::vector<std::pair<std::string, double>> named_values(const py::dict &values) {
    std::vector<std::pair<std::string, double>> out;
    out.reserve(values.size());
    for (const auto &[key, value] : values) {
        require(py::isinstance<py::str>(key), "values", "field names must be strings, got ",
                std::string(py::str(py::type::of(key).attr("__name__"))));
        double v = std::numeric_limits<double>::quiet_NaN();
        if (!value.is_none()) {
            const bool number = (PyFloat_Check(value.ptr()) || PyLong_Check(value.ptr()) ||
                                 PyObject_HasAttrString(value.ptr(), "__float__")) &&
                                !PyBool_Check(value.ptr()) && !py::isinstance<py::str>(value);
            require(number, "values", "field '", key.cast<std::string>(), "' is not a number");
            v = value.cast<double>();
        }
        out.emplace_back(key.cast<std::string>(), v);
    }
    return out;
}

} // namespace

void register_pipeline(py::module_ &m) {
    py::class_<Pipeline>(m, "Pipeline")
        .def(py::init(&make_pipeline), py::arg("params_json"), py::arg("detector") = py::none())
        .def(
            "push",
            [](Pipeline &self, const std::string &device, std::int64_t t, const py::dict &values) {
                const auto named = named_values(values);
                std::vector<Anomaly> out;
                self.push_named(device, t, named, out);
                return anomalies_to_python(out);
            },
            py::arg("device"), py::arg("timestamp"), py::arg("values"))
        .def(
            "push_values",
            [](Pipeline &self, const std::string &device, std::int64_t t, const InputArray &values) {
                require(values.ndim() == 1, "values", "expected a 1-D array of one value per field");
                std::vector<Anomaly> out;
                self.push(device, t, values.data(), static_cast<std::size_t>(values.shape(0)), out);
                return anomalies_to_python(out);
            },
            py::arg("device"), py::arg("timestamp"), py::arg("values"))
        .def(
            "push_many",
            [](Pipeline &self, const std::vector<std::string> &devices, const Int64Array &timestamps,
               const InputArray &values) {
                const MatrixView X = matrix_view(values, "values");
                require(timestamps.ndim() == 1, "timestamps", "expected a 1-D array");
                const auto n = static_cast<std::size_t>(timestamps.shape(0));
                require(devices.size() == n && X.rows() == n, "push_many", "devices (", devices.size(),
                        "), timestamps (", n, ") and values (", X.rows(), " rows) differ in length");
                require(X.cols() == self.fields().size(), "values", "has ", X.cols(),
                        " columns, expected one per field (", self.fields().size(), ")");
                for (const auto &d : devices) {
                    require(!d.empty(), "devices", "empty device id");
                }
                const std::int64_t *t = timestamps.data();
                for (std::size_t i = 0; i < n; ++i) {
                    require(t[i] >= -max_abs_timestamp && t[i] <= max_abs_timestamp, "timestamps", t[i],
                            " ns at row ", i, " is outside +-2^62 ns of the epoch");
                }
                std::vector<Anomaly> out;
                {
                    py::gil_scoped_release release; // C++ state and buffers we hold references to
                    for (std::size_t i = 0; i < n; ++i) {
                        self.push(devices[i], t[i], X.row(i), X.cols(), out);
                    }
                }
                return anomalies_to_python(out);
            },
            py::arg("devices"), py::arg("timestamps"), py::arg("values"))
        .def("flush",
             [](Pipeline &self) {
                 std::vector<Anomaly> out;
                 self.flush(out);
                 return anomalies_to_python(out);
             })
        .def("take_feature_rows",
             [](Pipeline &self) {
                 FeatureRows rows = self.take_feature_rows();
                 const std::size_t d = self.feature_names().size();
                 const std::size_t n = rows.window_start.size();
                 py::array_t<std::int64_t> starts(static_cast<py::ssize_t>(n));
                 std::copy(rows.window_start.begin(), rows.window_start.end(), starts.mutable_data());
                 py::array_t<double> X({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(d)});
                 std::copy(rows.values.begin(), rows.values.end(), X.mutable_data());
                 return py::make_tuple(rows.device, starts, X);
             })
        .def_property_readonly("stats", [](const Pipeline &self) { return self.stats().to_json().dump(); })
        .def("late_events", &Pipeline::late_events, py::arg("device"))
        .def("watermark", &Pipeline::watermark, py::arg("device"))
        .def_property_readonly("devices", &Pipeline::devices)
        .def_property_readonly("fields", &Pipeline::fields)
        .def_property_readonly("aggregate_names", &Pipeline::aggregate_names)
        .def_property_readonly("feature_names", &Pipeline::feature_names)
        .def_property_readonly("threshold", &Pipeline::threshold)
        .def_property_readonly("params_json", [](const Pipeline &self) { return self.params().to_json().dump(); })
        .def_property_readonly("detector_kind", [](const Pipeline &self) {
            switch (self.scorer().kind()) {
            case WindowScorer::Kind::batch:
                return std::string("batch");
            case WindowScorer::Kind::online:
                return std::string("online");
            case WindowScorer::Kind::none:
                break;
            }
            return std::string("none");
        })
        .def("save", &Pipeline::save, py::arg("path"))
        .def_static("load", &Pipeline::load, py::arg("path"))
        .def("to_json", [](const Pipeline &self) { return self.to_document().dump(); })
        .def("to_bytes", [](const Pipeline &self) { return document_bytes(self.to_document()); })
        .def_static("from_bytes", [](const py::bytes &b) { return Pipeline::from_document(document_from_bytes(b)); });
}

} // namespace oddkit::python
