// SPDX-License-Identifier: MIT
// vsmmu/vsmmu.hpp: everything in include/vsmmu/ (docs/device.md and docs/sanitizer.md are the
// guides).
#pragma once

#include "vsmmu/device.hpp"
#include "vsmmu/device_state.hpp"
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
