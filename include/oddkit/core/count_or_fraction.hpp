#pragma once
/// A parameter that is either a count (an int) or a fraction of a total (a double in (0, 1]),
/// as scikit-learn's max_samples and max_features. `.max_samples = 256` and
/// `.max_samples = 0.5` both read naturally; CountOrFraction::automatic() is 'auto'.

#include <cmath>
#include <cstddef>
#include <string>

#include "oddkit/core/document.hpp"
#include "oddkit/core/error.hpp"

namespace oddkit {

class CountOrFraction {
  public:
    enum class Kind { automatic, count, fraction };

    CountOrFraction(int count) : kind_(Kind::count), value_(count) {}      // NOLINT
    CountOrFraction(double fraction) : kind_(Kind::fraction), value_(fraction) {} // NOLINT
    static CountOrFraction automatic() { return CountOrFraction(Kind::automatic, 0.0); }

    Kind kind() const noexcept { return kind_; }
    double value() const noexcept { return value_; }

    /// Checks the value: a count >= 1, or a fraction in (0, 1].
    void validate(const char *name) const {
        if (kind_ == Kind::count) {
            require(value_ >= 1, name, "must be a count >= 1 or a fraction in (0, 1], got ", value_);
        } else if (kind_ == Kind::fraction) {
            require(value_ > 0.0 && value_ <= 1.0, name,
                    "must be a count >= 1 or a fraction in (0, 1], got ", value_);
        }
    }

    /// The count this stands for out of `total`; `automatic_count` for 'auto'.
    /// A count larger than the total is clipped to it; a fraction gives at least 1.
    std::size_t resolve(std::size_t total, std::size_t automatic_count) const {
        switch (kind_) {
        case Kind::automatic:
            return std::min(total, automatic_count);
        case Kind::count:
            return std::min(total, static_cast<std::size_t>(value_));
        case Kind::fraction:
            break;
        }
        const auto n = static_cast<std::size_t>(value_ * static_cast<double>(total));
        return std::max<std::size_t>(1, std::min(total, n));
    }

    Json to_json() const {
        if (kind_ == Kind::automatic) {
            return "auto";
        }
        if (kind_ == Kind::count) {
            return static_cast<long long>(value_);
        }
        return value_;
    }
    static CountOrFraction from_json(const Json &j, const char *name) {
        if (j.is_string() && j.get<std::string>() == "auto") {
            return automatic();
        }
        if (j.is_number_integer()) {
            return CountOrFraction(j.get<int>());
        }
        if (j.is_number_float()) {
            return CountOrFraction(j.get<double>());
        }
        throw FormatError(std::string("model document: parameter '") + name +
                          "' must be 'auto', an integer or a number");
    }

  private:
    CountOrFraction(Kind k, double v) : kind_(k), value_(v) {}
    Kind kind_;
    double value_;
};

} // namespace oddkit
