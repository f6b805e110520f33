// SPDX-License-Identifier: MIT
// Every record and register of the Arm SMMUv3 architecture (IHI 0070), in one include.
// Each header below is one concept and can be included on its own.
#pragma once

#include "smmuv3/address_size.hpp"    // the PA size encoding of OAS, IPS and S2PS
#include "smmuv3/bitfield.hpp"        // [Hi:Lo] fields over little-endian record words
#include "smmuv3/cd.hpp"              // Context Descriptor (§5.4)
#include "smmuv3/cerror.hpp"          // CMDQ_CONS.ERR codes (§7.1)
#include "smmuv3/command.hpp"         // every command and the command visitor (§4)
#include "smmuv3/event.hpp"           // every event record and the event visitor (§7.3)
#include "smmuv3/l1_descriptor.hpp"   // Level-1 stream table and CD table descriptors (§5.1, §5.3)
#include "smmuv3/queue.hpp"           // circular queue PROD/CONS arithmetic (§3.5)
#include "smmuv3/record.hpp"          // one field list per record: encode/decode/masks
#include "smmuv3/registers.hpp"       // register map and register fields (§6)
#include "smmuv3/ste.hpp"             // Stream Table Entry (§5.2)
