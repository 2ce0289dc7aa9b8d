#pragma once
/// branchless_select(take, fresh, kept): `fresh` where `take` holds, else `kept`, without a branch.
///
/// GCC compiles `take ? fresh : kept` on doubles to a conditional jump when it judges the
/// condition predictable. In a loop where `take` varies from one iteration to the next (a
/// rolling window's leaving row, say) the jump is mispredicted often; this form is a bit
/// mask instead, so the cost is the same whatever `take` is. Exact: the chosen operand's bits.

#include <bit>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace oddkit {

[[gnu::always_inline]] inline double branchless_select(bool take, double fresh, double kept) noexcept {
#if defined(__SSE2__)
    const __m128d mask = _mm_castsi128_pd(_mm_cvtsi64_si128(-static_cast<long long>(take)));
    return _mm_cvtsd_f64(_mm_or_pd(_mm_and_pd(mask, _mm_set_sd(fresh)), _mm_andnot_pd(mask, _mm_set_sd(kept))));
#else
    const std::uint64_t mask = std::uint64_t{0} - static_cast<std::uint64_t>(take);
    return std::bit_cast<double>((std::bit_cast<std::uint64_t>(fresh) & mask) |
                                 (std::bit_cast<std::uint64_t>(kept) & ~mask));
#endif
}

} // namespace oddkit
