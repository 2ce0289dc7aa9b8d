#pragma once
/// Blocks of rows worked on by several threads while one thread first touches each block's
/// fresh output memory. The first write to a fresh page is a page fault (the kernel maps and
/// zeroes it). Two threads faulting at once were measured several times slower than one on
/// this project's machines (docs/series.md), and faulting everything before the work leaves
/// the other threads idle. Here thread 0 touches the blocks in order, each thread (thread 0
/// too, once it has touched them all) takes the next block not yet worked on, waiting until its
/// memory is ready, so only one thread ever faults and the work overlaps the faulting.
///
/// Which thread works on which block varies from run to run: `work` must give the same result
/// for a block whichever thread runs it (each block independent of the others).

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <span>
#include <thread>
#include <vector>

#include "oddkit/core/parallel.hpp"

namespace oddkit {

/// For each block k = [bounds[k], bounds[k + 1]) of rows (bounds ascending), calls
/// touch(begin, end) on thread 0, in order, and work(begin, end) on any of `threads` threads;
/// a block's work starts only after its touch. Should a touch throw, the blocks left are still
/// worked on (touching is only for speed) and the exception is then rethrown.
template <class Touch, class Work>
void work_blocks_touching_ahead(std::span<const std::size_t> bounds, std::size_t threads, Touch &&touch,
                                Work &&work) {
    if (bounds.size() < 2) return;
    const std::size_t blocks = bounds.size() - 1;
    std::atomic<std::size_t> touched{0}, next{0};
    auto work_ready_blocks = [&] {
        for (std::size_t b = next.fetch_add(1); b < blocks; b = next.fetch_add(1)) {
            while (touched.load(std::memory_order_acquire) <= b) std::this_thread::yield();
            work(bounds[b], bounds[b + 1]);
        }
    };
    parallel_for_chunks(std::min(threads, blocks), std::min(threads, blocks), [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            if (t == 0) {
                try {
                    for (std::size_t b = 0; b < blocks; ++b) {
                        touch(bounds[b], bounds[b + 1]);
                        touched.store(b + 1, std::memory_order_release);
                    }
                } catch (...) {
                    touched.store(blocks, std::memory_order_release); // never leave the others waiting
                    throw;
                }
            }
            work_ready_blocks();
        }
    });
}

/// Bounds 0, block, 2 * block, ..., n: blocks of `block` rows (the last one shorter).
inline std::vector<std::size_t> even_block_bounds(std::size_t n, std::size_t block) {
    block = std::max<std::size_t>(1, block);
    std::vector<std::size_t> bounds;
    for (std::size_t b = 0; b < n; b += block) bounds.push_back(b);
    bounds.push_back(n);
    return bounds;
}

} // namespace oddkit
