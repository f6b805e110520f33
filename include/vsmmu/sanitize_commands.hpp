// SPDX-License-Identifier: MIT
// vsmmu/sanitize_commands.hpp: a run of guest Command queue entries -> physical commands, with
// bounded work, stopping wherever the device has something to do before it may go on.
//
// The guest's queue semantics this preserves (IHI 0070 G.b): commands are consumed in order;
// on a command error consumption stops with CMDQ_CONS.RD on the bad command, older commands
// stay consumed and newer ones have no effect (§4.1.3, §7.1); a CMD_SYNC completes only after
// everything before it (§4.7.3), so the batch stops on it and the device synchronises with the
// host before signalling the guest.
//
// Work units: each guest command costs 1, a CMD_CFGI_STE_RANGE / CMD_CFGI_ALL (opcode 0x04,
// whose expansion walks the stream map) costs 1 + streams.size(). A call never starts a command
// whose cost exceeds what is left of `budget`, except its first command (progress guarantee),
// so work <= max(budget, 1 + streams.size()).
//
// Output space: one guest command produces at most max_produced_per_command(streams) physical
// commands (<= streams.size() + 1). With out_capacity at least that, the batch never reports
// out_full with produced == 0 (`output_too_small`), which would be a host sizing bug rather
// than a full buffer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/cerror.hpp"
#include "smmuv3/command/opcode.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_command.hpp"
#include "vsmmu/stream_map.hpp"

namespace vsmmu {

/// Why `sanitize_commands` returned.
enum class BatchStop : std::uint8_t {
  drained,   ///< every guest command was consumed
  budget,    ///< the next command's cost exceeds what is left of the budget; call again
  out_full,  ///< the next command's output does not fit what is left of `out`; submit, call again
  sync,      ///< the last consumed command is a CMD_SYNC: sync with the host, then `sync`
  refresh,   ///< the last consumed command needs `refresh` before out[0..produced) is submitted
  error,     ///< guest[consumed] is illegal: CMDQ_CONS.RD = it, CMDQ_CONS.ERR = cerror
};

struct BatchResult {
  /// Guest commands accepted; on error: the index of the bad command (CONS points at it),
  /// everything before it stays accepted with its output.
  std::size_t consumed = 0;
  /// Physical commands in out[0..produced).
  std::size_t produced = 0;
  BatchStop stop = BatchStop::drained;
  smmuv3::CmdqError cerror = smmuv3::CmdqError::cerror_none;
  /// stop == error: the rule and field (static string); nullptr otherwise.
  const char* reason = nullptr;
  /// stop == refresh: the last consumed command was a CFGI needing it.
  SteRefresh refresh{};
  /// stop == sync: the last consumed command was a CMD_SYNC.
  SyncCompletion sync{};
  /// Work units spent.
  std::size_t work = 0;
};

/// True when the batch stopped because a single command's output cannot fit even an empty
/// buffer: a host sizing bug (out_capacity < max_produced_per_command(streams)), not a full
/// buffer. Retrying with the same buffer can never make progress.
constexpr bool output_too_small(const BatchResult& r) noexcept {
  return r.stop == BatchStop::out_full && r.produced == 0;
}

/// The work units a guest command costs: 1, or 1 + streams.size() for opcode 0x04
/// (CMD_CFGI_STE_RANGE / CMD_CFGI_ALL), which is charged whether or not it turns out legal.
template <StreamMap M>
constexpr std::size_t command_cost(const smmuv3::Words<2>& guest, const M& streams) noexcept {
  const bool walks_map = smmuv3::command_opcode(guest) == smmuv3::Opcode::cfgi_ste_range;
  return walks_map ? 1 + static_cast<std::size_t>(streams.size()) : 1;
}

/// Sanitizes guest[0..count) in order into out[0..out_capacity), stopping as BatchStop says.
/// `guest` must be the caller's private copy of the entries (read from guest memory once, by
/// the caller), as for `sanitize_command`.
///
/// How it is written is for speed: a device stops the batch at every CMD_SYNC, which Linux sends
/// after nearly every other command, so what a stop costs is paid per command pair. Always
/// inlined (no call, no 80-byte result returned through memory); the running totals are locals,
/// not fields of the result; and each result is one aggregate initialisation where the batch
/// stops (g++ 12 builds `BatchResult r{}; r.x = ...; return r;` in memory, field by field).
template <StreamMap M, GuestRam R>
[[gnu::always_inline]] constexpr BatchResult sanitize_commands(const Policy& policy, const smmuv3::Words<2>* guest,
                                                               std::size_t count, const CommandContext<M, R>& ctx,
                                                               smmuv3::Words<2>* out, std::size_t out_capacity,
                                                               std::size_t budget) noexcept {
  std::size_t produced = 0, work = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const smmuv3::Words<2>& cmd = guest[i];
    // Every command costs at least 1: once the budget is spent no command starts, except the
    // first (progress guarantee). The fast path only takes commands that cost exactly 1.
    if (i > 0 && work >= budget)
      return BatchResult{.consumed = i, .produced = produced, .stop = BatchStop::budget, .work = work};
    // produced <= out_capacity: a command is forwarded only into what is left of `out`.
    smmuv3::Words<2>* const o_out = out + produced;
    const std::size_t o_cap = out_capacity - produced;
    // sanitize_command, taken apart: the fast path's answer goes straight into the result.
    const detail::FastOutcome fast = detail::sanitize_command_fast(policy, cmd, ctx, o_out, o_cap);
    if (fast.kind == detail::FastOutcome::Kind::forwarded) {
      ++work;
      ++produced;
      if (fast.refresh.needed)
        return BatchResult{
            .consumed = i + 1, .produced = produced, .stop = BatchStop::refresh, .refresh = fast.refresh, .work = work};
      continue;
    }
    if (fast.kind == detail::FastOutcome::Kind::sync)
      return BatchResult{
          .consumed = i + 1, .produced = produced, .stop = BatchStop::sync, .sync = fast.sync, .work = work + 1};
    const std::size_t cost = command_cost(cmd, ctx.streams);
    // work < budget here unless i == 0, so the subtraction cannot wrap.
    if (i > 0 && cost > budget - work)
      return BatchResult{.consumed = i, .produced = produced, .stop = BatchStop::budget, .work = work};
    work += cost;
    const CommandOutcome o = detail::sanitize_command_reference(policy, cmd, ctx, o_out, o_cap);
    switch (o.verdict) {
      case CommandVerdict::no_space:
        return BatchResult{.consumed = i, .produced = produced, .stop = BatchStop::out_full, .work = work};
      case CommandVerdict::illegal:
        return BatchResult{.consumed = i,
                           .produced = produced,
                           .stop = BatchStop::error,
                           .cerror = o.cerror(),
                           .reason = o.reason,
                           .work = work};
      case CommandVerdict::sync:
        return BatchResult{
            .consumed = i + 1, .produced = produced, .stop = BatchStop::sync, .sync = o.sync, .work = work};
      case CommandVerdict::forwarded:
        produced += o.produced;
        if (o.refresh.needed)
          return BatchResult{
              .consumed = i + 1, .produced = produced, .stop = BatchStop::refresh, .refresh = o.refresh, .work = work};
        break;
      case CommandVerdict::ignored: break;
    }
  }
  return BatchResult{.consumed = count, .produced = produced, .stop = BatchStop::drained, .work = work};
}

}  // namespace vsmmu
