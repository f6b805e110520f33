// SPDX-License-Identifier: MIT
// Stream table and queue registers: SMMU_STRTAB_BASE / SMMU_STRTAB_BASE_CFG (IHI 0070 G.b
// §6.3.24-§6.3.25), SMMU_{CMDQ,EVENTQ,PRIQ}_BASE (§6.3.26, §6.3.29, §6.3.33) and the index
// registers SMMU_CMDQ_PROD / SMMU_CMDQ_CONS (§6.3.27-§6.3.28), SMMU_EVENTQ_PROD /
// SMMU_EVENTQ_CONS (§6.3.95-§6.3.96) and SMMU_PRIQ_PROD / SMMU_PRIQ_CONS (§6.3.97-§6.3.98).
//
// The PROD/CONS structs hold the 20-bit WR/RD field whole: which of its bits are the index and
// which is the wrap flag depends on the queue's LOG2SIZE, and queue.hpp does that split.
// Bits [19:LOG2SIZE+1] of WR/RD are RES0 (software-written) or RAZ (SMMU-written); that
// depends on LOG2SIZE too, so `queue_index_res0_bits` in queue.hpp reports them, not the
// `*_res0_bits` functions here.
//
// Address fields: IHI 0070 G.b defines STRTAB_BASE.ADDR as [55:6] and the queue ADDR fields as
// [55:5] (56-bit PAs, SMMUv3.4). Linux masks them with GENMASK_ULL(51, 6) / (51, 5); QEMU
// used bits [47:5] and now applies [51:6] (SMMU_BASE_ADDR_MASK) to the queue bases too, so it
// drops bit 5 of a queue base that is only 32-byte aligned, which §6.3.26 allows. Bits above
// SMMU_IDR5.OAS are RES0 in every issue, which the register file checks against its OAS.
#pragma once

#include <cstdint>

#include "smmuv3/cerror.hpp"
#include "smmuv3/queue.hpp"
#include "smmuv3/registers/common.hpp"

namespace smmuv3::reg {

// ---------------------------------------------------------------------------------------------
// SMMU_STRTAB_BASE, §6.3.24 (64-bit). Bits 63, [61:56] and [5:0] are RES0. The SMMU aligns the
// effective base to the table size (linear) or the L1 table size, at least 64 bytes (2-level).
namespace strtab_base {
using Ra = Bit<62>;
using Addr = smmuv3::Addr<55, 6, 6>;
}  // namespace strtab_base

struct StrtabBase {
  bool ra = false;
  std::uint64_t addr = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(strtab_base::Ra{}, "RA", s.ra);
    v(strtab_base::Addr{}, "ADDR", s.addr);
  }
  friend constexpr bool operator==(const StrtabBase&, const StrtabBase&) = default;
};

inline constexpr Words<1> kStrtabBaseDefined = fields_mask<1, StrtabBase>();
static_assert(fields_disjoint<1, StrtabBase>());
inline constexpr Words<1> kStrtabBaseRes0 = complement(kStrtabBaseDefined);
constexpr Words<1> strtab_base_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kStrtabBaseRes0); }

constexpr Encoded<1> encode(const StrtabBase& r) noexcept { return encode_fields<1>(r); }
constexpr StrtabBase decode_strtab_base(const Words<1>& w) noexcept { return decode_fields<StrtabBase>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_STRTAB_BASE_CFG, §6.3.25. Bits [31:18] and [15:11] are RES0. FMT and SPLIT are RES0
// when SMMU_IDR0.ST_LEVEL == 0b00.
namespace strtab_base_cfg {
using Fmt = Bits<17, 16>;
using Split = Bits<10, 6>;
using Log2Size = Bits<5, 0>;
}  // namespace strtab_base_cfg

/// SMMU_STRTAB_BASE_CFG.FMT. Other values are Reserved and behave as linear.
enum class StrtabFmt : std::uint8_t { linear = 0, two_level = 1 };

/// SMMU_STRTAB_BASE_CFG. SPLIT (StreamID bits indexing the level-2 tables) is 6, 8 or 10;
/// other values are Reserved and behave as 6. LOG2SIZE is log2 of the StreamID span.
struct StrtabBaseCfg {
  StrtabFmt fmt{};
  std::uint8_t split = 0;
  std::uint8_t log2size = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(strtab_base_cfg::Fmt{}, "FMT", s.fmt);
    v(strtab_base_cfg::Split{}, "SPLIT", s.split);
    v(strtab_base_cfg::Log2Size{}, "LOG2SIZE", s.log2size);
  }
  friend constexpr bool operator==(const StrtabBaseCfg&, const StrtabBaseCfg&) = default;
};

inline constexpr Words<1> kStrtabBaseCfgDefined = fields_mask<1, StrtabBaseCfg>();
static_assert(fields_disjoint<1, StrtabBaseCfg>());
inline constexpr Words<1> kStrtabBaseCfgRes0 = complement(kStrtabBaseCfgDefined);
constexpr Words<1> strtab_base_cfg_res0_bits(const Words<1>& w) noexcept {
  return bits_in(w, kStrtabBaseCfgRes0);
}

constexpr Encoded<1> encode(const StrtabBaseCfg& r) noexcept { return encode_fields<1>(r); }
constexpr StrtabBaseCfg decode_strtab_base_cfg(const Words<1>& w) noexcept { return decode_fields<StrtabBaseCfg>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_CMDQ_BASE (§6.3.26), SMMU_EVENTQ_BASE (§6.3.29), SMMU_PRIQ_BASE (§6.3.33): one 64-bit
// layout. Bit 62 is the Read-Allocate hint (RA) of the Command queue, which the SMMU reads, and
// the Write-Allocate hint (WA) of the Event and PRI queues, which it writes (Linux: Q_BASE_RWA).
// Bits 63 and [61:56] are RES0. LOG2SIZE is log2(entries); any use of it other than read-back
// is capped at SMMU_IDR1.{CMDQS,EVENTQS,PRIQS} (see effective_log2size in queue.hpp).
namespace queue_base {
using Ra = Bit<62>;
using Wa = Bit<62>;
using Addr = smmuv3::Addr<55, 5, 5>;
using Log2Size = Bits<4, 0>;
}  // namespace queue_base
namespace cmdq_base = queue_base;
namespace eventq_base = queue_base;
namespace priq_base = queue_base;

/// SMMU_CMDQ_BASE.
struct CmdqBase {
  bool ra = false;
  std::uint64_t addr = 0;
  std::uint8_t log2size = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(queue_base::Ra{}, "RA", s.ra);
    v(queue_base::Addr{}, "ADDR", s.addr);
    v(queue_base::Log2Size{}, "LOG2SIZE", s.log2size);
  }
  friend constexpr bool operator==(const CmdqBase&, const CmdqBase&) = default;
};

/// SMMU_EVENTQ_BASE, and SMMU_PRIQ_BASE which has the same fields.
struct EventqBase {
  bool wa = false;
  std::uint64_t addr = 0;
  std::uint8_t log2size = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(queue_base::Wa{}, "WA", s.wa);
    v(queue_base::Addr{}, "ADDR", s.addr);
    v(queue_base::Log2Size{}, "LOG2SIZE", s.log2size);
  }
  friend constexpr bool operator==(const EventqBase&, const EventqBase&) = default;
};
using PriqBase = EventqBase;

inline constexpr Words<1> kQueueBaseDefined = fields_mask<1, CmdqBase>();
static_assert(fields_disjoint<1, CmdqBase>() && fields_disjoint<1, EventqBase>());
static_assert(fields_mask<1, EventqBase>() == kQueueBaseDefined, "WA sits where RA does: one layout");
inline constexpr Words<1> kQueueBaseRes0 = complement(kQueueBaseDefined);
constexpr Words<1> queue_base_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kQueueBaseRes0); }

constexpr Encoded<1> encode(const CmdqBase& r) noexcept { return encode_fields<1>(r); }
constexpr Encoded<1> encode(const EventqBase& r) noexcept { return encode_fields<1>(r); }
constexpr CmdqBase decode_cmdq_base(const Words<1>& w) noexcept { return decode_fields<CmdqBase>(w); }
constexpr EventqBase decode_eventq_base(const Words<1>& w) noexcept { return decode_fields<EventqBase>(w); }
constexpr PriqBase decode_priq_base(const Words<1>& w) noexcept { return decode_eventq_base(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_CMDQ_PROD, §6.3.27. Bits [31:20] are RES0. WR = {WR_WRAP, WR} per LOG2SIZE.
namespace cmdq_prod {
using Wr = Bits<19, 0>;
}  // namespace cmdq_prod

struct CmdqProd {
  std::uint32_t wr = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmdq_prod::Wr{}, "WR", s.wr);
  }
  friend constexpr bool operator==(const CmdqProd&, const CmdqProd&) = default;
};

inline constexpr Words<1> kCmdqProdDefined = fields_mask<1, CmdqProd>();
static_assert(fields_disjoint<1, CmdqProd>());
inline constexpr Words<1> kCmdqProdRes0 = complement(kCmdqProdDefined);
constexpr Words<1> cmdq_prod_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kCmdqProdRes0); }

constexpr Encoded<1> encode(const CmdqProd& r) noexcept { return encode_fields<1>(r); }
constexpr CmdqProd decode_cmdq_prod(const Words<1>& w) noexcept { return decode_fields<CmdqProd>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_CMDQ_CONS, §6.3.28. Bit 31 and [23:20] are RES0. ERR (cerror.hpp) is UNKNOWN unless
// SMMU_GERROR.CMDQ_ERR is active.
namespace cmdq_cons {
using Err = CmdqConsErr;
using Rd = Bits<19, 0>;
}  // namespace cmdq_cons

struct CmdqCons {
  CmdqError err{};
  std::uint32_t rd = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmdq_cons::Err{}, "ERR", s.err);
    v(cmdq_cons::Rd{}, "RD", s.rd);
  }
  friend constexpr bool operator==(const CmdqCons&, const CmdqCons&) = default;
};

inline constexpr Words<1> kCmdqConsDefined = fields_mask<1, CmdqCons>();
static_assert(fields_disjoint<1, CmdqCons>());
inline constexpr Words<1> kCmdqConsRes0 = complement(kCmdqConsDefined);
constexpr Words<1> cmdq_cons_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kCmdqConsRes0); }

constexpr Encoded<1> encode(const CmdqCons& r) noexcept { return encode_fields<1>(r); }
constexpr CmdqCons decode_cmdq_cons(const Words<1>& w) noexcept { return decode_fields<CmdqCons>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_EVENTQ_PROD (§6.3.95) and SMMU_PRIQ_PROD (§6.3.97): one layout. Bits [30:20] are RES0.
// The SMMU toggles OVFLG on an overflow if OVFLG == CONS.OVACKFLG; an overflow is outstanding
// while they differ (§7.4, §8.1).
namespace eventq_prod {
using OvFlg = Bit<31>;
using Wr = Bits<19, 0>;
}  // namespace eventq_prod
namespace priq_prod = eventq_prod;

struct EventqProd {
  bool ovflg = false;
  std::uint32_t wr = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(eventq_prod::OvFlg{}, "OVFLG", s.ovflg);
    v(eventq_prod::Wr{}, "WR", s.wr);
  }
  friend constexpr bool operator==(const EventqProd&, const EventqProd&) = default;
};
using PriqProd = EventqProd;

inline constexpr Words<1> kEventqProdDefined = fields_mask<1, EventqProd>();
static_assert(fields_disjoint<1, EventqProd>());
inline constexpr Words<1> kEventqProdRes0 = complement(kEventqProdDefined);
constexpr Words<1> eventq_prod_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kEventqProdRes0); }

constexpr Encoded<1> encode(const EventqProd& r) noexcept { return encode_fields<1>(r); }
constexpr EventqProd decode_eventq_prod(const Words<1>& w) noexcept { return decode_fields<EventqProd>(w); }
constexpr PriqProd decode_priq_prod(const Words<1>& w) noexcept { return decode_eventq_prod(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_EVENTQ_CONS (§6.3.96) and SMMU_PRIQ_CONS (§6.3.98): one layout. Bits [30:20] are RES0.
// Software sets OVACKFLG = PROD.OVFLG to acknowledge an overflow.
namespace eventq_cons {
using OvAckFlg = Bit<31>;
using Rd = Bits<19, 0>;
}  // namespace eventq_cons
namespace priq_cons = eventq_cons;

struct EventqCons {
  bool ovackflg = false;
  std::uint32_t rd = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(eventq_cons::OvAckFlg{}, "OVACKFLG", s.ovackflg);
    v(eventq_cons::Rd{}, "RD", s.rd);
  }
  friend constexpr bool operator==(const EventqCons&, const EventqCons&) = default;
};
using PriqCons = EventqCons;

inline constexpr Words<1> kEventqConsDefined = fields_mask<1, EventqCons>();
static_assert(fields_disjoint<1, EventqCons>());
inline constexpr Words<1> kEventqConsRes0 = complement(kEventqConsDefined);
constexpr Words<1> eventq_cons_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kEventqConsRes0); }

constexpr Encoded<1> encode(const EventqCons& r) noexcept { return encode_fields<1>(r); }
constexpr EventqCons decode_eventq_cons(const Words<1>& w) noexcept { return decode_fields<EventqCons>(w); }
constexpr PriqCons decode_priq_cons(const Words<1>& w) noexcept { return decode_eventq_cons(w); }

// queue.hpp does its pointer arithmetic on the same WR/RD field [19:0].
static_assert(cmdq_prod::Wr::mask == kQueuePointerField && cmdq_cons::Rd::mask == kQueuePointerField &&
              eventq_prod::Wr::mask == kQueuePointerField && eventq_cons::Rd::mask == kQueuePointerField);

/// True while an Event or PRI queue overflow is outstanding: PROD.OVFLG != CONS.OVACKFLG
/// (§6.3.95, §7.4). The SMMU does not report a further overflow until it is acknowledged.
constexpr bool queue_overflow_outstanding(std::uint32_t prod_value, std::uint32_t cons_value) noexcept {
  return eventq_prod::OvFlg::get(prod_value) != eventq_cons::OvAckFlg::get(cons_value);
}

}  // namespace smmuv3::reg
