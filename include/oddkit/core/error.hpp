#pragma once
/// Exceptions oddkit throws. Bad input derives from std::invalid_argument; the rest from
/// std::runtime_error. Messages name the argument and what was expected.

#include <sstream>
#include <stdexcept>
#include <string>

namespace oddkit {

/// An argument (data or parameter) is not what the function accepts. Python: ValueError.
class InvalidArgument : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

/// A method that needs a fitted model was called before fit. Python: NotFittedError.
class NotFitted : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A model file or document is missing, truncated, corrupted, of another estimator or of a
/// newer format version. Python: ValueError (FileNotFoundError for a missing file).
class FormatError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

namespace detail {
template <class... Parts> std::string concat(const Parts &...parts) {
    std::ostringstream out;
    (out << ... << parts);
    return out.str();
}
} // namespace detail

/// Throws InvalidArgument("<argument>: <message>") unless `condition` holds.
template <class... Parts>
inline void require(bool condition, const char *argument, const Parts &...message) {
    if (!condition) {
        throw InvalidArgument(detail::concat(argument, ": ", message...));
    }
}

} // namespace oddkit
