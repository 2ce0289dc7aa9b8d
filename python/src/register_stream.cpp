// Bindings of the online detectors (oddkit/stream/) as oddkit._core.RunningZScore etc.
// The shared verbs are bound once on the OnlineDetector base; each detector adds its
// constructor, parameters, loaders and pickling.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "numpy_view.hpp"
#include "oddkit/stream/load_online_detector.hpp"

namespace oddkit::python {

namespace {

/// A reading given as a 1-D array (any length); InvalidArgument for other shapes.
const double *reading(const InputArray &x, std::size_t &n) {
    require(x.ndim() == 1, "x", "expected a 1-D array of features, got ", x.ndim(), "-D");
    n = static_cast<std::size_t>(x.shape(0));
    return x.data();
}

/// Readings as rows; a 1-D array is one feature per reading.
MatrixView readings(const InputArray &X) {
    if (X.ndim() == 1) {
        return MatrixView(X.data(), static_cast<std::size_t>(X.shape(0)), 1);
    }
    return matrix_view(X, "X");
}

template <class T> void bind_detector_io(py::class_<T, OnlineDetector> &cls) {
    cls.def_static("load", &T::load, py::arg("path"))
        .def_static("from_bytes", [](const py::bytes &b) { return T::from_document(document_from_bytes(b)); })
        .def(py::pickle([](const T &self) { return document_bytes(self.to_document()); },
                        [](const py::bytes &b) { return T::from_document(document_from_bytes(b)); }));
}

std::optional<double> optional_double(const py::object &v) {
    if (v.is_none()) {
        return std::nullopt;
    }
    return v.cast<double>();
}

} // namespace

void register_stream(py::module_ &m) {
    py::class_<OnlineDetector>(m, "OnlineDetector")
        .def_property_readonly("name", [](const OnlineDetector &self) { return std::string(self.name()); })
        .def_property_readonly("n_features", &OnlineDetector::n_features)
        .def_property_readonly("n_seen", &OnlineDetector::n_seen)
        .def_property("feature_names", &OnlineDetector::feature_names, &OnlineDetector::set_feature_names)
        .def("learn_one", [](OnlineDetector &self, double x) { self.learn_one(&x, 1); }, py::arg("x"))
        .def(
            "learn_one",
            [](OnlineDetector &self, const InputArray &x) {
                std::size_t n = 0;
                const double *p = reading(x, n);
                self.learn_one(p, n);
            },
            py::arg("x"))
        .def("score_one", [](const OnlineDetector &self, double x) { return self.score_one(&x, 1); }, py::arg("x"))
        .def(
            "score_one",
            [](const OnlineDetector &self, const InputArray &x) {
                std::size_t n = 0;
                const double *p = reading(x, n);
                return self.score_one(p, n);
            },
            py::arg("x"))
        .def(
            "learn_many",
            [](OnlineDetector &self, const InputArray &X) {
                const MatrixView view = readings(X);
                py::gil_scoped_release release; // C++ state and X's buffer only
                self.learn_many(view);
            },
            py::arg("X"))
        .def(
            "score_many",
            [](const OnlineDetector &self, const InputArray &X) {
                const MatrixView view = readings(X);
                auto out = new_vector(view.rows());
                OutputView target = output_view(out);
                {
                    py::gil_scoped_release release; // C++ state and buffers we hold references to
                    self.score_many(view, target);
                }
                return out;
            },
            py::arg("X"))
        .def(
            "score_learn_many",
            [](OnlineDetector &self, const InputArray &X) {
                const MatrixView view = readings(X);
                auto out = new_vector(view.rows());
                OutputView target = output_view(out);
                {
                    py::gil_scoped_release release; // C++ state and buffers we hold references to
                    self.score_learn_many(view, target);
                }
                return out;
            },
            py::arg("X"))
        .def("save", &OnlineDetector::save, py::arg("path"))
        .def("to_json", [](const OnlineDetector &self) { return self.to_document().dump(); })
        .def("to_bytes", [](const OnlineDetector &self) { return document_bytes(self.to_document()); });

    py::class_<RunningZScore, OnlineDetector> running(m, "RunningZScore");
    running
        .def(py::init([](std::size_t window, int ddof) { return RunningZScore({.window = window, .ddof = ddof}); }),
             py::arg("window") = 0, py::arg("ddof") = 1)
        .def_property_readonly("count", &RunningZScore::count)
        .def("mean", &RunningZScore::mean, py::arg("j"))
        .def("variance", &RunningZScore::variance, py::arg("j"))
        .def_property_readonly("params", [](const RunningZScore &self) {
            return py::dict(py::arg("window") = self.params().window, py::arg("ddof") = self.params().ddof);
        });
    bind_detector_io(running);

    py::class_<EWMAZScore, OnlineDetector> ewma(m, "EWMAZScore");
    ewma.def(py::init([](const py::object &alpha, const py::object &span, bool bias) {
                 EWMAZScoreParams p;
                 p.alpha = optional_double(alpha);
                 p.span = optional_double(span);
                 p.bias = bias;
                 return EWMAZScore(p);
             }),
             py::arg("alpha") = py::none(), py::arg("span") = py::none(), py::arg("bias") = false)
        .def_property_readonly("alpha", &EWMAZScore::alpha)
        .def("mean", &EWMAZScore::mean, py::arg("j"))
        .def("variance", &EWMAZScore::variance, py::arg("j"))
        .def_property_readonly("params", [](const EWMAZScore &self) {
            const auto &p = self.params();
            return py::dict(py::arg("alpha") = p.alpha ? py::object(py::float_(*p.alpha)) : py::none(),
                            py::arg("span") = p.span ? py::object(py::float_(*p.span)) : py::none(),
                            py::arg("bias") = p.bias);
        });
    bind_detector_io(ewma);

    py::class_<QuantileBand, OnlineDetector> band(m, "QuantileBand");
    band.def(py::init([](double low, double high, std::uint64_t warm_up) {
                 return QuantileBand({.low = low, .high = high, .warm_up = warm_up});
             }),
             py::arg("low") = 0.01, py::arg("high") = 0.99, py::arg("warm_up") = 30)
        .def("band", &QuantileBand::band, py::arg("j"))
        .def_property_readonly("params", [](const QuantileBand &self) {
            const auto &p = self.params();
            return py::dict(py::arg("low") = p.low, py::arg("high") = p.high, py::arg("warm_up") = p.warm_up);
        });
    bind_detector_io(band);

    py::class_<HalfSpaceTrees, OnlineDetector> hst(m, "HalfSpaceTrees");
    hst.def(py::init([](std::size_t n_trees, int height, std::size_t window_size, double size_limit,
                        std::vector<double> limits, std::uint64_t seed) {
                HalfSpaceTreesParams p;
                p.n_trees = n_trees;
                p.height = height;
                p.window_size = window_size;
                p.size_limit = size_limit;
                p.limits = std::move(limits);
                p.seed = seed;
                return HalfSpaceTrees(std::move(p));
            }),
            py::arg("n_trees") = 10, py::arg("height") = 8, py::arg("window_size") = 250, py::arg("size_limit") = -1.0,
            py::arg("limits") = std::vector<double>{}, py::arg("seed") = 0)
        .def_property_readonly("is_built", &HalfSpaceTrees::is_built)
        .def_property_readonly("has_reference", &HalfSpaceTrees::has_reference)
        .def_property_readonly("params", [](const HalfSpaceTrees &self) {
            const auto &p = self.params();
            return py::dict(py::arg("n_trees") = p.n_trees, py::arg("height") = p.height,
                            py::arg("window_size") = p.window_size, py::arg("size_limit") = p.size_limit,
                            py::arg("limits") = p.limits, py::arg("seed") = p.seed);
        });
    bind_detector_io(hst);

    py::class_<RandomCutForest, OnlineDetector> rcf(m, "RandomCutForest");
    rcf.def(py::init([](std::size_t n_trees, std::size_t window_size, std::size_t shingle_size, std::uint64_t seed) {
                return RandomCutForest(
                    {.n_trees = n_trees, .window_size = window_size, .shingle_size = shingle_size, .seed = seed});
            }),
            py::arg("n_trees") = 100, py::arg("window_size") = 256, py::arg("shingle_size") = 1, py::arg("seed") = 0)
        .def_property_readonly("window_count", &RandomCutForest::window_count)
        .def_property_readonly("point_dimension", &RandomCutForest::point_dimension)
        .def("last_point_codisp", &RandomCutForest::last_point_codisp)
        .def_property_readonly("params", [](const RandomCutForest &self) {
            const auto &p = self.params();
            return py::dict(py::arg("n_trees") = p.n_trees, py::arg("window_size") = p.window_size,
                            py::arg("shingle_size") = p.shingle_size, py::arg("seed") = p.seed);
        });
    bind_detector_io(rcf);
}

} // namespace oddkit::python
