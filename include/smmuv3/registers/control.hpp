// SPDX-License-Identifier: MIT
// SMMU control registers: SMMU_CR0 / SMMU_CR0ACK, SMMU_CR1, SMMU_CR2, SMMU_STATUSR and
// SMMU_GBPA (IHI 0070 G.b §6.3.9-§6.3.14). All are 32-bit.
//
// The spec's access rules (a field is RO while its enable is set, CR2 is RO once SMMUEN is
// Updated to 1, GBPA must be written with Update == 1, ...) are behaviour of the register
// file, not of the layout, and are not modelled here.
#pragma once

#include <cstdint>

#include "smmuv3/registers/common.hpp"

namespace smmuv3::reg {

// ---------------------------------------------------------------------------------------------
// SMMU_CR0, §6.3.9; SMMU_CR0ACK (§6.3.10) has exactly the same fields at the same positions,
// so it uses the same accessors and struct. Bits [31:11], 9 and 5 are RES0.
// DPT_WALK_EN is RES0 unless SMMU_IDR3.DPT, VMW unless SMMU_IDR0.VMW, ATSCHK unless
// SMMU_IDR0.ATS and PRIQEN unless SMMU_IDR0.PRI. (Linux defines ATSCHK..SMMUEN; QEMU only
// SMMUEN, EVENTQEN and CMDQEN. Neither defines VMW or DPT_WALK_EN; QEMU's SMMU_CR0_RESERVED
// (0xFFFFFC20) treats bit 9 as a field and bit 10 as reserved, the reverse of §6.3.9.)
namespace cr0 {
using DptWalkEn = Bit<10>;
using Vmw = Bits<8, 6>;
using AtsChk = Bit<4>;
using CmdqEn = Bit<3>;
using EventqEn = Bit<2>;
using PriqEn = Bit<1>;
using SmmuEn = Bit<0>;
}  // namespace cr0
namespace cr0ack = cr0;

/// SMMU_CR0 / SMMU_CR0ACK. VMW is a count: TLB invalidations match VMID[N:VMW], 0..4; other
/// values are Reserved and behave as 0 (§6.3.9).
struct Cr0 {
  bool dpt_walk_en = false;
  std::uint8_t vmw = 0;
  bool atschk = false;
  bool cmdqen = false;
  bool eventqen = false;
  bool priqen = false;
  bool smmuen = false;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cr0::DptWalkEn{}, "DPT_WALK_EN", s.dpt_walk_en);
    v(cr0::Vmw{}, "VMW", s.vmw);
    v(cr0::AtsChk{}, "ATSCHK", s.atschk);
    v(cr0::CmdqEn{}, "CMDQEN", s.cmdqen);
    v(cr0::EventqEn{}, "EVENTQEN", s.eventqen);
    v(cr0::PriqEn{}, "PRIQEN", s.priqen);
    v(cr0::SmmuEn{}, "SMMUEN", s.smmuen);
  }
  friend constexpr bool operator==(const Cr0&, const Cr0&) = default;
};
using Cr0Ack = Cr0;

inline constexpr Words<1> kCr0Defined = fields_mask<1, Cr0>();
static_assert(fields_disjoint<1, Cr0>());
inline constexpr Words<1> kCr0Res0 = complement(kCr0Defined);
constexpr Words<1> cr0_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kCr0Res0); }

constexpr Encoded<1> encode(const Cr0& r) noexcept { return encode_fields<1>(r); }
constexpr Cr0 decode_cr0(const Words<1>& w) noexcept { return decode_fields<Cr0>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_CR1, §6.3.11: memory attributes of Stream table (TABLE_*) and queue (QUEUE_*) accesses.
// Bits [31:12] are RES0.
namespace cr1 {
using TableSh = Bits<11, 10>;
using TableOc = Bits<9, 8>;
using TableIc = Bits<7, 6>;
using QueueSh = Bits<5, 4>;
using QueueOc = Bits<3, 2>;
using QueueIc = Bits<1, 0>;
}  // namespace cr1

struct Cr1 {
  Shareability table_sh{};
  Cacheability table_oc{};
  Cacheability table_ic{};
  Shareability queue_sh{};
  Cacheability queue_oc{};
  Cacheability queue_ic{};
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cr1::TableSh{}, "TABLE_SH", s.table_sh);
    v(cr1::TableOc{}, "TABLE_OC", s.table_oc);
    v(cr1::TableIc{}, "TABLE_IC", s.table_ic);
    v(cr1::QueueSh{}, "QUEUE_SH", s.queue_sh);
    v(cr1::QueueOc{}, "QUEUE_OC", s.queue_oc);
    v(cr1::QueueIc{}, "QUEUE_IC", s.queue_ic);
  }
  friend constexpr bool operator==(const Cr1&, const Cr1&) = default;
};

inline constexpr Words<1> kCr1Defined = fields_mask<1, Cr1>();
static_assert(fields_disjoint<1, Cr1>());
inline constexpr Words<1> kCr1Res0 = complement(kCr1Defined);
constexpr Words<1> cr1_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kCr1Res0); }

constexpr Encoded<1> encode(const Cr1& r) noexcept { return encode_fields<1>(r); }
constexpr Cr1 decode_cr1(const Words<1>& w) noexcept { return decode_fields<Cr1>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_CR2, §6.3.12. Bits [31:4] are RES0. REC_CFG_ATS is RES0 unless SMMU_IDR0.ATSRECERR,
// PTM unless SMMU_IDR0.BTM and E2H unless SMMU_IDR0.Hyp.
namespace cr2 {
using RecCfgAts = Bit<3>;
using Ptm = Bit<2>;
using RecInvSid = Bit<1>;
using E2h = Bit<0>;
}  // namespace cr2

struct Cr2 {
  bool rec_cfg_ats = false;
  bool ptm = false;
  bool recinvsid = false;
  bool e2h = false;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cr2::RecCfgAts{}, "REC_CFG_ATS", s.rec_cfg_ats);
    v(cr2::Ptm{}, "PTM", s.ptm);
    v(cr2::RecInvSid{}, "RECINVSID", s.recinvsid);
    v(cr2::E2h{}, "E2H", s.e2h);
  }
  friend constexpr bool operator==(const Cr2&, const Cr2&) = default;
};

inline constexpr Words<1> kCr2Defined = fields_mask<1, Cr2>();
static_assert(fields_disjoint<1, Cr2>());
inline constexpr Words<1> kCr2Res0 = complement(kCr2Defined);
constexpr Words<1> cr2_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kCr2Res0); }

constexpr Encoded<1> encode(const Cr2& r) noexcept { return encode_fields<1>(r); }
constexpr Cr2 decode_cr2(const Words<1>& w) noexcept { return decode_fields<Cr2>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_STATUSR, §6.3.13. Bits [31:1] are RES0; DORMANT is RES0 unless SMMU_IDR0.DORMHINT.
namespace statusr {
using Dormant = Bit<0>;
}  // namespace statusr

struct Statusr {
  bool dormant = false;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(statusr::Dormant{}, "DORMANT", s.dormant);
  }
  friend constexpr bool operator==(const Statusr&, const Statusr&) = default;
};

inline constexpr Words<1> kStatusrDefined = fields_mask<1, Statusr>();
static_assert(fields_disjoint<1, Statusr>());
inline constexpr Words<1> kStatusrRes0 = complement(kStatusrDefined);
constexpr Words<1> statusr_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kStatusrRes0); }

constexpr Encoded<1> encode(const Statusr& r) noexcept { return encode_fields<1>(r); }
constexpr Statusr decode_statusr(const Words<1>& w) noexcept { return decode_fields<Statusr>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_GBPA, §6.3.14: Global ByPass Attributes, used while SMMU_CR0.SMMUEN == 0. Bits [30:21],
// [15:14] and [7:5] are RES0. Software writes it with Update == 1 and polls Update to 0.
namespace gbpa {
using Update = Bit<31>;
using Abort = Bit<20>;
using InstCfg = Bits<19, 18>;
using PrivCfg = Bits<17, 16>;
using ShCfg = Bits<13, 12>;
using AllocCfg = Bits<11, 8>;
using MtCfg = Bit<4>;
using MemAttr = Bits<3, 0>;
}  // namespace gbpa

/// SMMU_GBPA.INSTCFG: instruction/data override (reads only). 0b01 is Reserved, behaves as 0b00.
enum class InstCfg : std::uint8_t { use_incoming = 0, data = 2, instruction = 3 };

/// SMMU_GBPA.PRIVCFG: user/privileged override. 0b01 is Reserved, behaves as 0b00.
enum class PrivCfg : std::uint8_t { use_incoming = 0, unprivileged = 2, privileged = 3 };

/// SMMU_GBPA.SHCFG: Shareability override. Unlike the Shareability fields of CR1, 0b01 here
/// means "use incoming".
enum class ShCfg : std::uint8_t { non_shareable = 0, use_incoming = 1, outer_shareable = 2, inner_shareable = 3 };

/// SMMU_GBPA. ALLOCCFG is 0b0xxx (use incoming RA/WA/TR) or 0b1RWT (override); MemAttr is
/// encoded as STE.MemAttr.
struct Gbpa {
  bool update = false;
  bool abort = false;
  InstCfg instcfg{};
  PrivCfg privcfg{};
  ShCfg shcfg{};
  std::uint8_t alloccfg = 0;
  bool mtcfg = false;
  std::uint8_t memattr = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(gbpa::Update{}, "Update", s.update);
    v(gbpa::Abort{}, "ABORT", s.abort);
    v(gbpa::InstCfg{}, "INSTCFG", s.instcfg);
    v(gbpa::PrivCfg{}, "PRIVCFG", s.privcfg);
    v(gbpa::ShCfg{}, "SHCFG", s.shcfg);
    v(gbpa::AllocCfg{}, "ALLOCCFG", s.alloccfg);
    v(gbpa::MtCfg{}, "MTCFG", s.mtcfg);
    v(gbpa::MemAttr{}, "MemAttr", s.memattr);
  }
  friend constexpr bool operator==(const Gbpa&, const Gbpa&) = default;
};

inline constexpr Words<1> kGbpaDefined = fields_mask<1, Gbpa>();
static_assert(fields_disjoint<1, Gbpa>());
inline constexpr Words<1> kGbpaRes0 = complement(kGbpaDefined);
constexpr Words<1> gbpa_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kGbpaRes0); }

constexpr Encoded<1> encode(const Gbpa& r) noexcept { return encode_fields<1>(r); }
constexpr Gbpa decode_gbpa(const Words<1>& w) noexcept { return decode_fields<Gbpa>(w); }

}  // namespace smmuv3::reg
