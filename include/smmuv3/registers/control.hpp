// SPDX-License-Identifier: MIT
// SMMU control registers: SMMU_CR0 / SMMU_CR0ACK, SMMU_CR1, SMMU_CR2, SMMU_STATUSR and
// SMMU_GBPA (IHI 0070 G.b §6.3.9-§6.3.14). All are 32-bit.
//
// The spec's access rules (a field is RO while its enable is set, CR2 is RO once SMMUEN is
// Updated to 1, GBPA must be written with Update == 1, ...) are behaviour of the register
// file, not of the layout, and are not modelled here.
#pragma once

#include <cstdint>

#include "common.hpp"

namespace smmuv3::reg {

// ---------------------------------------------------------------------------------------------
// SMMU_CR0, §6.3.9; SMMU_CR0ACK (§6.3.10) has exactly the same fields at the same positions,
// so it uses the same accessors and struct. Bits [31:11], 9 and 5 are RES0.
// DPT_WALK_EN is RES0 unless SMMU_IDR3.DPT, VMW unless SMMU_IDR0.VMW, ATSCHK unless
// SMMU_IDR0.ATS and PRIQEN unless SMMU_IDR0.PRI. (Linux defines ATSCHK..SMMUEN; QEMU only
// SMMUEN, EVENTQEN and CMDQEN. Neither defines VMW or DPT_WALK_EN.)
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
  friend constexpr bool operator==(const Cr0&, const Cr0&) = default;
};
using Cr0Ack = Cr0;

inline constexpr Words<1> kCr0Defined =
    mask_of<1, cr0::DptWalkEn, cr0::Vmw, cr0::AtsChk, cr0::CmdqEn, cr0::EventqEn, cr0::PriqEn, cr0::SmmuEn>();
inline constexpr Words<1> kCr0Res0 = complement(kCr0Defined);
constexpr Words<1> cr0_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kCr0Res0); }

constexpr Encoded<1> encode(const Cr0& r) noexcept {
  return Encoder<1>{}
      .put<cr0::DptWalkEn>(r.dpt_walk_en, "DPT_WALK_EN")
      .put<cr0::Vmw>(r.vmw, "VMW")
      .put<cr0::AtsChk>(r.atschk, "ATSCHK")
      .put<cr0::CmdqEn>(r.cmdqen, "CMDQEN")
      .put<cr0::EventqEn>(r.eventqen, "EVENTQEN")
      .put<cr0::PriqEn>(r.priqen, "PRIQEN")
      .put<cr0::SmmuEn>(r.smmuen, "SMMUEN")
      .done();
}

constexpr Cr0 decode_cr0(const Words<1>& w) noexcept {
  Cr0 r;
  detail::get_to<cr0::DptWalkEn>(w, r.dpt_walk_en);
  detail::get_to<cr0::Vmw>(w, r.vmw);
  detail::get_to<cr0::AtsChk>(w, r.atschk);
  detail::get_to<cr0::CmdqEn>(w, r.cmdqen);
  detail::get_to<cr0::EventqEn>(w, r.eventqen);
  detail::get_to<cr0::PriqEn>(w, r.priqen);
  detail::get_to<cr0::SmmuEn>(w, r.smmuen);
  return r;
}

template <class F>
constexpr void for_each_field(const Cr0& r, F&& f) {
  f("DPT_WALK_EN", detail::to_u64(r.dpt_walk_en));
  f("VMW", detail::to_u64(r.vmw));
  f("ATSCHK", detail::to_u64(r.atschk));
  f("CMDQEN", detail::to_u64(r.cmdqen));
  f("EVENTQEN", detail::to_u64(r.eventqen));
  f("PRIQEN", detail::to_u64(r.priqen));
  f("SMMUEN", detail::to_u64(r.smmuen));
}

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
  friend constexpr bool operator==(const Cr1&, const Cr1&) = default;
};

inline constexpr Words<1> kCr1Defined =
    mask_of<1, cr1::TableSh, cr1::TableOc, cr1::TableIc, cr1::QueueSh, cr1::QueueOc, cr1::QueueIc>();
inline constexpr Words<1> kCr1Res0 = complement(kCr1Defined);
constexpr Words<1> cr1_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kCr1Res0); }

constexpr Encoded<1> encode(const Cr1& r) noexcept {
  return Encoder<1>{}
      .put<cr1::TableSh>(r.table_sh, "TABLE_SH")
      .put<cr1::TableOc>(r.table_oc, "TABLE_OC")
      .put<cr1::TableIc>(r.table_ic, "TABLE_IC")
      .put<cr1::QueueSh>(r.queue_sh, "QUEUE_SH")
      .put<cr1::QueueOc>(r.queue_oc, "QUEUE_OC")
      .put<cr1::QueueIc>(r.queue_ic, "QUEUE_IC")
      .done();
}

constexpr Cr1 decode_cr1(const Words<1>& w) noexcept {
  Cr1 r;
  detail::get_to<cr1::TableSh>(w, r.table_sh);
  detail::get_to<cr1::TableOc>(w, r.table_oc);
  detail::get_to<cr1::TableIc>(w, r.table_ic);
  detail::get_to<cr1::QueueSh>(w, r.queue_sh);
  detail::get_to<cr1::QueueOc>(w, r.queue_oc);
  detail::get_to<cr1::QueueIc>(w, r.queue_ic);
  return r;
}

template <class F>
constexpr void for_each_field(const Cr1& r, F&& f) {
  f("TABLE_SH", detail::to_u64(r.table_sh));
  f("TABLE_OC", detail::to_u64(r.table_oc));
  f("TABLE_IC", detail::to_u64(r.table_ic));
  f("QUEUE_SH", detail::to_u64(r.queue_sh));
  f("QUEUE_OC", detail::to_u64(r.queue_oc));
  f("QUEUE_IC", detail::to_u64(r.queue_ic));
}

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
  friend constexpr bool operator==(const Cr2&, const Cr2&) = default;
};

inline constexpr Words<1> kCr2Defined = mask_of<1, cr2::RecCfgAts, cr2::Ptm, cr2::RecInvSid, cr2::E2h>();
inline constexpr Words<1> kCr2Res0 = complement(kCr2Defined);
constexpr Words<1> cr2_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kCr2Res0); }

constexpr Encoded<1> encode(const Cr2& r) noexcept {
  return Encoder<1>{}
      .put<cr2::RecCfgAts>(r.rec_cfg_ats, "REC_CFG_ATS")
      .put<cr2::Ptm>(r.ptm, "PTM")
      .put<cr2::RecInvSid>(r.recinvsid, "RECINVSID")
      .put<cr2::E2h>(r.e2h, "E2H")
      .done();
}

constexpr Cr2 decode_cr2(const Words<1>& w) noexcept {
  Cr2 r;
  detail::get_to<cr2::RecCfgAts>(w, r.rec_cfg_ats);
  detail::get_to<cr2::Ptm>(w, r.ptm);
  detail::get_to<cr2::RecInvSid>(w, r.recinvsid);
  detail::get_to<cr2::E2h>(w, r.e2h);
  return r;
}

template <class F>
constexpr void for_each_field(const Cr2& r, F&& f) {
  f("REC_CFG_ATS", detail::to_u64(r.rec_cfg_ats));
  f("PTM", detail::to_u64(r.ptm));
  f("RECINVSID", detail::to_u64(r.recinvsid));
  f("E2H", detail::to_u64(r.e2h));
}

// ---------------------------------------------------------------------------------------------
// SMMU_STATUSR, §6.3.13. Bits [31:1] are RES0; DORMANT is RES0 unless SMMU_IDR0.DORMHINT.
namespace statusr {
using Dormant = Bit<0>;
}  // namespace statusr

struct Statusr {
  bool dormant = false;
  friend constexpr bool operator==(const Statusr&, const Statusr&) = default;
};

inline constexpr Words<1> kStatusrDefined = mask_of<1, statusr::Dormant>();
inline constexpr Words<1> kStatusrRes0 = complement(kStatusrDefined);
constexpr Words<1> statusr_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kStatusrRes0); }

constexpr Encoded<1> encode(const Statusr& r) noexcept {
  return Encoder<1>{}.put<statusr::Dormant>(r.dormant, "DORMANT").done();
}

constexpr Statusr decode_statusr(const Words<1>& w) noexcept {
  Statusr r;
  detail::get_to<statusr::Dormant>(w, r.dormant);
  return r;
}

template <class F>
constexpr void for_each_field(const Statusr& r, F&& f) {
  f("DORMANT", detail::to_u64(r.dormant));
}

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
  friend constexpr bool operator==(const Gbpa&, const Gbpa&) = default;
};

inline constexpr Words<1> kGbpaDefined = mask_of<1, gbpa::Update, gbpa::Abort, gbpa::InstCfg, gbpa::PrivCfg,
                                                 gbpa::ShCfg, gbpa::AllocCfg, gbpa::MtCfg, gbpa::MemAttr>();
inline constexpr Words<1> kGbpaRes0 = complement(kGbpaDefined);
constexpr Words<1> gbpa_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kGbpaRes0); }

constexpr Encoded<1> encode(const Gbpa& r) noexcept {
  return Encoder<1>{}
      .put<gbpa::Update>(r.update, "Update")
      .put<gbpa::Abort>(r.abort, "ABORT")
      .put<gbpa::InstCfg>(r.instcfg, "INSTCFG")
      .put<gbpa::PrivCfg>(r.privcfg, "PRIVCFG")
      .put<gbpa::ShCfg>(r.shcfg, "SHCFG")
      .put<gbpa::AllocCfg>(r.alloccfg, "ALLOCCFG")
      .put<gbpa::MtCfg>(r.mtcfg, "MTCFG")
      .put<gbpa::MemAttr>(r.memattr, "MemAttr")
      .done();
}

constexpr Gbpa decode_gbpa(const Words<1>& w) noexcept {
  Gbpa r;
  detail::get_to<gbpa::Update>(w, r.update);
  detail::get_to<gbpa::Abort>(w, r.abort);
  detail::get_to<gbpa::InstCfg>(w, r.instcfg);
  detail::get_to<gbpa::PrivCfg>(w, r.privcfg);
  detail::get_to<gbpa::ShCfg>(w, r.shcfg);
  detail::get_to<gbpa::AllocCfg>(w, r.alloccfg);
  detail::get_to<gbpa::MtCfg>(w, r.mtcfg);
  detail::get_to<gbpa::MemAttr>(w, r.memattr);
  return r;
}

template <class F>
constexpr void for_each_field(const Gbpa& r, F&& f) {
  f("Update", detail::to_u64(r.update));
  f("ABORT", detail::to_u64(r.abort));
  f("INSTCFG", detail::to_u64(r.instcfg));
  f("PRIVCFG", detail::to_u64(r.privcfg));
  f("SHCFG", detail::to_u64(r.shcfg));
  f("ALLOCCFG", detail::to_u64(r.alloccfg));
  f("MTCFG", detail::to_u64(r.mtcfg));
  f("MemAttr", detail::to_u64(r.memattr));
}

}  // namespace smmuv3::reg
