// oddkit._core: the compiled module. One register_<area> function per area of the library;
// the pure-Python classes in python/oddkit wrap these.

#include <pybind11/pybind11.h>

#include "numpy_view.hpp"
#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"

namespace py = pybind11;

namespace oddkit::python {

py::bytes document_bytes(const Json &doc) {
    const auto bytes = encode_document(doc, Encoding::cbor);
    return py::bytes(reinterpret_cast<const char *>(bytes.data()), bytes.size());
}

Json document_from_bytes(const py::bytes &bytes) {
    const std::string_view view = bytes;
    return decode_document(reinterpret_cast<const std::uint8_t *>(view.data()), view.size());
}

void register_isolation_forest(py::module_ &m);
void register_stream(py::module_ &m);
void register_analysis(py::module_ &m);
void register_one_class_svm(py::module_ &m);
void register_series(py::module_ &m);
void register_metrics(py::module_ &m);
void register_forest(py::module_ &m);
void register_statistical(py::module_ &m);
void register_ensemble(py::module_ &m);
void register_pipeline(py::module_ &m);

} // namespace oddkit::python

PYBIND11_MODULE(_core, m) {
    m.doc() = "oddkit's compiled engine; use the classes in the oddkit package.";
    m.attr("__version__") = std::string(oddkit::library_version);

    // InvalidArgument derives from std::invalid_argument, which pybind11 maps to ValueError.
    py::register_exception<oddkit::FormatError>(m, "FormatError", PyExc_ValueError);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) {
                std::rethrow_exception(p);
            }
        } catch (const oddkit::NotFitted &e) {
            // scikit-learn's own class, so `except NotFittedError` works unchanged.
            py::object cls = py::module_::import("sklearn.exceptions").attr("NotFittedError");
            PyErr_SetString(cls.ptr(), e.what());
        }
    });

    m.def(
        "document_to_json",
        [](const py::bytes &bytes) { return oddkit::python::document_from_bytes(bytes).dump(); },
        "The JSON text of a model document given in any encoding (for inspection).");

    oddkit::python::register_isolation_forest(m);
    oddkit::python::register_stream(m);
    oddkit::python::register_analysis(m);
    oddkit::python::register_one_class_svm(m);
    oddkit::python::register_series(m);
    oddkit::python::register_metrics(m);
    oddkit::python::register_forest(m);
    oddkit::python::register_statistical(m);
    oddkit::python::register_ensemble(m);
    oddkit::python::register_pipeline(m);
}
