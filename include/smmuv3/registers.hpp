// SPDX-License-Identifier: MIT
// SMMUv3 programming-interface registers of Pages 0 and 1 (IHI 0070 G.b chapter 6), in
// namespace smmuv3::reg:
//   registers/offsets.hpp          the register map: offsets, widths, access, find_register()
//   registers/idr.hpp              SMMU_IDR0-3, IDR5, IDR6, IIDR, AIDR
//   registers/control.hpp          SMMU_CR0/CR0ACK, CR1, CR2, STATUSR, GBPA
//   registers/irq.hpp              SMMU_IRQ_CTRL/ACK, GERROR/GERRORN, *_IRQ_CFG0/1/2
//   registers/queue_registers.hpp  SMMU_STRTAB_BASE(_CFG), {CMDQ,EVENTQ,PRIQ}_{BASE,PROD,CONS}
//   registers/atos.hpp             SMMU_GATOS_* (and the VATOS/S_GATOS groups), VATOS_SEL
//   registers/optional.hpp         SMMU_S2PII, MPAM, DPT and Command queue control page registers
// Each register with fields has field accessors in a namespace named after it
// (reg::cr0::SmmuEn = Bit<0>), a plain struct (reg::Cr0) that lists its fields once in a static
// `fields()` (record.hpp), and, derived from that list, encode() -> Encoded<1>,
// decode_<name>(Words<1>), for_each_field(), and k<Name>Defined / k<Name>Res0 /
// <name>_res0_bits(). Registers that are IMPLEMENTATION DEFINED as a whole (SMMU_IDR4,
// SMMU_AGBPA, ID_REGS) and the Secure registers appear only in the map.
// Queue pointer arithmetic on the PROD/CONS values lives in queue.hpp, the CMDQ_CONS.ERR codes
// in cerror.hpp.
#pragma once

#include "smmuv3/registers/atos.hpp"
#include "smmuv3/registers/common.hpp"
#include "smmuv3/registers/control.hpp"
#include "smmuv3/registers/idr.hpp"
#include "smmuv3/registers/irq.hpp"
#include "smmuv3/registers/offsets.hpp"
#include "smmuv3/registers/optional.hpp"
#include "smmuv3/registers/queue_registers.hpp"
