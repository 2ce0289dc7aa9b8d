// Bindings of oddkit::RandomForestClassifier / RandomForestRegressor and permutation importance
// as oddkit._core classes; python/oddkit/random_forest.py wraps them as scikit-learn estimators.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "numpy_view.hpp"
#include "oddkit/learn/permutation_importance.hpp"
#include "oddkit/learn/random_forest.hpp"

namespace oddkit::python {

namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

bool is_int(const py::handle &v) { return PyLong_Check(v.ptr()) && !PyBool_Check(v.ptr()); }

RandomForestParams make_params(const py::dict &kw) {
    RandomForestParams p;
    p.n_estimators = kw["n_estimators"].cast<int>();
    if (!kw["criterion"].is_none()) p.criterion = criterion_from_name(kw["criterion"].cast<std::string>());
    if (!kw["max_depth"].is_none()) p.max_depth = kw["max_depth"].cast<int>();
    p.min_samples_split = count_or_fraction(kw["min_samples_split"], "min_samples_split");
    p.min_samples_leaf = count_or_fraction(kw["min_samples_leaf"], "min_samples_leaf");
    p.min_weight_fraction_leaf = kw["min_weight_fraction_leaf"].cast<double>();
    const py::object mf = kw["max_features"];
    if (mf.is_none()) {
        p.max_features = MaxFeatures::all();
    } else if (py::isinstance<py::str>(mf)) {
        const auto s = mf.cast<std::string>();
        require(s == "sqrt" || s == "log2", "max_features", "expected 'sqrt', 'log2', None, an int or a float, got '", s, "'");
        p.max_features = s == "sqrt" ? MaxFeatures::sqrt() : MaxFeatures::log2();
    } else if (is_int(mf)) {
        p.max_features = MaxFeatures::count(mf.cast<int>());
    } else {
        p.max_features = MaxFeatures::fraction(mf.cast<double>());
    }
    if (!kw["max_leaf_nodes"].is_none()) p.max_leaf_nodes = kw["max_leaf_nodes"].cast<int>();
    p.min_impurity_decrease = kw["min_impurity_decrease"].cast<double>();
    p.bootstrap = kw["bootstrap"].cast<bool>();
    p.oob_score = kw["oob_score"].cast<bool>();
    if (!kw["max_samples"].is_none()) p.max_samples = count_or_fraction(kw["max_samples"], "max_samples");
    const py::object cw = kw["class_weight"];
    if (py::isinstance<py::str>(cw)) {
        const auto s = cw.cast<std::string>();
        require(s == "balanced" || s == "balanced_subsample", "class_weight", "expected 'balanced', "
                "'balanced_subsample', a dict or None, got '", s, "'");
        p.class_weight = s == "balanced" ? ClassWeight::balanced : ClassWeight::balanced_subsample;
    } else if (!cw.is_none()) {
        p.class_weight = ClassWeight::given;
        p.class_weights = cw.cast<std::vector<std::pair<double, double>>>();
    }
    p.max_bins = kw["max_bins"].cast<int>();
    p.n_jobs = kw["n_jobs"].cast<int>();
    p.random_state = kw["random_state"].cast<std::uint64_t>();
    return p;
}

py::dict params_dict(const RandomForestParams &p) {
    py::dict d;
    d["n_estimators"] = p.n_estimators;
    d["criterion"] = p.criterion ? py::object(py::str(criterion_name(*p.criterion))) : py::object(py::none());
    d["max_depth"] = p.max_depth ? py::object(py::int_(*p.max_depth)) : py::object(py::none());
    d["min_samples_split"] = count_or_fraction_to_python(p.min_samples_split);
    d["min_samples_leaf"] = count_or_fraction_to_python(p.min_samples_leaf);
    d["min_weight_fraction_leaf"] = p.min_weight_fraction_leaf;
    if (!p.max_features) {
        d["max_features"] = py::str("default");
    } else {
        switch (p.max_features->kind) {
        case MaxFeatures::Kind::sqrt: d["max_features"] = py::str("sqrt"); break;
        case MaxFeatures::Kind::log2: d["max_features"] = py::str("log2"); break;
        case MaxFeatures::Kind::all: d["max_features"] = py::none(); break;
        case MaxFeatures::Kind::count: d["max_features"] = py::int_(static_cast<long long>(p.max_features->value)); break;
        case MaxFeatures::Kind::fraction: d["max_features"] = py::float_(p.max_features->value); break;
        }
    }
    d["max_leaf_nodes"] = p.max_leaf_nodes ? py::object(py::int_(*p.max_leaf_nodes)) : py::object(py::none());
    d["min_impurity_decrease"] = p.min_impurity_decrease;
    d["bootstrap"] = p.bootstrap;
    d["oob_score"] = p.oob_score;
    d["max_samples"] = p.max_samples ? count_or_fraction_to_python(*p.max_samples) : py::object(py::none());
    switch (p.class_weight) {
    case ClassWeight::none: d["class_weight"] = py::none(); break;
    case ClassWeight::balanced: d["class_weight"] = py::str("balanced"); break;
    case ClassWeight::balanced_subsample: d["class_weight"] = py::str("balanced_subsample"); break;
    case ClassWeight::given: d["class_weight"] = py::cast(p.class_weights); break;
    }
    d["max_bins"] = p.max_bins;
    d["n_jobs"] = p.n_jobs;
    d["random_state"] = p.random_state;
    return d;
}

template <class Forest, class Cls> void add_common(Cls &cls) {
    cls.def(
           "fit",
           [](Forest &self, const InputArray &X, const DoubleArray &y, const std::optional<DoubleArray> &w) {
               const MatrixView view = matrix_view(X);
               const VectorView yv = vector_view(y, "y");
               const VectorView wv = w ? vector_view(*w, "sample_weight") : VectorView{};
               py::gil_scoped_release release; // training touches only C++ state and the held buffers
               self.fit(view, yv, wv);
           },
           py::arg("X"), py::arg("y"), py::arg("sample_weight") = py::none())
        .def_property_readonly("n_features_in", &Forest::n_features_in)
        .def_property_readonly("is_fitted", &Forest::is_fitted)
        .def_property_readonly("n_estimators", &Forest::n_estimators)
        .def_property_readonly("node_count", &Forest::node_count)
        .def_property_readonly("leaf_count", &Forest::leaf_count)
        .def_property_readonly("feature_importances",
                               [](const Forest &self) {
                                   const auto &v = self.feature_importances();
                                   py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
                                   std::copy(v.begin(), v.end(), out.mutable_data());
                                   return out;
                               })
        .def_property_readonly("oob_score", &Forest::oob_score)
        .def_property_readonly("oob_incomplete", &Forest::oob_incomplete)
        .def_property_readonly("oob_prediction",
                               [](const Forest &self) {
                                   const auto &v = self.oob_prediction();
                                   py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
                                   std::copy(v.begin(), v.end(), out.mutable_data());
                                   return out;
                               })
        .def_property_readonly("params", [](const Forest &self) { return params_dict(self.params()); })
        .def("set_n_jobs", &Forest::set_n_jobs, py::arg("n_jobs"))
        .def_property("feature_names", &Forest::feature_names, &Forest::set_feature_names)
        .def("save", &Forest::save, py::arg("path"))
        .def_static("load", &Forest::load, py::arg("path"))
        .def("to_json", [](const Forest &self) { return self.to_document().dump(); })
        .def("to_bytes", [](const Forest &self) { return document_bytes(self.to_document()); })
        .def_static("from_bytes", [](const py::bytes &b) { return Forest::from_document(document_from_bytes(b)); })
        .def(py::pickle([](const Forest &self) { return document_bytes(self.to_document()); },
                        [](const py::bytes &b) { return Forest::from_document(document_from_bytes(b)); }));
}

} // namespace

void register_forest(py::module_ &m) {
    m.def(
        "_permutation",
        [](std::size_t n, std::uint64_t random_state, std::uint64_t stream) {
            const auto order = permutation_for(n, random_state, stream);
            py::array_t<std::int64_t> out(static_cast<py::ssize_t>(n));
            std::copy(order.begin(), order.end(), out.mutable_data());
            return out;
        },
        py::arg("n"), py::arg("random_state"), py::arg("stream"),
        "The row order oddkit::permutation_importance uses for (feature j, repeat r): stream = j * n_repeats + r.");
    py::class_<RandomForestClassifier> classifier(m, "RandomForestClassifier");
    classifier.def(py::init([](const py::kwargs &kw) { return RandomForestClassifier(make_params(kw)); }))
        .def(
            "predict_proba",
            [](const RandomForestClassifier &self, const InputArray &X) {
                const MatrixView view = matrix_view(X);
                const std::size_t k = self.n_classes();
                py::array_t<double> out({view.rows(), k});
                double *data = out.mutable_data();
                {
                    py::gil_scoped_release release; // pure C++ on held buffers
                    self.predict_proba(view, data, view.rows() * k);
                }
                return out;
            },
            py::arg("X"))
        .def_property_readonly("classes",
                               [](const RandomForestClassifier &self) {
                                   const auto &v = self.classes();
                                   py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
                                   std::copy(v.begin(), v.end(), out.mutable_data());
                                   return out;
                               })
        .def_property("class_names", &RandomForestClassifier::class_names, &RandomForestClassifier::set_class_names);
    add_common<RandomForestClassifier>(classifier);

    py::class_<RandomForestRegressor> regressor(m, "RandomForestRegressor");
    regressor.def(py::init([](const py::kwargs &kw) { return RandomForestRegressor(make_params(kw)); }))
        .def(
            "predict",
            [](const RandomForestRegressor &self, const InputArray &X) {
                const MatrixView view = matrix_view(X);
                auto out = new_vector(view.rows());
                OutputView target = output_view(out);
                {
                    py::gil_scoped_release release; // pure C++ on held buffers
                    self.predict(view, target);
                }
                return out;
            },
            py::arg("X"));
    add_common<RandomForestRegressor>(regressor);
}

} // namespace oddkit::python
