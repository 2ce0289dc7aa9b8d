// Bindings of oddkit::IsolationForest as oddkit._core.IsolationForest.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "oddkit/detect/isolation_forest.hpp"

namespace oddkit::python {

namespace {

IsolationForestParams make_params(int n_estimators, const py::object &max_samples,
                                  const py::object &contamination, const py::object &max_features,
                                  bool bootstrap, int extension_level, int n_jobs,
                                  std::uint64_t random_state) {
    IsolationForestParams p;
    p.n_estimators = n_estimators;
    p.max_samples = count_or_fraction(max_samples, "max_samples");
    if (!(py::isinstance<py::str>(contamination) && contamination.cast<std::string>() == "auto")) {
        require(PyFloat_Check(contamination.ptr()) || (PyLong_Check(contamination.ptr()) && !PyBool_Check(contamination.ptr())),
                "contamination", "expected 'auto' or a float in (0, 0.5]");
        p.contamination = contamination.cast<double>();
    }
    p.max_features = count_or_fraction(max_features, "max_features");
    p.bootstrap = bootstrap;
    p.extension_level = extension_level;
    p.n_jobs = n_jobs;
    p.random_state = random_state;
    return p;
}

py::dict params_dict(const IsolationForestParams &p) {
    py::dict d;
    d["n_estimators"] = p.n_estimators;
    d["max_samples"] = count_or_fraction_to_python(p.max_samples);
    d["contamination"] = p.contamination ? py::object(py::float_(*p.contamination)) : py::object(py::str("auto"));
    d["max_features"] = count_or_fraction_to_python(p.max_features);
    d["bootstrap"] = p.bootstrap;
    d["extension_level"] = p.extension_level;
    d["n_jobs"] = p.n_jobs;
    d["random_state"] = p.random_state;
    return d;
}

/// Runs a scoring method into a new vector with the GIL released.
template <class Method>
py::array_t<double> score_into_new(const IsolationForest &forest, const InputArray &X, Method method) {
    const MatrixView view = matrix_view(X);
    auto out = new_vector(view.rows());
    OutputView target = output_view(out);
    run_interruptible(view.rows(), [&](std::size_t begin, std::size_t end) {
        (forest.*method)(view.slice_rows(begin, end), OutputView(target.data + begin, end - begin));
    });
    return out;
}

} // namespace

void register_isolation_forest(py::module_ &m) {
    using SampleMethod = void (IsolationForest::*)(const MatrixView &, OutputView) const;

    py::class_<IsolationForest>(m, "IsolationForest")
        .def(py::init([](int n_estimators, const py::object &max_samples, const py::object &contamination,
                         const py::object &max_features, bool bootstrap, int extension_level, int n_jobs,
                         std::uint64_t random_state) {
                 return IsolationForest(make_params(n_estimators, max_samples, contamination, max_features,
                                                    bootstrap, extension_level, n_jobs, random_state));
             }),
             py::arg("n_estimators") = 100, py::arg("max_samples") = "auto", py::arg("contamination") = "auto",
             py::arg("max_features") = 1.0, py::arg("bootstrap") = false, py::arg("extension_level") = 0,
             py::arg("n_jobs") = 1, py::arg("random_state") = 0)
        .def(
            "fit",
            [](IsolationForest &self, const InputArray &X) {
                const MatrixView view = matrix_view(X);
                py::gil_scoped_release release; // training touches only C++ state and X's buffer
                self.fit(view);
            },
            py::arg("X"))
        .def(
            "score_samples",
            [](const IsolationForest &self, const InputArray &X) {
                return score_into_new(self, X, static_cast<SampleMethod>(&IsolationForest::score_samples));
            },
            py::arg("X"))
        .def(
            "anomaly_score",
            [](const IsolationForest &self, const InputArray &X) {
                return score_into_new(self, X, static_cast<SampleMethod>(&IsolationForest::anomaly_score));
            },
            py::arg("X"))
        .def(
            "mean_path_length",
            [](const IsolationForest &self, const InputArray &X) {
                return score_into_new(self, X, &IsolationForest::mean_path_length);
            },
            py::arg("X"))
        .def(
            "feature_attributions",
            [](const IsolationForest &self, const InputArray &X) {
                const MatrixView view = matrix_view(X);
                Matrix result;
                {
                    py::gil_scoped_release release; // pure C++ work
                    result = self.feature_attributions(view);
                }
                py::array_t<double> out({result.shape(0), result.shape(1)});
                std::copy(result.begin(), result.end(), out.mutable_data());
                return out;
            },
            py::arg("X"))
        .def_property_readonly("offset", &IsolationForest::offset)
        .def_property_readonly("n_features_in", &IsolationForest::n_features_in)
        .def_property_readonly("max_samples", [](const IsolationForest &self) { return self.max_samples(); })
        .def_property_readonly("is_fitted", &IsolationForest::is_fitted)
        .def_property_readonly("n_estimators", &IsolationForest::n_estimators)
        .def_property_readonly("node_count", &IsolationForest::node_count)
        .def_property_readonly("params", [](const IsolationForest &self) { return params_dict(self.params()); })
        .def("set_n_jobs", &IsolationForest::set_n_jobs, py::arg("n_jobs"))
        .def_property("feature_names", &IsolationForest::feature_names, &IsolationForest::set_feature_names)
        .def("save", &IsolationForest::save, py::arg("path"))
        .def_static("load", &IsolationForest::load, py::arg("path"))
        .def("to_json", [](const IsolationForest &self) { return self.to_document().dump(); })
        .def("to_bytes", [](const IsolationForest &self) { return document_bytes(self.to_document()); })
        .def_static("from_bytes",
                    [](const py::bytes &b) { return IsolationForest::from_document(document_from_bytes(b)); })
        .def(py::pickle([](const IsolationForest &self) { return document_bytes(self.to_document()); },
                        [](const py::bytes &b) { return IsolationForest::from_document(document_from_bytes(b)); }));
}

} // namespace oddkit::python
