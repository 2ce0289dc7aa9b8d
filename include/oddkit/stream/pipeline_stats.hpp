#pragma once
/// Counters of the streaming pipeline: nothing is dropped without being counted here.
/// Every pushed event ends in exactly one of accepted, late or rejected_device_limit; after
/// flush(), the accepted events are exactly those of the closed windows (events_windowed).

#include <cstdint>

#include "oddkit/core/document.hpp"

namespace oddkit {

struct PipelineStats {
    std::uint64_t events = 0;                 ///< pushed
    std::uint64_t events_accepted = 0;        ///< placed in a window
    std::uint64_t events_late = 0;            ///< behind the watermark or in a closed window
    std::uint64_t events_rejected_device_limit = 0; ///< from a new device beyond max_devices
    std::uint64_t values_non_finite = 0;      ///< NaN or infinite values, skipped
    std::uint64_t values_unknown_field = 0;   ///< values of fields with no aggregation, skipped
    std::uint64_t devices = 0;
    std::uint64_t windows_closed = 0;
    std::uint64_t events_windowed = 0;        ///< events in the closed windows
    std::uint64_t windows_scored = 0;
    std::uint64_t windows_incomplete = 0;     ///< not scored: a feature was NaN (warm-up, gap)
    std::uint64_t anomalies = 0;

    Json to_json() const {
        return {{"events", events},
                {"events_accepted", events_accepted},
                {"events_late", events_late},
                {"events_rejected_device_limit", events_rejected_device_limit},
                {"values_non_finite", values_non_finite},
                {"values_unknown_field", values_unknown_field},
                {"devices", devices},
                {"windows_closed", windows_closed},
                {"events_windowed", events_windowed},
                {"windows_scored", windows_scored},
                {"windows_incomplete", windows_incomplete},
                {"anomalies", anomalies}};
    }
    static PipelineStats from_json(const Json &j) {
        PipelineStats s;
        s.events = document_get<std::uint64_t>(j, "events");
        s.events_accepted = document_get<std::uint64_t>(j, "events_accepted");
        s.events_late = document_get<std::uint64_t>(j, "events_late");
        s.events_rejected_device_limit = document_get<std::uint64_t>(j, "events_rejected_device_limit");
        s.values_non_finite = document_get<std::uint64_t>(j, "values_non_finite");
        s.values_unknown_field = document_get<std::uint64_t>(j, "values_unknown_field");
        s.devices = document_get<std::uint64_t>(j, "devices");
        s.windows_closed = document_get<std::uint64_t>(j, "windows_closed");
        s.events_windowed = document_get<std::uint64_t>(j, "events_windowed");
        s.windows_scored = document_get<std::uint64_t>(j, "windows_scored");
        s.windows_incomplete = document_get<std::uint64_t>(j, "windows_incomplete");
        s.anomalies = document_get<std::uint64_t>(j, "anomalies");
        return s;
    }
};

} // namespace oddkit
