#pragma once
/// One small parallel_for for the whole library. n_jobs follows scikit-learn: 1 = serial,
/// -1 = all cores, -2 = all but one, k > 1 = k threads. Work is split into contiguous chunks
/// fixed by (n, chunk count) alone, so results never depend on scheduling; the first exception
/// thrown by any worker is rethrown on the calling thread after all workers have stopped.

#include <algorithm>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "oddkit/core/error.hpp"

namespace oddkit {

/// Validates n_jobs (0 is refused, as in scikit-learn).
inline void check_n_jobs(int n_jobs) {
    require(n_jobs != 0, "n_jobs", "must be a positive thread count or negative (-1 = all cores), got 0");
}

/// The thread count n_jobs stands for on this machine (at least 1).
inline std::size_t resolve_n_jobs(int n_jobs) {
    check_n_jobs(n_jobs);
    // Asked once: hardware_concurrency() is a system call, too slow for a single-row score.
    static const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = n_jobs > 0 ? n_jobs : std::max(1, cores + 1 + n_jobs);
    return static_cast<std::size_t>(threads);
}

/// Calls body(begin, end) over disjoint chunks covering [0, n), on up to `threads` threads.
/// `min_chunk` keeps tiny inputs on the calling thread (thread start-up costs ~10 us).
template <class Body>
void parallel_for_chunks(std::size_t n, std::size_t threads, Body &&body, std::size_t min_chunk = 1) {
    if (n == 0) {
        return;
    }
    threads = std::max<std::size_t>(1, std::min(threads, (n + min_chunk - 1) / std::max<std::size_t>(1, min_chunk)));
    if (threads == 1) {
        body(std::size_t{0}, n);
        return;
    }
    std::exception_ptr first_error;
    std::mutex error_mutex;
    auto run = [&](std::size_t t) {
        const std::size_t begin = n * t / threads;
        const std::size_t end = n * (t + 1) / threads;
        try {
            body(begin, end);
        } catch (...) {
            std::lock_guard<std::mutex> lock(error_mutex);
            if (!first_error) {
                first_error = std::current_exception();
            }
        }
    };
    std::vector<std::thread> workers;
    workers.reserve(threads - 1);
    for (std::size_t t = 1; t < threads; ++t) {
        workers.emplace_back(run, t);
    }
    run(0);
    for (auto &w : workers) {
        w.join();
    }
    if (first_error) {
        std::rethrow_exception(first_error);
    }
}

/// Calls body(i) for every i in [0, n), on the threads n_jobs stands for.
template <class Body> void parallel_for(std::size_t n, int n_jobs, Body &&body, std::size_t min_chunk = 1) {
    parallel_for_chunks(
        n, resolve_n_jobs(n_jobs),
        [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                body(i);
            }
        },
        min_chunk);
}

} // namespace oddkit
