// SPDX-License-Identifier: MIT
// DPT maintenance commands (IHI 0070 §4.6, SMMU_(R_)IDR3.DPT): CMD_DPTI_ALL and CMD_DPTI_PA.
//
// Where the bit positions come from: the G.b command figures, which are drawings in the PDF.
// Two independent text extractions of IHI 0070 G.b kept in the GitHub repository
// jpgreninger/smmu (file IHI0070G_b-System_Memory_Management_Unit_Architecture_Specification.md,
// one version per commit) reproduce them:
//   - the PDF-text version (commit 9254d9b) gives both figures whole: CMD_DPTI_ALL is
//     "RES0 [127:8], 0x70 [7:0]"; CMD_DPTI_PA is "RES0 [127:120], Address[55:12] [119:96] and
//     [95:76], SIZE [75:72], RES0 [71:65], Leaf [64], RES0 [63:8], 0x73 [7:0]";
//   - the Mathpix version (commit 3c36f9d) renders the [95:64] row of the CMD_DPTI_PA figure
//     as a table (Address[55:12] from bit 76, SIZE [75:72], RES0 [71:65], Leaf [64]) and the
//     other rows as images.
// The two agree on every position they both show. Linux, QEMU, TF-RMM and Renode do not build
// CMD_DPTI_PA (Renode only names the opcode); Arm's RME ACS builds CMD_DPTI_ALL from the opcode
// alone, which agrees with its figure. The Address operand has the place and width of every
// other physical-address operand (cmd::PaAddress, e.g. CMD_TLBI_S2_IPA, §4.1.6).
#pragma once

#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/command/fields.hpp"
#include "smmuv3/command/opcode.hpp"

namespace smmuv3 {

namespace cmd {
/// CMD_DPTI_PA SIZE, bits [75:72] (§4.6.2 figure; see the note at the top of this file).
using DptiSize = Bits<75, 72>;
}  // namespace cmd

/// CMD_DPTI_PA SIZE, the length of the aligned region to invalidate (§4.6.2). Values 0b1010
/// and up are Reserved ("the SMMU is not required to invalidate any entries"); decode keeps
/// them as their number.
enum class DptiSize : std::uint8_t {
  size_4kb = 0b0000,
  size_16kb = 0b0001,
  size_64kb = 0b0010,
  size_2mb = 0b0011,
  size_32mb = 0b0100,
  size_512mb = 0b0101,
  size_1gb = 0b0110,
  size_16gb = 0b0111,
  size_64gb = 0b1000,
  size_512gb = 0b1001,
};

/// log2 of the bytes a CMD_DPTI_PA SIZE value names (§4.6.2 table); 0 for a Reserved value.
constexpr unsigned dpti_size_log2(DptiSize size) noexcept {
  switch (size) {
    case DptiSize::size_4kb: return 12;
    case DptiSize::size_16kb: return 14;
    case DptiSize::size_64kb: return 16;
    case DptiSize::size_2mb: return 21;
    case DptiSize::size_32mb: return 25;
    case DptiSize::size_512mb: return 29;
    case DptiSize::size_1gb: return 30;
    case DptiSize::size_16gb: return 34;
    case DptiSize::size_64gb: return 36;
    case DptiSize::size_512gb: return 39;
  }
  return 0;
}

/// §4.6.1 CMD_DPTI_ALL: removes all cached DPT information of the target Security state. The
/// figure defines nothing but the opcode: bits [127:8] are RES0.
struct CmdDptiAll {
  static constexpr Opcode kOpcode = Opcode::dpti_all;
  static constexpr const char* kName = "CMD_DPTI_ALL";

  friend constexpr bool operator==(const CmdDptiAll&, const CmdDptiAll&) = default;

  template <class Self, class V>
  static constexpr void fields(Self&, V&&) {}
};

/// §4.6.2 CMD_DPTI_PA(Address, SIZE, Leaf): removes cached DPT information for the aligned
/// region of SIZE bytes at Address, for the target Security state. An Address not aligned to
/// the region need not invalidate anything; address bits above SMMU_IDR5.OAS are treated as 0
/// (implementation state, so the caller's business).
struct CmdDptiPa {
  static constexpr Opcode kOpcode = Opcode::dpti_pa;
  static constexpr const char* kName = "CMD_DPTI_PA";

  /// 0: invalidate information from all levels of the walk; 1: the final level only.
  bool leaf = false;
  DptiSize size = DptiSize::size_4kb;
  /// Physical address, bits [11:0] zero (Address[55:12]).
  std::uint64_t address = 0;

  friend constexpr bool operator==(const CmdDptiPa&, const CmdDptiPa&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Leaf{}, "Leaf", s.leaf);
    v(cmd::DptiSize{}, "SIZE", s.size);
    v(cmd::PaAddress{}, "Address", s.address);
  }
};

inline constexpr Words<2> kCmdDptiAllDefined = cmd::detail::defined_bits<CmdDptiAll>();
inline constexpr Words<2> kCmdDptiAllRes0 = cmd::detail::kRes0<CmdDptiAll>;
/// RES0: [63:8], [71:65] and [127:120].
inline constexpr Words<2> kCmdDptiPaDefined = cmd::detail::defined_bits<CmdDptiPa>();
inline constexpr Words<2> kCmdDptiPaRes0 = cmd::detail::kRes0<CmdDptiPa>;

}  // namespace smmuv3
