// probe-sequence/print.hpp: how the example prints records, with the record layer's names.
//
// Every record type of include/smmuv3/ lists its fields once, in a static `fields(self, visitor)`,
// with the spec's field names; these helpers walk that list. Fields that are zero are left out,
// single-bit fields print as their name, everything else as NAME=value.
#pragma once

#include <smmuv3/smmuv3.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <initializer_list>
#include <type_traits>

namespace probe {

inline std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

inline std::string hex32(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%08llx", static_cast<unsigned long long>(v));
  return buf;
}

/// Small values in decimal, the rest in hex.
inline std::string number(std::uint64_t v) { return v < 10 ? std::to_string(v) : hex(v); }

/// A field's value: identifiers and addresses in hex, counts and sizes in decimal.
inline std::string field_value(std::string_view name, std::uint64_t v) {
  for (std::string_view hexy : {"StreamID", "Addr", "ADDR", "Ptr", "TTB", "MAIR", "MSI"})
    if (name.find(hexy) != std::string_view::npos) return hex(v);
  if (name == "RD" || name == "WR") return hex(v);
  return v < 1024 ? std::to_string(v) : hex(v);
}

/// One line of output: "[who  ] text". `who` is guest, vsmmu or host.
inline void say(std::string_view who, const std::string& text) {
  std::printf("[%-5.*s] %s\n", static_cast<int>(who.size()), who.data(), text.c_str());
}

/// A step of the driver, named after the Linux function that does it.
inline void step(const std::string& title) { std::printf("== %s\n", title.c_str()); }

template <class T>
std::uint64_t as_u64(const T& member) {
  if constexpr (std::is_enum_v<T>)
    return static_cast<std::uint64_t>(static_cast<std::underlying_type_t<T>>(member));
  else
    return static_cast<std::uint64_t>(member);
}

inline const char* sync_cs_name(std::uint64_t cs) {
  switch (cs) {
    case 0: return "SIG_NONE";
    case 1: return "SIG_IRQ";
    case 2: return "SIG_SEV";
  }
  return "Reserved";
}

/// The non-zero fields of any record (register, command, STE, CD), in the record's order.
template <class R>
std::string fields_text(const R& r) {
  std::string out;
  R::fields(r, [&out](auto, const char* name, const auto& member) {
    using M = std::remove_cvref_t<decltype(member)>;
    const std::uint64_t v = as_u64(member);
    if (v == 0) return;
    if (!out.empty()) out += ' ';
    out += name;
    if constexpr (std::is_same_v<M, bool>) return;
    out += '=';
    out += std::string_view(name) == "CS" ? sync_cs_name(v) : field_value(name, v);
  });
  return out;
}

/// A command as the record layer names it: "CMD_TLBI_NH_VA VMID=7 ASID=1 Leaf ...".
inline std::string command_text(const smmuv3::Words<2>& w) {
  return smmuv3::visit_command(w, [](const auto& cmd) -> std::string {
    using C = std::decay_t<decltype(cmd)>;
    if constexpr (std::is_same_v<C, smmuv3::CmdUnknown>) {
      return "opcode " + hex(cmd.opcode) + " (Reserved)";
    } else {
      const std::string f = fields_text(cmd);
      return f.empty() ? std::string(C::kName) : std::string(C::kName) + ' ' + f;
    }
  });
}

inline const char* ste_config_name(smmuv3::SteConfig c) {
  switch (c) {
    case smmuv3::SteConfig::abort: return "abort";
    case smmuv3::SteConfig::bypass: return "bypass";
    case smmuv3::SteConfig::s1_trans: return "S1-translate";
    case smmuv3::SteConfig::s2_trans: return "S2-translate";
    case smmuv3::SteConfig::nested: return "nested(S1+S2)";
  }
  return "abort(Reserved)";
}

/// A guest STE, the fields a stage-1-only guest uses.
inline std::string guest_ste_text(const smmuv3::Words<8>& w) {
  const smmuv3::Ste s = smmuv3::decode_ste(w);
  if (!s.v) return "V=0";
  std::string out = std::string("V=1 Config=") + ste_config_name(s.config);
  if (s.config == smmuv3::SteConfig::s1_trans)
    out += " S1ContextPtr=" + hex(s.s1_context_ptr) + " S1DSS=" + number(as_u64(s.s1_dss)) +
           " S1CIR=" + number(as_u64(s.s1_cir)) + " S1COR=" + number(as_u64(s.s1_cor)) +
           " S1CSH=" + number(as_u64(s.s1_csh));
  return out;
}

/// A physical STE, as the host installs it.
inline std::string physical_ste_text(const smmuv3::Words<8>& w) {
  const smmuv3::Ste s = smmuv3::decode_ste(w);
  if (!s.v) return "V=0 (invalid: the SMMU aborts the stream's DMA and records C_BAD_STE)";
  std::string out = std::string("Config=") + ste_config_name(s.config);
  if (s.config == smmuv3::SteConfig::nested)
    out += " S1ContextPtr=" + hex(s.s1_context_ptr) + "(IPA) S1DSS=" + number(as_u64(s.s1_dss)) +
           " S1CSH=" + number(as_u64(s.s1_csh));
  if (s.config == smmuv3::SteConfig::s2_trans || s.config == smmuv3::SteConfig::nested)
    out += " S2VMID=" + std::to_string(s.s2_vmid) + " S2TTB=" + hex(s.s2_ttb) + " S2T0SZ=" + std::to_string(s.s2_t0sz) +
           (s.mev ? " MEV" : "");
  return out;
}

}  // namespace probe
