// SPDX-License-Identifier: MIT
// vsmmu/traits.hpp: everything a vSMMU device needs from the hypervisor that embeds it, as one
// C++20 concept. The device (vsmmu/device.hpp) reaches guest memory, the physical SMMU and the
// guest's interrupt controller only through these calls, so the library never allocates,
// never maps memory and never touches hardware itself.
//
// Every call is noexcept and must be bounded: the device calls them from the hypervisor's MMIO
// trap path. Calls that can fail return bool; the device turns a failure into the outcome the
// architecture defines for it (below), or into a `DeviceStatus` for the hypervisor.
//
//   read_guest(ipa, dst, bytes) -> bool
//       Copy `bytes` of guest physical memory at `ipa` into `dst` (bytes in memory order; the
//       device assembles the little-endian structures itself, so it runs on any host). Must fail (return false)
//       unless the whole range is guest RAM the guest may hand to its SMMU: the device relies on
//       it to bound every read to what the guest programmed. A failure is an external abort on
//       the SMMU's access: CERROR_ABT for a command read (§4.1.3 / §7.1), F_STE_FETCH for an
//       STE or L1STD fetch (§7.3.4).
//   write_guest(ipa, src, bytes) -> bool
//       Copy `bytes` from `src` to guest RAM at `ipa`; the same bounds. Used for Event queue
//       records and CMD_SYNC MSI completions. A failure is GERROR.EVENTQ_ABT_ERR /
//       MSI_CMDQ_ABT_ERR (§7.5).
//   streams() -> const M&, M a StreamMap (vsmmu/stream_map.hpp)
//       The guest's vSID -> pSID assignments. Every pSID must belong to this guest alone, and its
//       physical STE slot must already exist: `install_ste` never needs to allocate.
//   stage2_template(psid) -> smmuv3::Ste (or const smmuv3::Ste&)
//       The host's stage 2 configuration for that stream (S2TTB, VTCR fields, S2VMID = the
//       guest's VMID, EATS ceiling): the base every physical STE is built from (sanitize_ste).
//   install_ste(psid, ste)
//       Write the 64-byte physical STE for `psid` (a pSID from streams()) and make the physical
//       SMMU observe it (CMD_CFGI_STE + CMD_SYNC on the physical queue, or the host's way).
//       An all-zero STE (V == 0) is how the device blocks a stream the guest misconfigured: the
//       hardware then raises C_BAD_STE, which report_event hands back to the guest.
//   submit_commands(cmds, count) -> bool
//       Put `count` physical commands (already sanitized, 16 bytes each) on the physical
//       Command queue. false: the host could not (queue error, timeout); the device keeps the
//       guest's CMDQ_CONS before them and retries on the next poll().
//   sync_commands() -> bool
//       Issue a physical CMD_SYNC and wait until it completes: everything submitted before it
//       has taken effect. false as for submit_commands.
//   signal(GuestSignal)
//       Assert the vSMMU's wired interrupt towards the guest (edge: one call, one interrupt),
//       or SEV for a CMD_SYNC with CS == SIG_SEV.
//   write_msi(ipa, data, memattr) -> bool
//       An MSI write of the vSMMU: 32-bit `data` to guest physical `ipa`. For an interrupt the
//       guest programmed in an *_IRQ_CFG0 (typically its GIC ITS doorbell, which the hypervisor
//       emulates), and for a CMD_SYNC MSI whose MSIAddress is not guest RAM (write_guest refused
//       it; the address is any value the guest chose, 0 included). false: aborted, reported in
//       GERROR.MSI_*_ABT_ERR (§7.5).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/ste.hpp"
#include "vsmmu/stream_map.hpp"

namespace vsmmu {

/// The vSMMU's outputs towards the guest other than memory writes: its wired interrupts
/// (Linux's device-tree names "eventq", "gerror", "cmdq-sync") and the SEV of a CMD_SYNC.
enum class GuestSignal : std::uint8_t {
  eventq_irq,     ///< an Event queue record was written (SMMU_IRQ_CTRL.EVENTQ_IRQEN)
  gerror_irq,     ///< a global error became active (SMMU_IRQ_CTRL.GERROR_IRQEN)
  cmdq_sync_irq,  ///< a CMD_SYNC with CS == SIG_IRQ and no MSI completed (§4.7.3)
  sev,            ///< a CMD_SYNC with CS == SIG_SEV completed (SMMU_IDR0.SEV == 1)
};

template <class T>
concept DeviceTraits = requires(T& t, const T& ct, std::uint64_t ipa, unsigned char* dst, const unsigned char* src, std::size_t bytes,
                                const smmuv3::Words<2>* cmds, std::uint32_t psid, const smmuv3::Words<8>& ste,
                                std::uint32_t data, std::uint8_t memattr, GuestSignal s) {
  { t.read_guest(ipa, dst, bytes) } noexcept -> std::same_as<bool>;
  { t.write_guest(ipa, src, bytes) } noexcept -> std::same_as<bool>;
  { ct.streams() } noexcept;
  requires StreamMap<std::remove_cvref_t<decltype(ct.streams())>>;
  { ct.stage2_template(psid) } noexcept -> std::convertible_to<smmuv3::Ste>;
  { t.install_ste(psid, ste) } noexcept;
  { t.submit_commands(cmds, bytes) } noexcept -> std::same_as<bool>;
  { t.sync_commands() } noexcept -> std::same_as<bool>;
  { t.signal(s) } noexcept;
  { t.write_msi(ipa, data, memattr) } noexcept -> std::same_as<bool>;
};

namespace detail {
/// Declared only, for unevaluated operands (std::declval lives in <utility>, which C++20 does
/// not require of a freestanding implementation).
template <class T>
const T& unevaluated_const_ref() noexcept;
}  // namespace detail

/// The StreamMap type a DeviceTraits type's streams() returns.
template <DeviceTraits T>
using StreamMapOf = std::remove_cvref_t<decltype(detail::unevaluated_const_ref<T>().streams())>;

}  // namespace vsmmu
