// Bindings of oddkit::OneClassSVM as oddkit._core.OneClassSVM.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "numpy_view.hpp"
#include "oddkit/detect/one_class_svm.hpp"

namespace oddkit::python {

namespace {

Gamma gamma_from_python(const py::object &value) {
    if (py::isinstance<py::str>(value)) {
        const auto s = value.cast<std::string>();
        if (s == "scale") {
            return Gamma::scale();
        }
        if (s == "auto") {
            return Gamma::automatic();
        }
    } else if ((PyFloat_Check(value.ptr()) || PyLong_Check(value.ptr())) && !PyBool_Check(value.ptr())) {
        return Gamma(value.cast<double>());
    }
    throw InvalidArgument("gamma: expected 'scale', 'auto' or a number > 0");
}

py::object gamma_to_python(const Gamma &g) {
    switch (g.kind()) {
    case Gamma::Kind::scale:
        return py::str("scale");
    case Gamma::Kind::automatic:
        return py::str("auto");
    case Gamma::Kind::value:
        break;
    }
    return py::float_(g.value());
}

py::dict params_dict(const OneClassSVMParams &p) {
    py::dict d;
    d["kernel"] = std::string(kernel_name(p.kernel));
    d["nu"] = p.nu;
    d["gamma"] = gamma_to_python(p.gamma);
    d["degree"] = p.degree;
    d["coef0"] = p.coef0;
    d["tol"] = p.tol;
    d["shrinking"] = p.shrinking;
    d["cache_size"] = p.cache_size;
    d["max_iter"] = p.max_iter;
    d["method"] = std::string(method_name(p.method));
    d["n_components"] = p.n_components;
    d["n_jobs"] = p.n_jobs;
    d["random_state"] = p.random_state;
    return d;
}

template <class Method>
py::array_t<double> score_into_new(const OneClassSVM &svm, const InputArray &X, Method method) {
    const MatrixView view = matrix_view(X);
    auto out = new_vector(view.rows());
    OutputView target = output_view(out);
    {
        py::gil_scoped_release release; // pure C++ on buffers we hold references to
        (svm.*method)(view, target);
    }
    return out;
}

} // namespace

void register_one_class_svm(py::module_ &m) {
    using SampleMethod = void (OneClassSVM::*)(const MatrixView &, OutputView) const;

    py::class_<OneClassSVM>(m, "OneClassSVM")
        .def(py::init([](const std::string &kernel, double nu, const py::object &gamma, int degree, double coef0,
                         double tol, bool shrinking, double cache_size, long long max_iter, const std::string &method,
                         int n_components, int n_jobs, std::uint64_t random_state) {
                 OneClassSVMParams p;
                 p.kernel = kernel_from_name(kernel);
                 p.nu = nu;
                 p.gamma = gamma_from_python(gamma);
                 p.degree = degree;
                 p.coef0 = coef0;
                 p.tol = tol;
                 p.shrinking = shrinking;
                 p.cache_size = cache_size;
                 p.max_iter = max_iter;
                 p.method = method_from_name(method);
                 p.n_components = n_components;
                 p.n_jobs = n_jobs;
                 p.random_state = random_state;
                 return OneClassSVM(p);
             }),
             py::arg("kernel") = "rbf", py::arg("nu") = 0.5, py::arg("gamma") = "scale", py::arg("degree") = 3,
             py::arg("coef0") = 0.0, py::arg("tol") = 1e-3, py::arg("shrinking") = true, py::arg("cache_size") = 200.0,
             py::arg("max_iter") = -1, py::arg("method") = "exact", py::arg("n_components") = 300,
             py::arg("n_jobs") = 1, py::arg("random_state") = 0)
        .def(
            "fit",
            [](OneClassSVM &self, const InputArray &X) {
                const MatrixView view = matrix_view(X);
                py::gil_scoped_release release; // training touches only C++ state and X's buffer
                self.fit(view);
            },
            py::arg("X"))
        .def(
            "score_samples",
            [](const OneClassSVM &self, const InputArray &X) {
                return score_into_new(self, X, static_cast<SampleMethod>(&OneClassSVM::score_samples));
            },
            py::arg("X"))
        .def(
            "anomaly_score",
            [](const OneClassSVM &self, const InputArray &X) {
                return score_into_new(self, X, static_cast<SampleMethod>(&OneClassSVM::anomaly_score));
            },
            py::arg("X"))
        .def_property_readonly("offset", &OneClassSVM::offset)
        .def_property_readonly("gamma", &OneClassSVM::gamma)
        .def_property_readonly("n_features_in", &OneClassSVM::n_features_in)
        .def_property_readonly("is_fitted", &OneClassSVM::is_fitted)
        .def_property_readonly("n_iter", &OneClassSVM::n_iter)
        .def_property_readonly("converged", &OneClassSVM::converged)
        .def_property_readonly("support",
                               [](const OneClassSVM &self) {
                                   const auto &s = self.support();
                                   py::array_t<std::int32_t> out(static_cast<py::ssize_t>(s.size()));
                                   std::copy(s.begin(), s.end(), out.mutable_data());
                                   return out;
                               })
        .def_property_readonly("dual_coef",
                               [](const OneClassSVM &self) {
                                   const auto &c = self.dual_coef();
                                   py::array_t<double> out({py::ssize_t{1}, static_cast<py::ssize_t>(c.size())});
                                   std::copy(c.begin(), c.end(), out.mutable_data());
                                   return out;
                               })
        .def_property_readonly("support_vectors",
                               [](const OneClassSVM &self) {
                                   const Matrix v = self.support_vectors();
                                   py::array_t<double> out({v.shape(0), v.shape(1)});
                                   std::copy(v.begin(), v.end(), out.mutable_data());
                                   return out;
                               })
        .def_property_readonly("params", [](const OneClassSVM &self) { return params_dict(self.params()); })
        .def("set_n_jobs", &OneClassSVM::set_n_jobs, py::arg("n_jobs"))
        .def_property("feature_names", &OneClassSVM::feature_names, &OneClassSVM::set_feature_names)
        .def("save", &OneClassSVM::save, py::arg("path"))
        .def_static("load", &OneClassSVM::load, py::arg("path"))
        .def("to_json", [](const OneClassSVM &self) { return self.to_document().dump(); })
        .def("to_bytes", [](const OneClassSVM &self) { return document_bytes(self.to_document()); })
        .def_static("from_bytes", [](const py::bytes &b) { return OneClassSVM::from_document(document_from_bytes(b)); })
        .def(py::pickle([](const OneClassSVM &self) { return document_bytes(self.to_document()); },
                        [](const py::bytes &b) { return OneClassSVM::from_document(document_from_bytes(b)); }));
}

} // namespace oddkit::python
