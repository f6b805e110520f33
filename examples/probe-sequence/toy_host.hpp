// probe-sequence/toy_host.hpp: a toy hypervisor for one vSMMU -- the DeviceTraits
// (vsmmu/traits.hpp) the device calls, with a "physical SMMU" that prints what the hardware
// would receive instead of programming one.
//
// What a real hypervisor does in each call is said next to it. The toy also checks what it
// receives (every physical StreamID is one of the guest's pSIDs, every TLBI carries the guest's
// VMID, no guest command refused unless the example asked for it) and records each problem;
// main() exits non-zero if there is any.
#pragma once

#include <vsmmu/vsmmu.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "print.hpp"

namespace probe {

class ToyHost {
 public:
  /// The guest's RAM: 1 MiB at IPA 0x4000'0000. (A hypervisor maps guest memory; the toy keeps
  /// a byte array.)
  static constexpr std::uint64_t kRamBase = 0x4000'0000;
  static constexpr std::size_t kRamBytes = 1u << 20;

  /// The host's stage 2 for this guest: its translation table base (a host PA) and size.
  static constexpr std::uint64_t kStage2Ttb = 0x8'8000'0000;

  explicit ToyHost(std::uint16_t vmid) : vmid_(vmid) {
    stage2_.v = true;
    stage2_.config = smmuv3::SteConfig::s2_trans;
    stage2_.s2_t0sz = 64 - 40;  // a 40-bit IPA space, the guest's SMMU_IDR5.OAS
    stage2_.s2_sl0 = 1;         // 4 KiB granule, walk starts at level 1
    stage2_.s2_ir0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
    stage2_.s2_or0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
    stage2_.s2_sh0 = smmuv3::SteShareability::inner_shareable;
    stage2_.s2_tg = smmuv3::S2Tg::granule_4k;
    stage2_.s2_ps = smmuv3::S2Ps::pa_44;
    stage2_.s2_aa64 = true;
    stage2_.s2_r = true;  // record stage 2 faults
    stage2_.s2_ttb = kStage2Ttb;
    stage2_.s2_vmid = vmid;
  }

  /// Assign a physical device: the guest sees it at `vsid`, the SMMU at `psid`.
  bool assign(std::uint32_t vsid, std::uint32_t psid) {
    return streams_.add(vsid, psid) == vsmmu::FixedStreamMap<4>::AddResult::added;
  }

  // ----- DeviceTraits --------------------------------------------------------------------------

  bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t bytes) noexcept {
    if (!in_ram(ipa, bytes)) return false;
    std::memcpy(dst, &ram_[ipa - kRamBase], bytes);
    return true;
  }
  /// The device writes guest RAM for CMD_SYNC MSIs (4 bytes) and Event queue records (32).
  bool write_guest(std::uint64_t ipa, const unsigned char* src, std::size_t bytes) noexcept {
    if (!in_ram(ipa, bytes)) return false;
    std::memcpy(&ram_[ipa - kRamBase], src, bytes);
    if (bytes == 4) {
      const std::uint32_t data = static_cast<std::uint32_t>(src[0]) | static_cast<std::uint32_t>(src[1]) << 8 |
                                 static_cast<std::uint32_t>(src[2]) << 16 | static_cast<std::uint32_t>(src[3]) << 24;
      ++msi_writes;
      say("vsmmu", "  MSI write: " + hex32(data) + " -> guest RAM " + hex(ipa));
    } else {
      say("vsmmu", "  " + std::to_string(bytes) + "-byte record -> guest RAM " + hex(ipa));
    }
    return true;
  }
  const vsmmu::FixedStreamMap<4>& streams() const noexcept { return streams_; }
  const smmuv3::Ste& stage2_template(std::uint32_t) const noexcept { return stage2_; }

  /// A real host writes the pSID's 64-byte STE and issues CMD_CFGI_STE + CMD_SYNC on the
  /// physical queue (or its own equivalent).
  void install_ste(std::uint32_t psid, const smmuv3::Words<8>& ste) noexcept {
    ++ste_installs;
    say("host", "  STE pSID " + hex(psid) + " <- " + physical_ste_text(ste));
    if (!streams_.lookup_psid(psid)) problem("STE installed for pSID " + hex(psid) + ", not the guest's");
    const smmuv3::Ste s = smmuv3::decode_ste(ste);
    const bool s2 = s.config == smmuv3::SteConfig::s2_trans || s.config == smmuv3::SteConfig::nested;
    if (s.v && s2 && (s.s2_vmid != vmid_ || s.s2_ttb != kStage2Ttb))
      problem("STE for pSID " + hex(psid) + " does not carry the host's stage 2 / VMID");
  }

  /// A real host copies the commands to the physical Command queue and moves its PROD.
  bool submit_commands(const smmuv3::Words<2>* cmds, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
      ++physical_commands;
      say("host", "  " + command_text(cmds[i]));
      check_physical(cmds[i]);
    }
    return true;
  }
  /// A real host issues its own CMD_SYNC and waits for it.
  bool sync_commands() noexcept {
    ++physical_syncs;
    say("host", "  CMD_SYNC (the host's own), completed");
    return true;
  }
  /// The vSMMU's wired interrupts and SEV, towards the guest's vCPUs / virtual GIC.
  void signal(vsmmu::GuestSignal s) noexcept {
    switch (s) {
      case vsmmu::GuestSignal::sev: ++sevs; break;
      case vsmmu::GuestSignal::cmdq_sync_irq: ++sync_irqs; break;
      case vsmmu::GuestSignal::gerror_irq:
        ++gerror_irqs;
        say("vsmmu", "  -> guest: gerror interrupt (wired)");
        break;
      case vsmmu::GuestSignal::eventq_irq:
        ++eventq_irqs;
        say("vsmmu", "  -> guest: eventq interrupt (wired)");
        break;
    }
  }
  /// An MSI programmed in a *_IRQ_CFG0 register: a real host injects it into the virtual ITS.
  bool write_msi(std::uint64_t ipa, std::uint32_t data, std::uint8_t) noexcept {
    say("vsmmu", "  -> guest: MSI " + hex32(data) + " to " + hex(ipa));
    return true;
  }

  // ----- Tracing hooks (optional: Device calls them because they exist) ------------------------

  /// What the sanitizer decided about one guest command.
  void trace_command(const smmuv3::Words<2>& guest, const vsmmu::CommandOutcome& o) noexcept {
    const std::string name = smmuv3::visit_command(guest, [](const auto& c) -> std::string {
      using C = std::decay_t<decltype(c)>;
      if constexpr (std::is_same_v<C, smmuv3::CmdUnknown>)
        return "opcode " + hex(c.opcode);
      else
        return C::kName;
    });
    switch (o.verdict) {
      case vsmmu::CommandVerdict::forwarded:
        say("vsmmu", name + ": forwarded" + forward_note(guest, o));
        break;
      case vsmmu::CommandVerdict::ignored:
        say("vsmmu", name + ": ignored, nothing reaches the host: " + without_prefix(o.reason, "ignored: "));
        break;
      case vsmmu::CommandVerdict::sync:
        ++guest_syncs;
        say("vsmmu", name + ": waits for a host CMD_SYNC, then " + completion_text(o.sync));
        break;
      case vsmmu::CommandVerdict::illegal:
        ++refused;
        say("vsmmu", name + ": REFUSED, " + o.reason);
        if (refusals_allowed == 0)
          problem("the vSMMU refused a command the example expected it to accept");
        else
          --refusals_allowed;
        break;
      case vsmmu::CommandVerdict::no_space:
        problem("the device's output buffer is too small");
        break;
    }
  }

  /// Where a physical STE came from: the guest's Stream table or SMMU_GBPA, and the verdict.
  void trace_ste(std::uint32_t vsid, std::uint32_t psid, const vsmmu::SteFetch& f,
                 const vsmmu::SteResult& r) noexcept {
    std::string from;
    switch (f.verdict) {
      case vsmmu::SteFetchVerdict::found:
        // fetch_addr 0: the device made the STE from SMMU_GBPA (SMMUEN == 0), read nothing.
        from = f.fetch_addr == 0
                   ? std::string("SMMUEN=0, SMMU_GBPA says ") + ste_config_name(smmuv3::decode_ste(f.ste).config)
                   : "guest STE @" + hex(f.fetch_addr) + ": " + guest_ste_text(f.ste);
        break;
      case vsmmu::SteFetchVerdict::bad_streamid: from = std::string("C_BAD_STREAMID (") + f.reason + ")"; break;
      case vsmmu::SteFetchVerdict::ste_fetch: from = std::string("F_STE_FETCH (") + f.reason + ")"; break;
    }
    std::string verdict;
    if (r.verdict == vsmmu::SteVerdict::invalid) verdict = ": blocked";
    if (r.verdict == vsmmu::SteVerdict::bad_ste) verdict = std::string(": C_BAD_STE (") + r.reason + "), blocked";
    say("vsmmu", "  vSID " + hex(vsid) + " (pSID " + hex(psid) + "): " + from + verdict);
  }

  // ----- The guest's side of memory and interrupts ---------------------------------------------

  /// The guest writes and reads its own RAM directly: no trap, the vSMMU sees it only when it
  /// reads it (commands on CMDQ_PROD, STEs on a CFGI or SMMUEN).
  void guest_write64(std::uint64_t ipa, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) ram_.at(ipa - kRamBase + static_cast<std::size_t>(i)) = static_cast<unsigned char>(v >> (8 * i));
  }
  std::uint64_t guest_read64(std::uint64_t ipa) const {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{ram_.at(ipa - kRamBase + static_cast<std::size_t>(i))} << (8 * i);
    return v;
  }
  template <std::size_t N>
  void guest_write(std::uint64_t ipa, const smmuv3::Words<N>& w) {
    for (std::size_t i = 0; i < N; ++i) guest_write64(ipa + 8 * i, w[i]);
  }

  void problem(const std::string& what) noexcept {
    problems.push_back(what);
    say("host", "  UNEXPECTED: " + what);
  }

  // What happened, for the guest's checks and the summary.
  unsigned sevs = 0, sync_irqs = 0, gerror_irqs = 0, eventq_irqs = 0, msi_writes = 0;
  unsigned ste_installs = 0, physical_commands = 0, physical_syncs = 0, guest_syncs = 0, refused = 0;
  /// Refusals the example is about to provoke (--hostile); any other one is a problem.
  unsigned refusals_allowed = 0;
  std::vector<std::string> problems;

 private:
  // FixedStreamMap looks up by vSID; the host's own checks look up by pSID.
  struct Streams : vsmmu::FixedStreamMap<4> {
    bool lookup_psid(std::uint32_t psid) const noexcept {
      for (std::size_t i = 0; i < size(); ++i)
        if ((*this)[i].psid == psid) return true;
      return false;
    }
  };

  bool in_ram(std::uint64_t ipa, std::size_t bytes) const noexcept {
    return ipa >= kRamBase && bytes <= kRamBytes && ipa - kRamBase <= kRamBytes - bytes;
  }

  std::string forward_note(const smmuv3::Words<2>& guest, const vsmmu::CommandOutcome& o) const {
    using smmuv3::Opcode;
    const auto vsid = static_cast<std::uint32_t>(smmuv3::cmd::StreamId::get(guest));
    const std::string vmid = std::to_string(vmid_);
    switch (smmuv3::command_opcode(guest)) {
      case Opcode::cfgi_ste_range:
        return " as " + std::to_string(o.produced) + " x CMD_CFGI_STE, one per assigned stream; their STEs are re-read first";
      case Opcode::cfgi_ste:
        return ", vSID " + hex(vsid) + " -> pSID " + hex(streams_.lookup(vsid).psid) + "; the STE is re-read first";
      case Opcode::cfgi_cd:
      case Opcode::cfgi_cd_all:
        return ", vSID " + hex(vsid) + " -> pSID " + hex(streams_.lookup(vsid).psid);
      case Opcode::tlbi_nsnh_all:
        return " as CMD_TLBI_NH_ALL of VMID " + vmid + ": NSNH_ALL would flush every VM";
      case Opcode::tlbi_nh_all:
      case Opcode::tlbi_nh_asid:
      case Opcode::tlbi_nh_va:
      case Opcode::tlbi_nh_vaa:
        return " with VMID " + vmid + ", the guest's VMID (stage 2 owner)";
      default:
        return "";
    }
  }

  static std::string without_prefix(const char* s, std::string_view prefix) {
    const std::string_view v(s);
    return std::string(v.substr(0, prefix.size()) == prefix ? v.substr(prefix.size()) : v);
  }

  static std::string completion_text(const vsmmu::SyncCompletion& s) {
    if (s.msi) return "writes the MSI (" + hex32(s.msi_data) + " to " + hex(s.msi_address) + ")";
    if (s.msi_abort) return "refuses the MSI (not guest RAM): GERROR.MSI_CMDQ_ABT_ERR";
    switch (s.signal) {
      case vsmmu::SyncSignal::sev: return "signals SEV";
      case vsmmu::SyncSignal::irq: return "raises the cmdq-sync interrupt";
      case vsmmu::SyncSignal::none: break;
    }
    return "nothing to signal";
  }

  /// Everything that reaches the physical queue names the guest's own streams and VMID.
  void check_physical(const smmuv3::Words<2>& w) noexcept {
    using smmuv3::Opcode;
    switch (smmuv3::command_opcode(w)) {
      case Opcode::cfgi_ste:
      case Opcode::cfgi_cd:
      case Opcode::cfgi_cd_all: {
        const auto psid = static_cast<std::uint32_t>(smmuv3::cmd::StreamId::get(w));
        if (!streams_.lookup_psid(psid)) problem("physical command names pSID " + hex(psid) + ", not the guest's");
        return;
      }
      case Opcode::tlbi_nh_all:
      case Opcode::tlbi_nh_asid:
      case Opcode::tlbi_nh_va:
      case Opcode::tlbi_nh_vaa:
        if (smmuv3::cmd::Vmid::get(w) != vmid_) problem("physical TLBI without the guest's VMID");
        return;
      default:
        problem("unexpected physical command " + command_text(w));
    }
  }

  std::uint16_t vmid_;
  std::vector<unsigned char> ram_ = std::vector<unsigned char>(kRamBytes);
  Streams streams_;
  smmuv3::Ste stage2_{};
};

static_assert(vsmmu::DeviceTraits<ToyHost>);
static_assert(vsmmu::TracesCommands<ToyHost> && vsmmu::TracesStes<ToyHost>);

/// The vSMMU of the example: 8 physical commands per submit_commands call (at least as many
/// as assigned streams: one CMD_CFGI_ALL becomes one CMD_CFGI_STE per stream).
using Smmu = vsmmu::Device<ToyHost, 8>;

}  // namespace probe
