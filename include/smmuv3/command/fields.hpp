// SPDX-License-Identifier: MIT
// Field-level accessors for Command queue entries (IHI 0070 chapter 4), on raw Words<2>.
//
// Most operands sit at the same place in every command that has them (§4.1.6 "Common command
// fields", §4.4.1.1 "Common TLB invalidation fields"), so they are defined once here and each
// command header lists which of them it uses. Positions are counted from bit 0 of the first
// 64-bit word, as the command figures of chapter 4 are.
//
// Sources (facts only): the §4.4.1.1 field table (SCALE, NUM, TG, TTL, TTL128 bit numbers);
// Linux arm-smmu-v3.h CMDQ_* masks; QEMU smmuv3-internal.h CMD_* extractors; the Renode
// ARM_SMMUv3 command classes; Arm TF-RMM lib/smmuv3/src/smmuv3_priv.h; a Qualcomm HAL_IOMMUv3
// command builder. Where they disagree or only one of them has the field, the accessor says so.
#pragma once

#include "smmuv3/bitfield.hpp"
#include "smmuv3/command/opcode.hpp"

namespace smmuv3::cmd {

// Op, the opcode in bits [7:0] (§4.1.1), is in opcode.hpp.

// --- §4.1.6 common command fields --------------------------------------------------------

/// SSec, bit [10]: the StreamID is Secure (Secure Command queue only). QEMU CMD_SSEC, Renode,
/// TF-RMM SSEC_BIT, Hafnium SSEC_SHIFT and the Qualcomm HAL all place it at bit 10.
using Ssec = Bit<10>;
/// SSV, bit [11]: SubstreamID is supplied (Linux CMDQ_0_SSV, QEMU CMD_SSV).
using Ssv = Bit<11>;
/// SubstreamID, bits [31:12] (Linux CMDQ_CFGI_0_SSID / CMDQ_ATC_0_SSID, QEMU CMD_SSID).
using SubstreamId = Bits<31, 12>;
/// StreamID, bits [63:32] (Linux CMDQ_*_0_SID, QEMU CMD_SID).
using StreamId = Bits<63, 32>;
/// Leaf, bit [64]: CMD_CFGI_STE/CD and every address-based CMD_TLBI_* (Linux CMDQ_CFGI_1_LEAF,
/// CMDQ_TLBI_1_LEAF; QEMU CMD_LEAF).
using Leaf = Bit<64>;

// --- §4.4 TLB invalidation ----------------------------------------------------------------

/// VMID, bits [47:32] (Linux CMDQ_TLBI_0_VMID, QEMU CMD_VMID). CMD_CFGI_VMS_PIDM uses the same
/// position (only the Qualcomm HAL builds that command; it writes VMID to bits [47:32]).
using Vmid = Bits<47, 32>;
/// ASID, bits [63:48] (Linux CMDQ_TLBI_0_ASID, QEMU CMD_ASID).
using Asid = Bits<63, 48>;
/// NUM, bits [16:12] (§4.4.1.1; Linux CMDQ_TLBI_0_NUM).
using Num = Bits<16, 12>;
/// SCALE, bits [25:20] (§4.4.1.1). Six bits since SMMU_IDR5.DS was added: with DS == 0 only
/// [24:20] are used and bit 25 is RES0. Linux CMDQ_TLBI_0_SCALE and QEMU CMD_SCALE still
/// define 5 bits [24:20]; TF-RMM and Renode use [25:20].
using Scale = Bits<25, 20>;
/// TTL128, bit [71] (§4.4.1.1; TF-RMM TTL128_BIT, Renode). Linux and QEMU do not define it.
using Ttl128 = Bit<71>;
/// TTL, bits [73:72] (§4.4.1.1; Linux CMDQ_TLBI_1_TTL, QEMU CMD_TTL).
using Ttl = Bits<73, 72>;
/// TG, bits [75:74] (§4.4.1.1; Linux CMDQ_TLBI_1_TG, QEMU CMD_TG).
using Tg = Bits<75, 74>;
/// A virtual address operand: bits [127:76] hold Address[63:12] (§4.1.6 "Virtual address
/// fields are Address[63:12]"; Linux CMDQ_TLBI_1_VA_MASK, CMDQ_ATC_1_ADDR_MASK,
/// CMDQ_PREFETCH_1_ADDR_MASK).
using VaAddress = Addr<127, 76, 12>;
/// A physical or intermediate physical address operand: bits [119:76] hold Address[55:12]
/// (§4.1.6; TF-RMM builds CMD_TLBI_S2_IPA with Address[55:12]). Bits [127:120] are RES0.
/// Linux CMDQ_TLBI_1_IPA_MASK stops at bit 51 (Address[55:52] is RES0 before SMMUv3.4).
using PaAddress = Addr<119, 76, 12>;
/// NS, bit [65] of CMD_TLBI_S_S2_IPA (§4.4.3.3). Only the Qualcomm HAL builds this command
/// (NS at bit 1 of the third 32-bit word); Linux, QEMU and Renode do not define it.
using SS2IpaNs = Bit<65>;

// --- §4.2 prefetch -------------------------------------------------------------------------

/// CMD_PREFETCH_ADDR Size, bits [68:64] (Linux CMDQ_PREFETCH_1_SIZE, Renode, Qualcomm HAL).
using PrefetchSize = Bits<68, 64>;
/// CMD_PREFETCH_ADDR Stride, bits [73:69] (Renode, Qualcomm HAL `stride << 5` in the third
/// 32-bit word). RES0 in SMMUv3.0 (§4.2.2). Linux does not define it.
using PrefetchStride = Bits<73, 69>;
/// CMD_PREFETCH_ADDR NS, bit [75] (§4.2.2). Only the Renode model defines it (and marks bit 74
/// RES0); Linux, QEMU and the Qualcomm HAL do not.
using PrefetchNs = Bit<75>;

// --- §4.3 configuration invalidation -------------------------------------------------------

/// CMD_CFGI_STE_RANGE / CMD_CFGI_ALL Range, bits [68:64] (Linux CMDQ_CFGI_1_RANGE, QEMU
/// CMD_STE_RANGE).
using Range = Bits<68, 64>;

// --- §4.5 ATS and PRI ------------------------------------------------------------------------

/// CMD_ATC_INV Global, bit [9] (Linux CMDQ_ATC_0_GLOBAL, Qualcomm HAL).
using AtcGlobal = Bit<9>;
/// CMD_ATC_INV Size, bits [69:64] (Linux CMDQ_ATC_1_SIZE); 52 means the whole address space.
using AtcSize = Bits<69, 64>;
/// CMD_PRI_RESP PRGIndex, bits [72:64] (Linux CMDQ_PRI_1_GRPID, Qualcomm HAL).
using PrgIndex = Bits<72, 64>;
/// CMD_PRI_RESP Resp, bits [77:76] (Linux CMDQ_PRI_1_RESP, Qualcomm HAL `rsp << 12` in the
/// third 32-bit word). QEMU's CMD_RESP extracts bits [76:75] instead; QEMU never acts on
/// CMD_PRI_RESP, and the two drivers that do agree on [77:76].
using PriRespResp = Bits<77, 76>;

// --- §4.7 fault response and synchronisation -------------------------------------------------

/// CMD_RESUME Action (Ac), bit [12] (QEMU CMD_RESUME_AC, Qualcomm HAL; Linux encodes Ac/Ab
/// together as CMDQ_RESUME_0_RESP [13:12] with RETRY = 1, ABORT = 2).
using ResumeAc = Bit<12>;
/// CMD_RESUME Abort (Ab), bit [13] (QEMU CMD_RESUME_AB, Qualcomm HAL).
using ResumeAb = Bit<13>;
/// CMD_RESUME STAG, bits [79:64] (Linux CMDQ_RESUME_1_STAG, QEMU CMD_RESUME_STAG).
using Stag = Bits<79, 64>;
/// CMD_SYNC ComplSignal (CS), bits [13:12] (Linux CMDQ_SYNC_0_CS, QEMU CMD_SYNC_CS, TF-RMM).
using SyncCs = Bits<13, 12>;
/// CMD_SYNC MSH, bits [23:22] (Linux CMDQ_SYNC_0_MSH, TF-RMM).
using SyncMsh = Bits<23, 22>;
/// CMD_SYNC MSIAttr, bits [27:24] (Linux CMDQ_SYNC_0_MSIATTR, TF-RMM).
using SyncMsiAttr = Bits<27, 24>;
/// CMD_SYNC MSIData, bits [63:32] (Linux CMDQ_SYNC_0_MSIDATA, TF-RMM).
using SyncMsiData = Bits<63, 32>;
/// CMD_SYNC MSIAddress[55:2], bits [119:66] (§4.7.3; Renode, TF-RMM MSIADDR_SHIFT 64 with a
/// 4-byte-aligned address). Linux CMDQ_SYNC_1_MSIADDR_MASK stops at bit 51 (pre-SMMUv3.4).
using SyncMsiAddress = Addr<119, 66, 2>;
/// CMD_SYNC MSI_NS, bit [127] (§4.7.3, Realm Command queue only; TF-RMM MSI_NS_SHIFT,
/// Renode).
using SyncMsiNs = Bit<127>;

}  // namespace smmuv3::cmd
