// Bindings of oddkit/metrics as private functions of oddkit._core; python/oddkit/metrics.py
// maps arbitrary labels to class indices and gives them scikit-learn's signatures.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "numpy_view.hpp"
#include "oddkit/metrics/classification_scores.hpp"
#include "oddkit/metrics/precision_recall_curve.hpp"
#include "oddkit/metrics/roc_curve.hpp"
#include "oddkit/metrics/time_series_split.hpp"

namespace oddkit::python {

namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using LabelArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

VectorView optional_weights(const std::optional<DoubleArray> &w) {
    return w ? vector_view(*w, "sample_weight") : VectorView{};
}

LabelSpan label_span(const LabelArray &a, const char *name) {
    require(a.ndim() == 1, name, "expected a 1-D array, got ", a.ndim(), "-D");
    return LabelSpan(a.data(), static_cast<std::size_t>(a.shape(0)));
}

py::array_t<double> to_array(const std::vector<double> &v) {
    py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

} // namespace

void register_metrics(py::module_ &m) {
    // The curves are O(n log n) on caller-held buffers: the GIL is released around them.
    m.def(
        "_roc_curve",
        [](const DoubleArray &y_true, const DoubleArray &y_score, const std::optional<DoubleArray> &w,
           bool drop_intermediate) {
            const VectorView t = vector_view(y_true, "y_true"), s = vector_view(y_score, "y_score");
            const VectorView wv = optional_weights(w);
            RocCurve roc;
            {
                py::gil_scoped_release release;
                roc = roc_curve(t, s, 1.0, wv, drop_intermediate);
            }
            return py::make_tuple(to_array(roc.fpr), to_array(roc.tpr), to_array(roc.thresholds));
        },
        py::arg("y_true"), py::arg("y_score"), py::arg("sample_weight"), py::arg("drop_intermediate"));
    m.def(
        "_roc_auc_score",
        [](const DoubleArray &y_true, const DoubleArray &y_score, const std::optional<DoubleArray> &w) {
            const VectorView t = vector_view(y_true, "y_true"), s = vector_view(y_score, "y_score");
            const VectorView wv = optional_weights(w);
            py::gil_scoped_release release;
            return roc_auc_score(t, s, 1.0, wv);
        },
        py::arg("y_true"), py::arg("y_score"), py::arg("sample_weight"));
    m.def(
        "_precision_recall_curve",
        [](const DoubleArray &y_true, const DoubleArray &y_score, const std::optional<DoubleArray> &w,
           bool drop_intermediate) {
            const VectorView t = vector_view(y_true, "y_true"), s = vector_view(y_score, "y_score");
            const VectorView wv = optional_weights(w);
            PrecisionRecallCurve pr;
            {
                py::gil_scoped_release release;
                pr = precision_recall_curve(t, s, 1.0, wv, drop_intermediate);
            }
            return py::make_tuple(to_array(pr.precision), to_array(pr.recall), to_array(pr.thresholds));
        },
        py::arg("y_true"), py::arg("y_score"), py::arg("sample_weight"), py::arg("drop_intermediate"));
    m.def(
        "_average_precision_score",
        [](const DoubleArray &y_true, const DoubleArray &y_score, const std::optional<DoubleArray> &w) {
            const VectorView t = vector_view(y_true, "y_true"), s = vector_view(y_score, "y_score");
            const VectorView wv = optional_weights(w);
            py::gil_scoped_release release;
            return average_precision_score(t, s, 1.0, wv);
        },
        py::arg("y_true"), py::arg("y_score"), py::arg("sample_weight"));
    m.def(
        "_confusion_matrix",
        [](const LabelArray &y_true, const LabelArray &y_pred, std::size_t n_classes,
           const std::optional<DoubleArray> &w) {
            const Matrix c = confusion_matrix(label_span(y_true, "y_true"), label_span(y_pred, "y_pred"),
                                              n_classes, optional_weights(w));
            py::array_t<double> out({c.shape(0), c.shape(1)});
            std::copy(c.begin(), c.end(), out.mutable_data());
            return out;
        },
        py::arg("y_true"), py::arg("y_pred"), py::arg("n_classes"), py::arg("sample_weight"));
    m.def(
        "_accuracy_score",
        [](const LabelArray &y_true, const LabelArray &y_pred, bool normalize,
           const std::optional<DoubleArray> &w) {
            return accuracy_score(label_span(y_true, "y_true"), label_span(y_pred, "y_pred"), normalize,
                                  optional_weights(w));
        },
        py::arg("y_true"), py::arg("y_pred"), py::arg("normalize"), py::arg("sample_weight"));
    m.def(
        "_precision_recall_fscore",
        [](const LabelArray &y_true, const LabelArray &y_pred, std::size_t n_classes, const std::string &average,
           std::int64_t pos_label, double beta, const std::optional<DoubleArray> &w, double zero_division) {
            const auto r = precision_recall_fscore(label_span(y_true, "y_true"), label_span(y_pred, "y_pred"),
                                                   n_classes, average_from_string(average), pos_label, beta,
                                                   optional_weights(w), zero_division);
            return py::make_tuple(to_array(r.precision), to_array(r.recall), to_array(r.fscore),
                                  to_array(r.support));
        },
        py::arg("y_true"), py::arg("y_pred"), py::arg("n_classes"), py::arg("average"), py::arg("pos_label"),
        py::arg("beta"), py::arg("sample_weight"), py::arg("zero_division"));
    m.def(
        "_time_series_split",
        [](std::size_t n_samples, int n_splits, std::optional<std::size_t> max_train_size,
           std::optional<std::size_t> test_size, std::size_t gap) {
            TimeSeriesSplit cv({.n_splits = n_splits, .max_train_size = max_train_size, .test_size = test_size,
                                .gap = gap});
            std::vector<py::tuple> out;
            for (const auto &s : cv.split(n_samples)) {
                out.push_back(py::make_tuple(s.train_begin, s.train_end, s.test_begin, s.test_end));
            }
            return out;
        },
        py::arg("n_samples"), py::arg("n_splits"), py::arg("max_train_size"), py::arg("test_size"),
        py::arg("gap"));
}

} // namespace oddkit::python
