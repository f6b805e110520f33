// SPDX-License-Identifier: MIT
// vsmmu/stream_table.hpp: finding and fetching the guest's STE for a virtual StreamID, as the
// SMMU's Stream table lookup does (IHI 0070 G.b §3.3.2, §5.1, §6.3.24-§6.3.25), with every
// table pointer and index taken from guest-written registers and memory and checked before use.
//
// The walk reads at most two guest records (an 8-byte L1STD and a 64-byte STE), each once,
// through the hypervisor's bounded reader, and returns a private copy of the STE for
// sanitize_ste. It never reads anything but the one L1STD and the one STE the guest's own
// registers and descriptor point at.
#pragma once

#include <cstddef>
#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/l1_descriptor.hpp"
#include "smmuv3/registers/idr.hpp"
#include "smmuv3/registers/queue_registers.hpp"
#include "smmuv3/ste.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_ste.hpp"

namespace vsmmu {

/// What reading guest memory needs: the `read_guest` call of DeviceTraits (vsmmu/traits.hpp).
template <class T>
concept GuestMemoryReader = requires(T& t, std::uint64_t ipa, unsigned char* dst, std::size_t bytes) {
  { t.read_guest(ipa, dst, bytes) } noexcept -> std::same_as<bool>;
};

namespace detail {

/// Reads N little-endian words at `ipa`; false on an abort.
template <std::size_t N, GuestMemoryReader T>
constexpr bool read_words(T& mem, std::uint64_t ipa, smmuv3::Words<N>& out) noexcept {
  unsigned char bytes[N * 8]{};
  if (!mem.read_guest(ipa, bytes, sizeof bytes)) return false;
  out = smmuv3::load_le<N>(bytes);
  return true;
}

}  // namespace detail

/// The guest's Stream table configuration, as the SMMU uses it: SMMU_STRTAB_BASE and
/// SMMU_STRTAB_BASE_CFG after the caps the architecture applies.
struct StreamTableGeometry {
  bool two_level = false;
  /// SPLIT (two-level only): 6, 8 or 10.
  unsigned split = 0;
  /// StreamID bits the table covers: LOG2SIZE capped at SMMU_IDR1.SIDSIZE.
  unsigned log2size = 0;
  /// The table's base address with the bits the SMMU treats as zero cleared.
  std::uint64_t base = 0;
  /// The base lies above the guest's OAS: every fetch from it raises F_STE_FETCH (§3.4.3).
  bool base_above_oas = false;
};

/// How the SMMU reads SMMU_STRTAB_BASE / _CFG for this guest (§6.3.24, §6.3.25).
constexpr StreamTableGeometry stream_table_geometry(const Policy& policy, std::uint64_t strtab_base,
                                                    std::uint32_t strtab_base_cfg) noexcept {
  using namespace smmuv3::reg;
  StreamTableGeometry g{};
  // §6.3.25 FMT: RES0 (so linear) when SMMU_IDR0.ST_LEVEL == 0b00; 0b01 is 2-level, other
  // values are Reserved, and this implementation treats them as linear.
  g.two_level = policy.idr.idr0.st_level == StLevel::two_level &&
                strtab_base_cfg::Fmt::get(strtab_base_cfg) == static_cast<std::uint64_t>(StrtabFmt::two_level);
  // §6.3.25 LOG2SIZE: "StreamIDs greater than ... 2^SIDSIZE are out of range": the SMMU never
  // indexes past SIDSIZE bits, whatever LOG2SIZE says.
  const unsigned log2size = static_cast<unsigned>(strtab_base_cfg::Log2Size::get(strtab_base_cfg));
  const unsigned sidsize = policy.idr.idr1.sidsize;
  g.log2size = log2size < sidsize ? log2size : sidsize;
  // §6.3.25 SPLIT: 6, 8 or 10; "other values are Reserved, behave as 6".
  const unsigned split = static_cast<unsigned>(strtab_base_cfg::Split::get(strtab_base_cfg));
  g.split = g.two_level ? (split == 8 || split == 10 ? split : 6) : 0;
  // §6.3.24 ADDR: "ADDR[LOG2SIZE + 5:0] = 0" (linear), "ADDR[MAX(5, (LOG2SIZE - SPLIT - 1 + 3)):0]
  // = 0" (2-level); "The alignment of ADDR is affected by the literal value of the respective
  // SMMU_STRTAB_BASE_CFG.LOG2SIZE field and is not limited by SIDSIZE." The SMMU ignores the
  // low bits as required to align it.
  const unsigned l1_bits = g.two_level ? (log2size > g.split ? log2size - g.split : 0) + 3 : log2size + 6;
  const unsigned align_bits = l1_bits > 6 ? l1_bits : 6;
  const std::uint64_t addr = strtab_base::Addr::get(strtab_base);
  g.base = align_bits >= 64 ? 0 : addr & ~((std::uint64_t{1} << align_bits) - 1);
  g.base_above_oas = (g.base & detail::address_bits_from(detail::guest_oas_bits(policy))) != 0;
  return g;
}

enum class SteFetchVerdict : std::uint8_t {
  found,         ///< `ste` holds the guest's STE, read once; sanitize it
  bad_streamid,  ///< C_BAD_STREAMID (§7.3.3): out of range, or no valid L1STD covers it
  ste_fetch,     ///< F_STE_FETCH (§7.3.4): a fetch aborted or its address is above the OAS
};

struct SteFetch {
  SteFetchVerdict verdict = SteFetchVerdict::bad_streamid;
  smmuv3::Words<8> ste{};
  /// The address whose fetch failed (F_STE_FETCH FetchAddr), or of the STE found.
  std::uint64_t fetch_addr = 0;
  /// Static string naming the rule; nullptr when found.
  const char* reason = nullptr;
};

/// Looks up the guest STE of `vsid` in the guest's Stream table (§3.3.2) and reads it once.
template <GuestMemoryReader T>
constexpr SteFetch fetch_guest_ste(const Policy& policy, const StreamTableGeometry& g, std::uint32_t vsid,
                                   T& mem) noexcept {
  SteFetch r{};
  const auto fail = [&r](SteFetchVerdict v, std::uint64_t addr, const char* why) {
    r.verdict = v;
    r.fetch_addr = addr;
    r.reason = why;
    return r;
  };
  // §6.3.25: a StreamID >= 2^LOG2SIZE is out of range: C_BAD_STREAMID.
  if (g.log2size < 32 && (static_cast<std::uint64_t>(vsid) >> g.log2size) != 0)
    return fail(SteFetchVerdict::bad_streamid, 0, "StreamID >= 2^SMMU_STRTAB_BASE_CFG.LOG2SIZE");
  if (g.base_above_oas) return fail(SteFetchVerdict::ste_fetch, g.base, "SMMU_STRTAB_BASE above SMMU_IDR5.OAS");

  std::uint64_t ste_addr = 0;
  if (!g.two_level) {
    ste_addr = g.base + static_cast<std::uint64_t>(vsid) * smmuv3::kSteBytes;
  } else {
    // §3.3.2.2: L1 index StreamID[LOG2SIZE-1:SPLIT], L2 index StreamID[SPLIT-1:0].
    const std::uint64_t l1_addr = g.base + static_cast<std::uint64_t>(vsid >> g.split) * 8;
    smmuv3::Words<smmuv3::kL1StdWords> l1{};
    if (!detail::read_words(mem, l1_addr, l1))
      return fail(SteFetchVerdict::ste_fetch, l1_addr, "abort reading the L1STD");
    const L1StdResult d = check_l1std(policy, l1, g.split);
    if (d.verdict == L1StdVerdict::bad_streamid) return fail(SteFetchVerdict::bad_streamid, l1_addr, d.reason);
    if (d.verdict == L1StdVerdict::ste_fetch) return fail(SteFetchVerdict::ste_fetch, l1_addr, d.reason);
    const std::uint32_t l2_index = vsid & ((std::uint32_t{1} << g.split) - 1);
    // §5.1.1: StreamID[SPLIT-1:0] beyond the Level 2 array's 2^(Span-1) STEs is invalid.
    if (l2_index >= d.ste_count)
      return fail(SteFetchVerdict::bad_streamid, l1_addr, "StreamID[SPLIT-1:0] >= 2^(L1STD.Span-1)");
    ste_addr = d.l2_table + static_cast<std::uint64_t>(l2_index) * smmuv3::kSteBytes;
  }
  if (!detail::read_words(mem, ste_addr, r.ste)) return fail(SteFetchVerdict::ste_fetch, ste_addr, "abort reading the STE");
  r.verdict = SteFetchVerdict::found;
  r.fetch_addr = ste_addr;
  return r;
}

}  // namespace vsmmu
