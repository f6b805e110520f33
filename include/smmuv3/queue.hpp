// SPDX-License-Identifier: MIT
// Circular queue pointer arithmetic for the Command, Event and PRI queues (IHI 0070 G.b §3.5.1
// "SMMU circular queues"; register formats §6.3.27-§6.3.28 CMDQ_PROD/CONS, §6.3.95-§6.3.98
// EVENTQ/PRIQ_PROD/CONS).
//
// A queue has 2^QS entries, QS = LOG2SIZE of its _BASE register (0..19). Its PROD and CONS
// registers hold, in the 20-bit WR/RD field [19:0], the index in bits [QS-1:0] and the wrap
// flag in bit [QS]; with QS == 0 there are no index bits and the wrap flag is bit 0. Above the
// field sit CMDQ_CONS.ERR [30:24] (cerror.hpp) and EVENTQ/PRIQ PROD.OVFLG / CONS.OVACKFLG [31]
// (registers/queue_registers.hpp); this header never reads or changes them.
//
// Bits [19:QS+1] of WR/RD: §3.5.1 says they "are ignored". In a register written by software
// (CMDQ_PROD, EVENTQ_CONS, PRIQ_CONS) they are RES0, "the value might be stored but has no
// other effect", and read UNKNOWN above IDR1.xQS; in a register written by the SMMU (CMDQ_CONS,
// EVENTQ_PROD, PRIQ_PROD) they are RAZ. So `queue_pointer` ignores them, `with_queue_pointer`
// writes them as zero (what the SMMU must do to its own index, and a permitted value for the
// other), and `queue_index_res0_bits` reports them for a sanitizer. After LOG2SIZE shrinks, the
// bits from the wrap flag down are "the effective truncation of the value in the old field",
// which is exactly what extracting with the new QS gives.
//
// Every function is total: a LOG2SIZE above 19 (the field is 5 bits wide, so 31 is encodable)
// is clamped to 19, the widest index the 20-bit WR/RD field can hold, and no shift ever reaches
// the width of its operand. The SMMU itself caps LOG2SIZE at SMMU_IDR1.{CMDQS,EVENTQS,PRIQS};
// `effective_log2size` applies that cap.
#pragma once

#include <cstdint>

namespace smmuv3 {

/// Largest queue is 2^19 entries (§3.5.1; SMMU_IDR1.CMDQS/EVENTQS/PRIQS "Maximum value 19").
inline constexpr unsigned kQueueMaxLog2Size = 19;

/// The WR/RD field of every PROD/CONS register: bits [19:0] (19 index bits plus wrap).
inline constexpr std::uint32_t kQueuePointerField = 0x000F'FFFF;

enum class QueueKind : std::uint8_t { cmdq, eventq, priq };

/// Entry sizes: commands are 16 bytes (§4.1), event records 32 bytes (§7.3), PRI queue records
/// two 64-bit words (chapter 8; Linux PRIQ_ENT_DWORDS = 2).
inline constexpr unsigned kCmdqEntryBytes = 16;
inline constexpr unsigned kEventqEntryBytes = 32;
inline constexpr unsigned kPriqEntryBytes = 16;

/// Entry size of a queue in bytes; 0 for a value that is not a QueueKind.
constexpr unsigned queue_entry_bytes(QueueKind kind) noexcept {
  switch (kind) {
    case QueueKind::cmdq: return kCmdqEntryBytes;
    case QueueKind::eventq: return kEventqEntryBytes;
    case QueueKind::priq: return kPriqEntryBytes;
  }
  return 0;
}

/// LOG2SIZE as this header uses it: anything above 19 counts as 19.
constexpr unsigned clamp_log2size(unsigned log2size) noexcept {
  return log2size > kQueueMaxLog2Size ? kQueueMaxLog2Size : log2size;
}

/// The queue size the SMMU uses: _BASE.LOG2SIZE capped at the SMMU_IDR1 maximum for that queue
/// ("Except for the purposes of readback of this register, any use of the value of this field
/// is capped at the maximum, SMMU_IDR1.CMDQS", §6.3.26; likewise §6.3.29, §6.3.33), and at 19.
constexpr unsigned effective_log2size(unsigned base_log2size, unsigned idr1_max_log2size) noexcept {
  const unsigned capped = base_log2size < idr1_max_log2size ? base_log2size : idr1_max_log2size;
  return clamp_log2size(capped);
}

/// Number of entries, 2^QS.
constexpr std::uint32_t queue_entries(unsigned log2size) noexcept { return std::uint32_t{1} << clamp_log2size(log2size); }

/// Bits [QS-1:0]: the index (zero when QS == 0).
constexpr std::uint32_t queue_index_mask(unsigned log2size) noexcept { return queue_entries(log2size) - 1; }

/// Bit [QS]: the wrap flag.
constexpr std::uint32_t queue_wrap_mask(unsigned log2size) noexcept { return queue_entries(log2size); }

/// Bits [QS:0]: index and wrap flag together.
constexpr std::uint32_t queue_pointer_mask(unsigned log2size) noexcept {
  return queue_index_mask(log2size) | queue_wrap_mask(log2size);
}

/// A PROD or CONS position: index into the queue and its wrap flag.
struct QueuePointer {
  std::uint32_t index = 0;
  bool wrap = false;
  friend constexpr bool operator==(const QueuePointer&, const QueuePointer&) = default;
};

/// The position held in a PROD/CONS register value; bits above the wrap flag are ignored.
constexpr QueuePointer queue_pointer(std::uint32_t reg, unsigned log2size) noexcept {
  return QueuePointer{reg & queue_index_mask(log2size), (reg & queue_wrap_mask(log2size)) != 0};
}

/// The WR/RD bits [QS:0] for a position. An index of 2^QS or more is reduced modulo 2^QS (a
/// defined answer for a bad input, not a carry into the wrap flag).
constexpr std::uint32_t queue_pointer_bits(QueuePointer p, unsigned log2size) noexcept {
  return (p.index & queue_index_mask(log2size)) | (p.wrap ? queue_wrap_mask(log2size) : 0);
}

/// `reg` with its WR/RD field [19:0] replaced by `p`: bits [QS:0] hold the position, bits
/// [19:QS+1] are zero, bits [31:20] (ERR, OVFLG/OVACKFLG, RES0) are kept.
constexpr std::uint32_t with_queue_pointer(std::uint32_t reg, QueuePointer p, unsigned log2size) noexcept {
  return (reg & ~kQueuePointerField) | queue_pointer_bits(p, log2size);
}

/// The bits [19:QS+1] of a PROD/CONS value that are set: RES0/RAZ for this queue size. Zero
/// for a clean value.
constexpr std::uint32_t queue_index_res0_bits(std::uint32_t reg, unsigned log2size) noexcept {
  return reg & kQueuePointerField & ~queue_pointer_mask(log2size);
}

/// Empty: same index, same wrap flag (§3.5.1).
constexpr bool queue_empty(QueuePointer prod, QueuePointer cons, unsigned log2size) noexcept {
  return queue_pointer_bits(prod, log2size) == queue_pointer_bits(cons, log2size);
}

/// Full: same index, different wrap flags (§3.5.1).
constexpr bool queue_full(QueuePointer prod, QueuePointer cons, unsigned log2size) noexcept {
  return queue_pointer_bits(prod, log2size) == (queue_pointer_bits(cons, log2size) ^ queue_wrap_mask(log2size));
}

/// Entries between cons and prod: (prod - cons) modulo 2^(QS+1), reading {wrap, index} as one
/// number. 0..2^QS for the consistent states of §3.5.1; more than 2^QS for the inconsistent
/// ones (prod ahead of cons with differing wrap flags, or behind with equal ones).
constexpr std::uint32_t queue_used(QueuePointer prod, QueuePointer cons, unsigned log2size) noexcept {
  return (queue_pointer_bits(prod, log2size) - queue_pointer_bits(cons, log2size)) & queue_pointer_mask(log2size);
}

/// Whether prod and cons are in one of the consistent states of §3.5.1 (empty, full, or
/// partly full with wrap flags that agree with the index order). Software must never write an
/// inconsistent pair; the SMMU's behaviour is then CONSTRAINED UNPREDICTABLE.
constexpr bool queue_consistent(QueuePointer prod, QueuePointer cons, unsigned log2size) noexcept {
  return queue_used(prod, cons, log2size) <= queue_entries(log2size);
}

/// Free entries a producer may fill: 2^QS - used for a consistent pair, 0 for an inconsistent
/// one (a producer must not write into a queue whose state it cannot trust).
constexpr std::uint32_t queue_free(QueuePointer prod, QueuePointer cons, unsigned log2size) noexcept {
  return queue_consistent(prod, cons, log2size) ? queue_entries(log2size) - queue_used(prod, cons, log2size) : 0;
}

/// `p` moved forward by n entries, wrapping to index 0 and toggling the wrap flag each time it
/// passes the end (§3.5.1). n is taken modulo 2^(QS+1), so n == 2^(QS+1) is a full lap.
constexpr QueuePointer queue_advance(QueuePointer p, std::uint32_t n, unsigned log2size) noexcept {
  // Unsigned addition wraps modulo 2^32, a multiple of 2^(QS+1), so the mask gives the exact
  // result for every n.
  return queue_pointer((queue_pointer_bits(p, log2size) + n) & queue_pointer_mask(log2size), log2size);
}

/// Size of the queue in bytes: entries * entry size (at most 2^19 * 32 = 16MB).
constexpr std::uint64_t queue_bytes(QueueKind kind, unsigned log2size) noexcept {
  return std::uint64_t{queue_entries(log2size)} * queue_entry_bytes(kind);
}

/// Alignment of the effective queue base: "the larger of the queue size in bytes or 32 bytes"
/// (§6.3.26, §6.3.29, §6.3.33).
constexpr std::uint64_t queue_base_alignment(QueueKind kind, unsigned log2size) noexcept {
  const std::uint64_t bytes = queue_bytes(kind, log2size);
  return bytes > 32 ? bytes : 32;
}

/// The base address the SMMU uses for a _BASE.ADDR value: ADDR with "the least-significant
/// bits ... ignored as required" to meet queue_base_alignment.
constexpr std::uint64_t queue_effective_base(std::uint64_t addr, QueueKind kind, unsigned log2size) noexcept {
  return addr & ~(queue_base_alignment(kind, log2size) - 1);
}

/// Byte offset of the entry at `p` from the queue base: index * entry size (the wrap flag does
/// not move the entry).
constexpr std::uint64_t queue_entry_offset(QueuePointer p, QueueKind kind, unsigned log2size) noexcept {
  return std::uint64_t{p.index & queue_index_mask(log2size)} * queue_entry_bytes(kind);
}

/// Address of the entry at `p` for a queue whose _BASE.ADDR is `addr`.
constexpr std::uint64_t queue_entry_address(std::uint64_t addr, QueuePointer p, QueueKind kind,
                                            unsigned log2size) noexcept {
  return queue_effective_base(addr, kind, log2size) + queue_entry_offset(p, kind, log2size);
}

}  // namespace smmuv3
