// work_blocks_touching_ahead: every block is touched once, in order, by one thread, and
// worked on once, only after its touch; for any thread count, with blocks that do not divide
// the rows and with uneven blocks. A throwing touch reaches the caller instead of leaving
// threads waiting.

#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "oddkit/core/touch_ahead.hpp"

using namespace oddkit;

TEST_CASE("work_blocks_touching_ahead: each block touched in order, then worked on exactly once") {
    for (const std::size_t n : {std::size_t{1}, std::size_t{999}, std::size_t{1000}, std::size_t{1001}, std::size_t{20'000}}) {
        for (const std::size_t block : {std::size_t{1}, std::size_t{64}, std::size_t{1000}, std::size_t{50'000}}) {
            for (const std::size_t threads : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{8}}) {
                const std::size_t blocks = (n + block - 1) / block;
                std::vector<std::atomic<int>> touched(blocks), worked(blocks);
                std::vector<std::size_t> touch_order;
                std::atomic<bool> in_order{true}, ends_ok{true};
                std::thread::id toucher;
                std::atomic<bool> one_toucher{true};
                work_blocks_touching_ahead(
                    even_block_bounds(n, block), threads,
                    [&](std::size_t b0, std::size_t b1) {
                        if (touch_order.empty()) toucher = std::this_thread::get_id();
                        one_toucher = one_toucher && toucher == std::this_thread::get_id();
                        touch_order.push_back(b0 / block);
                        ends_ok = ends_ok && b0 % block == 0 && b1 == std::min(n, b0 + block);
                        touched[b0 / block] += 1;
                    },
                    [&](std::size_t b0, std::size_t b1) {
                        const std::size_t b = b0 / block;
                        in_order = in_order && touched[b].load() == 1; // its touch came first
                        ends_ok = ends_ok && b1 == std::min(n, b0 + block);
                        worked[b] += 1;
                    });
                CAPTURE(n);
                CAPTURE(block);
                CAPTURE(threads);
                REQUIRE(touch_order.size() == blocks);
                for (std::size_t b = 0; b < blocks; ++b) {
                    CHECK(touch_order[b] == b);
                    CHECK(worked[b].load() == 1);
                }
                CHECK(in_order.load());
                CHECK(ends_ok.load());
                CHECK(one_toucher.load());
            }
        }
    }
    std::size_t calls = 0;
    CHECK(even_block_bounds(0, 10) == std::vector<std::size_t>{0});
    CHECK(even_block_bounds(25, 10) == std::vector<std::size_t>{0, 10, 20, 25});
    work_blocks_touching_ahead(even_block_bounds(0, 10), 2, [&](std::size_t, std::size_t) { ++calls; }, [&](std::size_t, std::size_t) { ++calls; });
    CHECK(calls == 0);
}

TEST_CASE("work_blocks_touching_ahead: a touch that throws reaches the caller") {
    std::atomic<int> worked{0};
    CHECK_THROWS_AS(work_blocks_touching_ahead(
                        even_block_bounds(10'000, 100), 2,
                        [](std::size_t b0, std::size_t) {
                            if (b0 == 3'000) throw std::runtime_error("touch failed");
                        },
                        [&](std::size_t, std::size_t) { ++worked; }),
                    std::runtime_error);
    CHECK(worked.load() <= 100);
}

TEST_CASE("work_blocks_touching_ahead: uneven blocks from a bounds list") {
    const std::vector<std::size_t> bounds{0, 5, 6, 6, 300, 1000};
    std::vector<std::atomic<int>> worked(1000);
    std::atomic<bool> after_touch{true};
    std::vector<std::atomic<int>> touched(1000);
    work_blocks_touching_ahead(
        bounds, 3,
        [&](std::size_t b0, std::size_t b1) {
            for (std::size_t i = b0; i < b1; ++i) touched[i] += 1;
        },
        [&](std::size_t b0, std::size_t b1) {
            for (std::size_t i = b0; i < b1; ++i) {
                after_touch = after_touch && touched[i].load() == 1;
                worked[i] += 1;
            }
        });
    bool each_once = true;
    for (const auto &w : worked) each_once &= w.load() == 1;
    CHECK(each_once);
    CHECK(after_touch.load());
}
