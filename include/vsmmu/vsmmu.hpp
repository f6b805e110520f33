// SPDX-License-Identifier: MIT
// vsmmu/vsmmu.hpp: everything in include/vsmmu/ (docs/sanitizer.md is the guide).
#pragma once

#include "vsmmu/guest_ram.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_command.hpp"
#include "vsmmu/sanitize_commands.hpp"
#include "vsmmu/sanitize_ste.hpp"
#include "vsmmu/stream_map.hpp"
#include "vsmmu/validate_cd.hpp"
