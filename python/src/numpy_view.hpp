#pragma once
// Helpers shared by the register_<area>.cpp files (not installed).
// Arrays arrive as py::array_t<double, c_style | forcecast>: a C-contiguous float64 NumPy array
// passes through without a copy; anything else is converted once, here at the boundary.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <string>

#include "oddkit/core/count_or_fraction.hpp"
#include "oddkit/core/error.hpp"
#include "oddkit/core/matrix_view.hpp"

namespace oddkit::python {

namespace py = pybind11;

using InputArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// A MatrixView over a 2-D array; InvalidArgument naming `name` for any other shape.
inline MatrixView matrix_view(const InputArray &array, const char *name = "X") {
    require(array.ndim() == 2, name, "expected a 2-D array (samples x features), got ", array.ndim(),
            "-D; reshape a single feature with X.reshape(-1, 1) or a single sample with X.reshape(1, -1)");
    return MatrixView(array.data(), static_cast<std::size_t>(array.shape(0)),
                      static_cast<std::size_t>(array.shape(1)));
}

/// A new 1-D float64 array of n values.
/// A 1-D float64 array as a VectorView (no copy); `name` is the argument the error names.
inline VectorView vector_view(const InputArray &array, const char *name) {
    require(array.ndim() == 1, name, "expected a 1-D array, got ", array.ndim(), "-D");
    return VectorView(array.data(), static_cast<std::size_t>(array.shape(0)));
}

inline py::array_t<double> new_vector(std::size_t n) { return py::array_t<double>(static_cast<py::ssize_t>(n)); }

inline OutputView output_view(py::array_t<double> &array) {
    return OutputView(array.mutable_data(), static_cast<std::size_t>(array.size()));
}

/// 'auto', an int or a float (Python has already turned NumPy scalars into these).
inline CountOrFraction count_or_fraction(const py::object &value, const char *name) {
    if (py::isinstance<py::str>(value) && value.cast<std::string>() == "auto") {
        return CountOrFraction::automatic();
    }
    if (PyLong_Check(value.ptr()) && !PyBool_Check(value.ptr())) {
        return CountOrFraction(value.cast<int>());
    }
    if (PyFloat_Check(value.ptr())) {
        return CountOrFraction(value.cast<double>());
    }
    throw InvalidArgument(std::string(name) + ": expected 'auto', an int or a float");
}

inline py::object count_or_fraction_to_python(const CountOrFraction &v) {
    switch (v.kind()) {
    case CountOrFraction::Kind::automatic:
        return py::str("auto");
    case CountOrFraction::Kind::count:
        return py::int_(static_cast<long long>(v.value()));
    case CountOrFraction::Kind::fraction:
        break;
    }
    return py::float_(v.value());
}

/// Runs work(begin, end) over [0, n) in chunks of `chunk` rows with the GIL released, checking
/// for Ctrl+C (and other signals) between chunks so a long call can be interrupted.
template <class Work> void run_interruptible(std::size_t n, Work &&work, std::size_t chunk = 1u << 16) {
    if (n == 0) {
        work(std::size_t{0}, std::size_t{0}); // still runs the input checks
        return;
    }
    for (std::size_t begin = 0; begin < n; begin += chunk) {
        {
            py::gil_scoped_release release; // the work touches only C++ state and held buffers
            work(begin, std::min(n, begin + chunk));
        }
        if (PyErr_CheckSignals() != 0) {
            throw py::error_already_set();
        }
    }
}

/// Document bytes for pickling (CBOR: compact and exact).
py::bytes document_bytes(const Json &doc);
Json document_from_bytes(const py::bytes &bytes);

} // namespace oddkit::python
