// The Linux captures in tests/data/linux-* (tools/capture/, format in tools/capture/README.md):
// the setting they were made in -- QEMU 7.2's SMMUv3 as the Linux guest saw it (manifest.json:
// IDR0 0x0d40101a, IDR1 0x02730010, IDR3 0x1404, IDR5 0x74, AIDR 1, SMMUv3.1) plus stage 2
// (IDR0 bit 0, S2P), which nesting needs -- and readers for their files. Shared by the tests
// and benchmarks that replay a capture, so they all judge it under one policy.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/ste.hpp"
#include "vsmmu/policy.hpp"

namespace vsmmu_test {

inline constexpr vsmmu::HostIdrs kCaptureHost{0x0d40101b, 0x02730010, 0x00001404, 0x00000074, 0x1};

/// The guest is shown what Linux saw: QEMU's 16-bit StreamIDs, 44-bit OAS and 2^19-entry
/// queues, and no MSIs (QEMU 7.2 sets no SMMU_IDR0.MSI). With IDR0.MSI Linux 6.1 would have
/// completed its CMD_SYNCs by MSI (ARM_SMMU_OPT_MSIPOLL) instead of the SIG_SEV + CMDQ_CONS
/// polling it recorded, so a replay would feed the device traffic Linux never sends to it.
constexpr vsmmu::GuestConfig kCaptureGuest{.vmid = 7, .ipa_bits = 44, .sid_bits = 16, .cmdq_log2 = 19,
                                           .eventq_log2 = 19, .msi = false};

constexpr vsmmu::Policy capture_policy() { return vsmmu::make_policy(kCaptureHost, kCaptureGuest).policy; }
static_assert(vsmmu::make_policy(kCaptureHost, kCaptureGuest).ok());

/// The hypervisor's stage 2 template for the capture's streams: 44-bit IPA, 4 KiB granule.
constexpr smmuv3::Ste capture_stage2(const vsmmu::Policy& p) {
  smmuv3::Ste s{};
  s.v = true;
  s.config = smmuv3::SteConfig::s2_trans;
  s.s2_vmid = p.vmid;
  s.s2_t0sz = 64 - 44;
  s.s2_sl0 = 2;
  s.s2_ir0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
  s.s2_or0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
  s.s2_sh0 = smmuv3::SteShareability::inner_shareable;
  s.s2_tg = smmuv3::S2Tg::granule_4k;
  s.s2_ps = smmuv3::S2Ps::pa_44;
  s.s2_aa64 = true;
  s.s2_r = true;
  s.s2_ttb = 0x8'0000'0000;
  return s;
}

// ----- Files ---------------------------------------------------------------------------------

/// The capture directories (tests/data/linux-*) under `data_dir`.
inline std::vector<std::filesystem::path> capture_dirs(const std::filesystem::path& data_dir) {
  std::vector<std::filesystem::path> dirs;
  for (const auto& e : std::filesystem::directory_iterator(data_dir))
    if (e.is_directory() && e.path().filename().string().rfind("linux-", 0) == 0) dirs.push_back(e.path());
  return dirs;
}

inline std::vector<unsigned char> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + p.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Little-endian records of N 64-bit words (commands: 2, STEs and CDs: 8).
template <std::size_t N>
std::vector<smmuv3::Words<N>> records(const std::vector<unsigned char>& bytes) {
  std::vector<smmuv3::Words<N>> out;
  for (std::size_t at = 0; at + 8 * N <= bytes.size(); at += 8 * N) out.push_back(smmuv3::load_le<N>(&bytes[at]));
  return out;
}

/// The tab-separated fields of each line of a capture's .tsv file, `#` header skipped.
inline std::vector<std::vector<std::string>> read_tsv(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot open " + p.string());
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::istringstream f(line);
    for (std::string field; std::getline(f, field, '\t');) fields.push_back(field);
    rows.push_back(std::move(fields));
  }
  return rows;
}

/// One line of mmio.tsv: a guest access to the SMMU's register frame.
struct MmioAccess {
  std::size_t seq = 0;
  bool write = false;
  std::uint32_t offset = 0;  ///< from the frame base, Page 1 included
  unsigned size = 0;         ///< 4 or 8
  std::uint64_t value = 0;   ///< written, or what QEMU returned
  std::string name;          ///< the register, as the capture names it
};

inline std::vector<MmioAccess> read_mmio(const std::filesystem::path& p) {
  std::vector<MmioAccess> out;
  for (const auto& f : read_tsv(p)) {
    if (f.size() < 6) throw std::runtime_error("mmio.tsv: short line");
    out.push_back({std::stoul(f[0]), f[1] == "W", static_cast<std::uint32_t>(std::stoul(f[2], nullptr, 16)),
                   static_cast<unsigned>(std::stoul(f[3])), std::stoull(f[4], nullptr, 16), f[5]});
  }
  return out;
}

/// One line of qemu-trace.tsv: a trace event of QEMU's SMMUv3 model.
struct QemuTraceLine {
  std::size_t mmio_seq = 0;
  bool has_index = false;     ///< false: the `-` of an event outside command execution
  std::size_t cmdq_index = 0;
  std::string event;
  std::string arguments;
};

inline std::vector<QemuTraceLine> read_qemu_trace(const std::filesystem::path& p) {
  std::vector<QemuTraceLine> out;
  for (auto& f : read_tsv(p)) {
    if (f.size() < 3) throw std::runtime_error("qemu-trace.tsv: short line");
    // `host`: an event during the host's own register reads at a checkpoint, which no guest
    // access caused; no capture has one, and a replay would have nothing to attribute it to.
    if (f[0] == "host") throw std::runtime_error("qemu-trace.tsv: an event outside the guest's accesses");
    QemuTraceLine l;
    l.mmio_seq = std::stoul(f[0]);
    l.has_index = f[1] != "-";
    if (l.has_index) l.cmdq_index = std::stoul(f[1]);
    l.event = f[2];
    if (f.size() > 3) l.arguments = f[3];
    out.push_back(std::move(l));
  }
  return out;
}

// ----- manifest.json ---------------------------------------------------------------------------

/// A JSON value, as much of JSON as manifest.json uses (objects, arrays, strings, integers,
/// booleans, null). Numbers keep their text.
struct Json {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  std::string text;               ///< string, or a number's digits
  std::vector<Json> items;        ///< array elements, or object values
  std::vector<std::string> keys;  ///< object keys, one per item

  const Json& operator[](const std::string& key) const {
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return items[i];
    throw std::runtime_error("manifest.json: no \"" + key + "\"");
  }
  /// An integer, written as a JSON number or as a "0x..." string.
  std::uint64_t u64() const {
    if (kind != Kind::number && kind != Kind::string) throw std::runtime_error("manifest.json: not an integer");
    return std::stoull(text, nullptr, 0);
  }
};

class JsonParser {
 public:
  explicit JsonParser(std::string s) : s_(std::move(s)) {}

  Json parse() {
    Json v = value();
    skip_space();
    if (at_ != s_.size()) fail("trailing text");
    return v;
  }

 private:
  [[noreturn]] void fail(const char* what) const {
    throw std::runtime_error("manifest.json: " + std::string(what) + " at offset " + std::to_string(at_));
  }
  void skip_space() {
    while (at_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[at_]))) ++at_;
  }
  char peek() {
    skip_space();
    if (at_ == s_.size()) fail("unexpected end");
    return s_[at_];
  }
  void expect(char c) {
    if (peek() != c) fail("unexpected character");
    ++at_;
  }
  bool word(const char* w) {
    const std::string_view v(w);
    if (s_.compare(at_, v.size(), v) != 0) return false;
    at_ += v.size();
    return true;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (at_ < s_.size() && s_[at_] != '"') {
      if (s_[at_] == '\\') {
        ++at_;
        if (at_ == s_.size()) break;
        const char e = s_[at_];
        // The manifest's strings are ASCII: paths, hex values, a QEMU command line.
        if (e == 'u') fail("\\u escapes are not used by manifest.json");
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      } else {
        out += s_[at_];
      }
      ++at_;
    }
    expect('"');
    return out;
  }
  Json value() {
    Json v;
    const char c = peek();
    if (c == '{') {
      v.kind = Json::Kind::object;
      ++at_;
      if (peek() == '}') {
        ++at_;
        return v;
      }
      for (;;) {
        v.keys.push_back(string());
        expect(':');
        v.items.push_back(value());
        if (peek() != ',') break;
        ++at_;
      }
      expect('}');
    } else if (c == '[') {
      v.kind = Json::Kind::array;
      ++at_;
      if (peek() == ']') {
        ++at_;
        return v;
      }
      for (;;) {
        v.items.push_back(value());
        if (peek() != ',') break;
        ++at_;
      }
      expect(']');
    } else if (c == '"') {
      v.kind = Json::Kind::string;
      v.text = string();
    } else if (word("true")) {
      v.kind = Json::Kind::boolean;
      v.boolean = true;
    } else if (word("false")) {
      v.kind = Json::Kind::boolean;
    } else if (word("null")) {
      v.kind = Json::Kind::null;
    } else {
      v.kind = Json::Kind::number;
      while (at_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[at_])) || s_[at_] == '-')) v.text += s_[at_++];
      if (v.text.empty()) fail("not a JSON value");
    }
    return v;
  }

  std::string s_;
  std::size_t at_ = 0;
};

/// A region of guest memory a snapshot dumped (manifest.json "regions").
struct CaptureRegion {
  std::string kind;  ///< strtab_l1, strtab_l2, strtab_linear, cd_linear, cd_l1, cd_l2, eventq
  std::filesystem::path file;     ///< relative to the capture directory
  std::uint64_t gpa = 0;
};

/// Guest memory at a checkpoint: dumped after mmio.tsv records [0, mmio_seq).
struct CaptureSnapshot {
  std::string name;
  std::size_t mmio_seq = 0;
  std::vector<CaptureRegion> regions;
};

/// What a replay needs from manifest.json.
struct CaptureManifest {
  std::uint64_t smmu_size = 0;
  std::filesystem::path cmdq_file;
  std::uint64_t cmdq_gpa = 0;
  std::size_t cmdq_entries = 0;
  bool cmdq_wrapped = false;
  std::vector<CaptureSnapshot> snapshots;  ///< in the order of the guest's checkpoints
  std::size_t mmio_accesses = 0;
};

inline CaptureManifest read_manifest(const std::filesystem::path& capture) {
  const std::vector<unsigned char> bytes = read_bytes(capture / "manifest.json");
  const Json j = JsonParser(std::string(bytes.begin(), bytes.end())).parse();
  if (j["format"].text != "vsmmu-capture 1") throw std::runtime_error("manifest.json: unknown format");
  CaptureManifest m;
  m.smmu_size = j["smmu_size"].u64();
  const Json& cmdq = j["cmdq"];
  m.cmdq_file = cmdq["file"].text;
  m.cmdq_gpa = cmdq["gpa"].u64();
  m.cmdq_entries = cmdq["entries"].u64();
  m.cmdq_wrapped = cmdq["wrapped"].boolean;
  for (const Json& s : j["snapshots"].items) {
    CaptureSnapshot snap{s["name"].text, s["mmio_seq"].u64(), {}};
    for (const Json& r : s["regions"].items) snap.regions.push_back({r["kind"].text, r["file"].text, r["gpa"].u64()});
    m.snapshots.push_back(std::move(snap));
  }
  m.mmio_accesses = j["mmio_accesses"].u64();
  return m;
}

}  // namespace vsmmu_test
