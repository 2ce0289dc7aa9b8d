// Bindings of oddkit::Ensemble as oddkit._core.Ensemble. Members arrive as model documents
// (bytes) of fitted detectors and are rebuilt through the C++ registry, so the ensemble owns
// its own copies and its document embeds theirs.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "oddkit/detect/ensemble.hpp"

namespace oddkit::python {

namespace {

py::array_t<double> to_numpy(const Matrix &m) {
    py::array_t<double> out({m.shape(0), m.shape(1)});
    std::copy(m.begin(), m.end(), out.mutable_data());
    return out;
}

EnsembleParams ensemble_params(const std::string &normalization, const std::string &combination,
                               const std::vector<double> &weights, int n_buckets, const py::object &contamination) {
    EnsembleParams p;
    p.normalization = normalization_from_string(normalization);
    p.combination = combination_from_string(combination);
    p.weights = weights;
    p.n_buckets = n_buckets;
    if (!(py::isinstance<py::str>(contamination) && contamination.cast<std::string>() == "auto")) {
        p.contamination = contamination.cast<double>();
    }
    return p;
}

template <class Method> auto matrix_call(const Ensemble &self, const InputArray &X, Method method) {
    const MatrixView view = matrix_view(X);
    Matrix result;
    {
        py::gil_scoped_release release; // members score in C++ only
        result = (self.*method)(view);
    }
    return to_numpy(result);
}

} // namespace

void register_ensemble(py::module_ &m) {
    py::class_<Ensemble>(m, "Ensemble")
        .def(py::init([](const std::vector<py::bytes> &members, const std::string &normalization,
                         const std::string &combination, const std::vector<double> &weights, int n_buckets,
                         const py::object &contamination) {
                 std::vector<std::unique_ptr<Detector>> detectors;
                 for (const auto &b : members) {
                     detectors.push_back(load_detector(document_from_bytes(b)));
                 }
                 return Ensemble(std::move(detectors),
                                 ensemble_params(normalization, combination, weights, n_buckets, contamination));
             }),
             py::arg("members"), py::arg("normalization") = "rank", py::arg("combination") = "mean",
             py::arg("weights") = std::vector<double>{}, py::arg("n_buckets") = 2, py::arg("contamination") = "auto")
        .def(
            "calibrate",
            [](Ensemble &self, const InputArray &X) {
                const MatrixView view = matrix_view(X);
                py::gil_scoped_release release; // C++ only
                self.calibrate(view);
            },
            py::arg("X"))
        .def(
            "score_samples",
            [](const Ensemble &self, const InputArray &X) {
                const MatrixView view = matrix_view(X);
                auto out = new_vector(view.rows());
                OutputView target = output_view(out);
                {
                    py::gil_scoped_release release; // C++ only
                    self.score_samples(view, target);
                }
                return out;
            },
            py::arg("X"))
        .def(
            "anomaly_score",
            [](const Ensemble &self, const InputArray &X) {
                const MatrixView view = matrix_view(X);
                auto out = new_vector(view.rows());
                OutputView target = output_view(out);
                {
                    py::gil_scoped_release release; // C++ only
                    self.anomaly_score(view, target);
                }
                return out;
            },
            py::arg("X"))
        .def("member_scores", [](const Ensemble &self, const InputArray &X) {
            return matrix_call(self, X, &Ensemble::member_scores);
        })
        .def("normalized_scores", [](const Ensemble &self, const InputArray &X) {
            return matrix_call(self, X, &Ensemble::normalized_scores);
        })
        .def("predict_proba", [](const Ensemble &self, const InputArray &X) {
            return matrix_call(self, X, &Ensemble::predict_proba);
        })
        .def("contributions", [](const Ensemble &self, const InputArray &X) {
            return matrix_call(self, X, &Ensemble::contributions);
        })
        .def("member_documents",
             [](const Ensemble &self) {
                 std::vector<py::bytes> out;
                 for (std::size_t k = 0; k < self.size(); ++k) {
                     out.push_back(document_bytes(self.member(k).to_document()));
                 }
                 return out;
             })
        .def("params_json", [](const Ensemble &self) { return self.params().to_json().dump(); })
        .def_property_readonly("offset", &Ensemble::offset)
        .def_property_readonly("n_features_in", &Ensemble::n_features_in)
        .def_property_readonly("size", &Ensemble::size)
        .def("save", &Ensemble::save, py::arg("path"))
        .def_static("load", &Ensemble::load, py::arg("path"))
        .def("to_json", [](const Ensemble &self) { return self.to_document().dump(); })
        .def("to_bytes", [](const Ensemble &self) { return document_bytes(self.to_document()); })
        .def_static("from_bytes", [](const py::bytes &b) { return Ensemble::from_document(document_from_bytes(b)); })
        .def(py::pickle([](const Ensemble &self) { return document_bytes(self.to_document()); },
                        [](const py::bytes &b) { return Ensemble::from_document(document_from_bytes(b)); }));

    m.def("registered_detectors", &registered_detectors,
          "Estimator names the C++ registry (oddkit::load_detector) can load.");
}

} // namespace oddkit::python
