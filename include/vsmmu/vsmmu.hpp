// SPDX-License-Identifier: MIT
// vsmmu/vsmmu.hpp: everything in include/vsmmu/ but the C ABI (docs/design.md, docs/device.md,
// docs/sanitizer.md and docs/integration.md are the guides).
#pragma once

#include "vsmmu/device.hpp"
#include "vsmmu/device_state.hpp"
#include "vsmmu/firmware/device_tree.hpp"
#include "vsmmu/firmware/iort.hpp"
#include "vsmmu/guest_event.hpp"
#include "vsmmu/guest_ram.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_command.hpp"
#include "vsmmu/sanitize_commands.hpp"
#include "vsmmu/sanitize_ste.hpp"
#include "vsmmu/stream_map.hpp"
#include "vsmmu/stream_table.hpp"
#include "vsmmu/traits.hpp"
#include "vsmmu/validate_cd.hpp"
