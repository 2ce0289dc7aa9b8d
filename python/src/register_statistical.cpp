// Bindings of the statistical detectors (oddkit._core.ZScoreDetector, ...) and the
// distribution functions they rest on. Every detector is bound by one template: parameters
// arrive as the JSON object of its Params (the Python class builds it from its keyword
// arguments, already validated by scikit-learn's constraints), fitted state leaves as JSON.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "oddkit/core/distributions.hpp"
#include "oddkit/detect/statistical.hpp"

namespace oddkit::python {

namespace {

template <class T> py::array_t<double> score_with(const T &model, const InputArray &X, bool anomaly) {
    const MatrixView view = matrix_view(X);
    auto out = new_vector(view.rows());
    OutputView target = output_view(out);
    {
        py::gil_scoped_release release; // pure C++ on buffers we hold references to
        if (anomaly) {
            model.anomaly_score(view, target);
        } else {
            model.score_samples(view, target);
        }
    }
    return out;
}

template <class T> void bind_statistical(py::module_ &m, const char *name) {
    py::class_<T>(m, name)
        .def(py::init([](const std::string &params_json) {
                 return T(T::Params::from_json(Json::parse(params_json)));
             }),
             py::arg("params_json"))
        .def(
            "fit",
            [](T &self, const InputArray &X) {
                const MatrixView view = matrix_view(X);
                py::gil_scoped_release release; // fitting touches only C++ state and X's buffer
                self.fit(view);
            },
            py::arg("X"))
        .def("score_samples", [](const T &self, const InputArray &X) { return score_with(self, X, false); },
             py::arg("X"))
        .def("anomaly_score", [](const T &self, const InputArray &X) { return score_with(self, X, true); },
             py::arg("X"))
        .def_property_readonly("offset", &T::offset)
        .def_property_readonly("n_features_in", &T::n_features_in)
        .def_property_readonly("is_fitted", &T::is_fitted)
        .def("params_json", [](const T &self) { return self.params().to_json().dump(); })
        .def("state_json", [](const T &self) { return self.to_document()["state"].dump(); })
        .def("save", &T::save, py::arg("path"))
        .def_static("load", &T::load, py::arg("path"))
        .def("to_json", [](const T &self) { return self.to_document().dump(); })
        .def("to_bytes", [](const T &self) { return document_bytes(self.to_document()); })
        .def_static("from_bytes", [](const py::bytes &b) { return T::from_document(document_from_bytes(b)); })
        .def(py::pickle([](const T &self) { return document_bytes(self.to_document()); },
                        [](const py::bytes &b) { return T::from_document(document_from_bytes(b)); }));
}

} // namespace

void register_statistical(py::module_ &m) {
    bind_statistical<ZScoreDetector>(m, "ZScoreDetector");
    bind_statistical<RobustZScoreDetector>(m, "RobustZScoreDetector");
    bind_statistical<IQRDetector>(m, "IQRDetector");
    bind_statistical<GeneralizedESD>(m, "GeneralizedESD");
    bind_statistical<EWMADetector>(m, "EWMADetector");
    bind_statistical<CUSUMDetector>(m, "CUSUMDetector");
    bind_statistical<SeasonalDetector>(m, "SeasonalDetector");
    bind_statistical<MahalanobisDetector>(m, "MahalanobisDetector");

    m.def("student_t_quantile", &student_t_quantile, py::arg("p"), py::arg("df"));
    m.def("student_t_cdf", &student_t_cdf, py::arg("t"), py::arg("df"));
    m.def("chi2_quantile", &chi2_quantile, py::arg("p"), py::arg("df"));
    m.def(
        "generalized_esd",
        [](const std::vector<double> &values, std::size_t max_anomalies, double alpha) {
            const EsdResult r = generalized_esd(values, max_anomalies, alpha);
            py::dict d;
            d["statistics"] = r.statistics;
            d["critical_values"] = r.critical_values;
            d["removed"] = r.removed;
            d["n_outliers"] = r.n_outliers;
            return d;
        },
        py::arg("values"), py::arg("max_anomalies"), py::arg("alpha"));
    m.def(
        "seasonal_decompose",
        [](const std::vector<double> &x, std::size_t period) {
            const auto d = SeasonalDetector::decompose(x, period);
            return py::make_tuple(d.trend, d.seasonal, d.residual);
        },
        py::arg("x"), py::arg("period"));
}

} // namespace oddkit::python
