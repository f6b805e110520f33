// Tests for include/smmuv3/queue.hpp: circular queue pointer arithmetic (IHI 0070 G.b §3.5.1,
// §6.3.27-§6.3.28, §6.3.95-§6.3.98).
#include <smmuv3/queue.hpp>

#include <gtest/gtest.h>

#include <cstdint>

namespace smmuv3 {
namespace {

// --- constant expressions, including hostile inputs --------------------------------------------
static_assert(queue_entries(0) == 1 && queue_entries(8) == 256 && queue_entries(19) == (1u << 19));
static_assert(queue_entries(20) == (1u << 19) && queue_entries(31) == (1u << 19) && queue_entries(~0u) == (1u << 19));
static_assert(queue_index_mask(0) == 0 && queue_wrap_mask(0) == 1 && queue_pointer_mask(0) == 1);
static_assert(queue_pointer_mask(19) == kQueuePointerField && queue_pointer_mask(31) == kQueuePointerField);
static_assert(queue_pointer(0xFFFF'FFFF, 31) == QueuePointer{0x7FFFF, true});
static_assert(queue_pointer(0xFFFF'FFFF, 0) == QueuePointer{0, true});
static_assert(queue_advance(QueuePointer{3, false}, 1, 2) == QueuePointer{0, true});
static_assert(queue_advance(QueuePointer{0x7FFFF, true}, ~0u, 64) == QueuePointer{0x7FFFE, true});
static_assert(queue_used(QueuePointer{1, true}, QueuePointer{3, false}, 2) == 2);
static_assert(queue_full(QueuePointer{5, true}, QueuePointer{5, false}, 3));
static_assert(queue_empty(QueuePointer{5, true}, QueuePointer{5, true}, 3));
static_assert(with_queue_pointer(0xFFFF'FFFF, QueuePointer{1, false}, 2) == 0xFFF0'0001);
static_assert(queue_entry_offset(QueuePointer{2, true}, QueueKind::eventq, 4) == 64);
static_assert(queue_bytes(QueueKind::eventq, 31) == (32ull << 19));
static_assert(effective_log2size(31, 31) == 19);

// An independent model of §3.5.1: step one entry at a time, wrapping to index 0 and toggling
// the wrap flag when passing the top.
constexpr QueuePointer step(QueuePointer p, unsigned log2size) {
  if (p.index + 1 == (1u << log2size)) return QueuePointer{0, !p.wrap};
  return QueuePointer{p.index + 1, p.wrap};
}

// The consistent states listed in §3.5.1.
constexpr bool spec_consistent(QueuePointer prod, QueuePointer cons) {
  if (prod.index == cons.index) return true;  // empty or full
  if (prod.index > cons.index) return prod.wrap == cons.wrap;
  return prod.wrap != cons.wrap;
}

constexpr QueuePointer from_bits(std::uint32_t bits, unsigned log2size) {
  return QueuePointer{bits & ((1u << log2size) - 1), ((bits >> log2size) & 1) != 0};
}

// Exhaustive over every PROD/CONS pair of queues of 1..16 entries.
TEST(QueueArithmetic, EveryPairOfSmallQueuesAgreesWithTheStepModel) {
  for (unsigned n = 0; n <= 4; ++n) {
    const std::uint32_t size = 1u << n;
    for (std::uint32_t pb = 0; pb < 2 * size; ++pb) {
      for (std::uint32_t cb = 0; cb < 2 * size; ++cb) {
        const QueuePointer prod = from_bits(pb, n);
        const QueuePointer cons = from_bits(cb, n);
        SCOPED_TRACE(::testing::Message() << "log2size " << n << " prod " << pb << " cons " << cb);
        // Distance by stepping cons forward until it reaches prod.
        std::uint32_t steps = 0;
        for (QueuePointer c = cons; !(c == prod); c = step(c, n)) ++steps;
        ASSERT_LT(steps, 2 * size);
        const std::uint32_t used = queue_used(prod, cons, n);
        EXPECT_EQ(used, steps);
        EXPECT_EQ(queue_empty(prod, cons, n), prod.index == cons.index && prod.wrap == cons.wrap);
        EXPECT_EQ(queue_full(prod, cons, n), prod.index == cons.index && prod.wrap != cons.wrap);
        EXPECT_EQ(queue_empty(prod, cons, n), used == 0);
        EXPECT_EQ(queue_full(prod, cons, n), used == size);
        EXPECT_EQ(queue_consistent(prod, cons, n), spec_consistent(prod, cons));
        if (queue_consistent(prod, cons, n)) {
          EXPECT_EQ(queue_free(prod, cons, n) + used, size);
        } else {
          EXPECT_EQ(queue_free(prod, cons, n), 0u);
        }
        EXPECT_EQ(queue_advance(cons, used, n), prod);
        EXPECT_TRUE(queue_empty(prod, queue_advance(cons, used, n), n));
        // The register bits round-trip.
        EXPECT_EQ(queue_pointer(queue_pointer_bits(prod, n), n), prod);
        EXPECT_EQ(queue_pointer_bits(prod, n), pb);
      }
    }
  }
}

TEST(QueueArithmetic, AdvanceComposesAndWrapsEveryTwoLaps) {
  for (unsigned n = 0; n <= 4; ++n) {
    const std::uint32_t size = 1u << n;
    for (std::uint32_t pb = 0; pb < 2 * size; ++pb) {
      const QueuePointer p = from_bits(pb, n);
      SCOPED_TRACE(::testing::Message() << "log2size " << n << " p " << pb);
      EXPECT_EQ(queue_advance(p, 0, n), p);
      EXPECT_EQ(queue_advance(p, 2 * size, n), p);
      EXPECT_EQ(queue_advance(p, size, n), (QueuePointer{p.index, !p.wrap}));  // one lap: wrap toggles
      EXPECT_EQ(queue_advance(p, 1, n), step(p, n));
      EXPECT_EQ(queue_advance(p, ~0u, n), queue_advance(p, 2 * size - 1, n));  // n taken mod 2^(QS+1)
      for (std::uint32_t a = 0; a <= 2 * size; ++a) {
        const QueuePointer q = queue_advance(p, a, n);
        EXPECT_EQ(queue_used(q, p, n), a % (2 * size));
        for (std::uint32_t b = 0; b <= 2 * size; ++b) EXPECT_EQ(queue_advance(q, b, n), queue_advance(p, a + b, n));
      }
    }
  }
}

TEST(QueueArithmetic, OneEntryQueueIsOnlyAWrapFlag) {
  // §6.3.27: "If QS == 0 the queue has one entry. Zero bits of WR index are present and WR_WRAP
  // is bit zero." An increment is a toggle of the wrap flag.
  const QueuePointer empty{0, false};
  const QueuePointer one = queue_advance(empty, 1, 0);
  EXPECT_EQ(one, (QueuePointer{0, true}));
  EXPECT_TRUE(queue_full(one, empty, 0));
  EXPECT_EQ(queue_free(empty, empty, 0), 1u);
  EXPECT_EQ(queue_pointer(0x1, 0), (QueuePointer{0, true}));
  EXPECT_EQ(queue_pointer(0x2, 0), (QueuePointer{0, false}));  // bit 1 is above the wrap flag
}

TEST(QueueRegisters, ExtractIgnoresBitsAboveTheWrapFlag) {
  // §3.5.1: a 128-entry queue has index bits [6:0], wrap bit [7], and bits [19:8] are ignored.
  EXPECT_EQ(queue_pointer(0x000F'FF85, 7), (QueuePointer{5, true}));
  EXPECT_EQ(queue_pointer(0x000F'FF05, 7), (QueuePointer{5, false}));
  // CMDQ_CONS.ERR [30:24] and OVFLG/OVACKFLG [31] are not part of the position.
  EXPECT_EQ(queue_pointer(0xFF00'0003, 4), (QueuePointer{3, false}));
  // After LOG2SIZE shrinks, the position is the truncation of the old field (§6.3.27).
  EXPECT_EQ(queue_pointer(0x0000'01A5, 4), (QueuePointer{5, false}));
  EXPECT_EQ(queue_pointer(0x0000'01A5, 5), (QueuePointer{5, true}));
}

TEST(QueueRegisters, InsertKeepsTheUpperFieldsAndClearsTheUnusedIndexBits) {
  for (unsigned n = 0; n <= kQueueMaxLog2Size; ++n) {
    for (const std::uint32_t reg : {0u, 0xFFFF'FFFFu, 0x8000'0000u, 0x7F0F'FFFFu, 0x1234'5678u}) {
      for (const QueuePointer p : {QueuePointer{0, false}, QueuePointer{queue_index_mask(n), true},
                                   QueuePointer{queue_index_mask(n) / 2, false}}) {
        SCOPED_TRACE(::testing::Message() << "log2size " << n << " reg 0x" << std::hex << reg);
        const std::uint32_t out = with_queue_pointer(reg, p, n);
        EXPECT_EQ(queue_pointer(out, n), p);
        EXPECT_EQ(out & 0xFFF0'0000u, reg & 0xFFF0'0000u);      // ERR / OVFLG / RES0 kept
        EXPECT_EQ(out & kQueuePointerField & ~queue_pointer_mask(n), 0u);  // [19:QS+1] zero
        EXPECT_EQ(queue_index_res0_bits(out, n), 0u);
      }
    }
  }
  // CMDQ_CONS with an error code: moving RD keeps ERR.
  EXPECT_EQ(with_queue_pointer(0x0100'0005, QueuePointer{6, false}, 4), 0x0100'0006u);
  // EVENTQ_PROD with OVFLG: the SMMU's update keeps OVFLG and writes RAZ bits as zero.
  EXPECT_EQ(with_queue_pointer(0x800F'FFFF, QueuePointer{2, true}, 3), 0x8000'000Au);
}

TEST(QueueRegisters, ReportsIndexBitsThatAreRes0ForTheQueueSize) {
  EXPECT_EQ(queue_index_res0_bits(0x0000'0100, 7), 0x100u);
  EXPECT_EQ(queue_index_res0_bits(0x0000'00FF, 7), 0u);
  EXPECT_EQ(queue_index_res0_bits(0xFFFF'FFFF, 19), 0u);  // nothing above [19:0] is an index bit
  EXPECT_EQ(queue_index_res0_bits(0xFFFF'FFFF, 0), 0x000F'FFFEu);
  EXPECT_EQ(queue_index_res0_bits(0xFFFF'FFFF, 31), 0u);  // clamped to 19
}

TEST(QueueRegisters, HostileInputsGetDefinedAnswers) {
  for (const unsigned n : {20u, 31u, 32u, 63u, 64u, 0xFFFF'FFFFu}) {
    EXPECT_EQ(queue_entries(n), 1u << 19);
    EXPECT_EQ(queue_pointer(0xFFFF'FFFF, n), (QueuePointer{0x7FFFF, true}));
    EXPECT_EQ(queue_advance(QueuePointer{0x7FFFF, true}, 1, n), (QueuePointer{0, false}));
    EXPECT_TRUE(queue_consistent(QueuePointer{0, true}, QueuePointer{0, false}, n));
  }
  // An index beyond the queue is reduced modulo its size, never carried into the wrap flag.
  EXPECT_EQ(queue_pointer_bits(QueuePointer{0x13, false}, 4), 0x3u);
  EXPECT_EQ(with_queue_pointer(0, QueuePointer{0xFFFF'FFFF, false}, 2), 0x3u);
  EXPECT_TRUE(queue_empty(QueuePointer{0x10, false}, QueuePointer{0, false}, 4));
  EXPECT_EQ(queue_entry_offset(QueuePointer{0xFFFF'FFFF, false}, QueueKind::cmdq, 2), 3u * 16);
  EXPECT_EQ(queue_entry_bytes(static_cast<QueueKind>(7)), 0u);
}

TEST(QueueRegisters, EffectiveSizeIsCappedByIdr1) {
  // §6.3.26: "any use of the value of this field is capped at the maximum, SMMU_IDR1.CMDQS".
  EXPECT_EQ(effective_log2size(10, 8), 8u);
  EXPECT_EQ(effective_log2size(6, 8), 6u);
  EXPECT_EQ(effective_log2size(31, 19), 19u);
  EXPECT_EQ(effective_log2size(25, 31), 19u);
}

TEST(QueueMemory, EntrySizesAndAddresses) {
  EXPECT_EQ(queue_entry_bytes(QueueKind::cmdq), 16u);    // §4.1
  EXPECT_EQ(queue_entry_bytes(QueueKind::eventq), 32u);  // §7.3
  EXPECT_EQ(queue_entry_bytes(QueueKind::priq), 16u);    // chapter 8, Linux PRIQ_ENT_DWORDS = 2
  EXPECT_EQ(queue_entry_offset(QueuePointer{3, true}, QueueKind::cmdq, 4), 48u);
  EXPECT_EQ(queue_entry_offset(QueuePointer{3, false}, QueueKind::eventq, 4), 96u);
  EXPECT_EQ(queue_entry_offset(QueuePointer{3, false}, QueueKind::priq, 4), 48u);
  // §6.3.26 example: a queue with 2^8 entries is 4096 bytes, so ADDR is 4KB-aligned.
  EXPECT_EQ(queue_bytes(QueueKind::cmdq, 8), 4096u);
  EXPECT_EQ(queue_base_alignment(QueueKind::cmdq, 8), 4096u);
  EXPECT_EQ(queue_effective_base(0x1234'5FE0, QueueKind::cmdq, 8), 0x1234'5000u);
  // Small queues align to 32 bytes ("the larger of the queue size in bytes or 32 bytes").
  EXPECT_EQ(queue_base_alignment(QueueKind::cmdq, 0), 32u);
  EXPECT_EQ(queue_base_alignment(QueueKind::eventq, 0), 32u);
  EXPECT_EQ(queue_effective_base(0x1234'5FF0, QueueKind::cmdq, 0), 0x1234'5FE0u);
  EXPECT_EQ(queue_bytes(QueueKind::eventq, 19), 16u << 20);
  EXPECT_EQ(queue_entry_address(0x8000'0FE0, QueuePointer{5, true}, QueueKind::eventq, 7), 0x8000'0000u + 5 * 32);
}

}  // namespace
}  // namespace smmuv3
