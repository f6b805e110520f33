// Tests for include/vsmmu/firmware/iort.hpp: the table's bytes at compile time, every refusal,
// how an OS walks the ID mappings (Requester ID -> StreamID -> ITS DeviceID, as Linux's
// drivers/acpi/arm64/iort.c does), and a round trip through the real ACPICA iasl: `iasl -d`
// must decode every field at its offset with the checksum valid, and recompiling the decoded
// source must give back the same bytes.
#include "vsmmu/firmware/iort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/external_tool.hpp"

namespace {

using vsmmu::firmware::FirmwareError;
using vsmmu::firmware::FirmwareResult;
using vsmmu::firmware::IortConfig;
using vsmmu::firmware::RidMapping;
using vsmmu::firmware::write_iort;
namespace iort = vsmmu::firmware::iort;

// Bus 0 as StreamIDs 0..0xff; bus 2 devices 0-1 (RIDs 0x200-0x20f) as StreamIDs 0x400-0x40f.
constexpr RidMapping kMaps[] = {{0x0000, 0x0000, 0x100}, {0x0200, 0x0400, 0x10}};

/// Four wired interrupts, no ITS (QEMU virt's SPIs 74-77 are INTIDs 106-109).
constexpr IortConfig wired_config() {
  IortConfig c;
  c.base = 0x9050000;
  c.event_gsiv = 106;
  c.pri_gsiv = 107;
  c.gerr_gsiv = 108;
  c.sync_gsiv = 109;
  c.rid_map = kMaps;
  c.rid_map_count = 2;
  return c;
}

/// An ITS; no PRI line, so the PRI interrupt is (nominally) an MSI with the vSMMU's DeviceID.
constexpr IortConfig its_config() {
  IortConfig c = wired_config();
  c.oem_id = "VENDOR";
  c.oem_table_id = "VIRTIORT";
  c.oem_revision = 0x20240101;
  c.creator_id = "HYPV";
  c.creator_revision = 7;
  c.pri_gsiv = 0;
  c.coherent_access = true;
  c.its = true;
  c.its_id = 3;
  c.smmu_device_id = 0x10000;
  c.pci_segment = 1;
  c.rc_coherent = false;
  c.ats = true;
  c.memory_address_size_limit = 48;
  return c;
}

template <std::size_t N>
struct Table {
  std::array<unsigned char, N> bytes{};
  FirmwareResult result{};
  constexpr std::uint64_t le(std::size_t offset, std::size_t size) const {
    std::uint64_t v = 0;
    for (std::size_t i = size; i-- > 0;) v = v << 8 | bytes[offset + i];
    return v;
  }
  constexpr unsigned sum() const {
    unsigned s = 0;
    for (std::size_t i = 0; i < result.size; ++i) s += bytes[i];
    return s & 0xFF;
  }
};

constexpr Table<512> table(const IortConfig& c) {
  Table<512> t;
  t.result = write_iort(c, t.bytes.data(), t.bytes.size());
  return t;
}

// The sizes DEN 0049E.b gives, which the public constants must repeat.
static_assert(iort::table_revision == 3 && iort::header_size == 48 && iort::id_mapping_size == 20);
static_assert(iort::its_group_size == 24 && iort::smmu_v3_size == 68 && iort::root_complex_size == 36);
static_assert(iort::max_node_mappings(36) == 3274 && iort::max_node_mappings(68) == 3273);

// Node offsets: header 48, [ITS group 24], SMMUv3 68 + 20 per mapping, root complex 36 + 20 per mapping.
constexpr std::size_t kWiredSmmu = 48;
constexpr std::size_t kWiredRc = kWiredSmmu + 68;
constexpr std::size_t kIts = 48;
constexpr std::size_t kItsSmmu = kIts + 24;
constexpr std::size_t kItsRc = kItsSmmu + 68 + 3 * 20;

constexpr Table<512> kWired = table(wired_config());
static_assert(kWired.result == FirmwareResult{FirmwareError::none, kWiredRc + 36 + 2 * 20});
static_assert(kWired.sum() == 0);  // ACPI: the checksum makes all bytes sum to zero
static_assert(kWired.le(0, 4) == 0x5452'4F49 && kWired.le(4, 4) == kWired.result.size && kWired.le(8, 1) == 3);
static_assert(kWired.le(36, 4) == 2 && kWired.le(40, 4) == 48);
static_assert(kWired.le(kWiredSmmu, 1) == 4 && kWired.le(kWiredSmmu + 1, 2) == 68 && kWired.le(kWiredSmmu + 3, 1) == 4);
static_assert(kWired.le(kWiredSmmu + 8, 4) == 0 && kWired.le(kWiredSmmu + 16, 8) == 0x9050000);
static_assert(kWired.le(kWiredSmmu + 44, 4) == 106 && kWired.le(kWiredSmmu + 56, 4) == 109);
static_assert(kWired.le(kWiredRc, 1) == 2 && kWired.le(kWiredRc + 1, 2) == 76 && kWired.le(kWiredRc + 12, 4) == 36);
// The second RC mapping: RIDs 0x200.. (16 IDs, encoded as 15) to StreamIDs 0x400.. of the SMMUv3 node.
static_assert(kWired.le(kWiredRc + 56, 4) == 0x200 && kWired.le(kWiredRc + 60, 4) == 15);
static_assert(kWired.le(kWiredRc + 64, 4) == 0x400 && kWired.le(kWiredRc + 68, 4) == kWiredSmmu);

constexpr Table<512> kWithIts = table(its_config());
static_assert(kWithIts.result.ok() && kWithIts.result.size == kItsRc + 36 + 2 * 20 && kWithIts.sum() == 0);
static_assert(kWithIts.le(36, 4) == 3 && kWithIts.le(kIts, 1) == 0 && kWithIts.le(kIts + 20, 4) == 3);
// SMMUv3: three mappings, the last the vSMMU's own (single) one, which the index names.
static_assert(kWithIts.le(kItsSmmu + 8, 4) == 3 && kWithIts.le(kItsSmmu + 64, 4) == 2);
static_assert(kWithIts.le(kItsSmmu + 68 + 40 + 8, 4) == 0x10000 && kWithIts.le(kItsSmmu + 68 + 40 + 16, 4) == 1);

// ---- refusals -------------------------------------------------------------------------------

struct Refusal {
  const char* what;
  std::function<void(IortConfig&)> change;
  FirmwareError error;
};

std::vector<Refusal> refusals() {
  static constexpr RidMapping kEmpty[] = {{0, 0, 0}};
  static constexpr RidMapping kPastRids[] = {{0xFF00, 0, 0x101}};
  static constexpr RidMapping kPastSids[] = {{0, 0xFFF0, 0x11}};
  static constexpr RidMapping kRidsTwice[] = {{0x100, 0, 0x10}, {0x10F, 0x100, 1}};
  static constexpr RidMapping kSidsTwice[] = {{0x100, 0x20, 0x10}, {0x200, 0x2F, 1}};
  using E = FirmwareError;
  return {
      {"OEM ID of 7 characters", [](auto& c) { c.oem_id = "VSMMU01"; }, E::bad_argument},
      {"OEM Table ID of 9 characters", [](auto& c) { c.oem_table_id = "VSMMUIORT"; }, E::bad_argument},
      {"Creator ID of 5 characters", [](auto& c) { c.creator_id = "VSMMU"; }, E::bad_argument},
      {"no OEM ID", [](auto& c) { c.oem_id = nullptr; }, E::bad_argument},
      {"base not 64 KiB aligned", [](auto& c) { c.base = 0x9051000; }, E::bad_argument},
      {"Page 1 past 2^64", [](auto& c) { c.base = 0xFFFF'FFFF'FFFF'0000u; }, E::bad_argument},
      {"a PPI (INTID 27)", [](auto& c) { c.event_gsiv = 27; }, E::bad_interrupt},
      {"INTID 1020 (special)", [](auto& c) { c.sync_gsiv = 1020; }, E::bad_interrupt},
      {"event and GERR on one line", [](auto& c) { c.gerr_gsiv = c.event_gsiv; }, E::bad_interrupt},
      {"PRI and sync on one line", [](auto& c) { c.sync_gsiv = c.pri_gsiv; }, E::bad_interrupt},
      {"no PRI line and no ITS", [](auto& c) { c.pri_gsiv = 0; }, E::msi_without_its},
      {"no event line and no ITS", [](auto& c) { c.event_gsiv = 0; }, E::msi_without_its},
      {"no root complex mapping", [](auto& c) { c.rid_map_count = 0; }, E::no_mappings},
      {"a mapping of no IDs", [](auto& c) { c.rid_map = kEmpty; c.rid_map_count = 1; }, E::empty_mapping},
      {"RIDs past 0xffff", [](auto& c) { c.rid_map = kPastRids; c.rid_map_count = 1; }, E::mapping_overflow},
      {"StreamIDs past SIDSIZE", [](auto& c) { c.rid_map = kPastSids; c.rid_map_count = 1; }, E::mapping_overflow},
      {"SIDSIZE above 32", [](auto& c) { c.sid_bits = 33; }, E::bad_argument},
      {"one RID twice", [](auto& c) { c.rid_map = kRidsTwice; c.rid_map_count = 2; }, E::overlapping_mappings},
      {"one StreamID twice", [](auto& c) { c.rid_map = kSidsTwice; c.rid_map_count = 2; }, E::overlapping_mappings},
      {"vSMMU DeviceID is a device's", [](auto& c) { c.its = true; c.smmu_device_id = 0xFF; },
       E::overlapping_mappings},
  };
}

TEST(Iort, RefusesWhatTheTableCannotSayAndWritesNothing) {
  for (const Refusal& r : refusals()) {
    IortConfig c = wired_config();
    r.change(c);
    std::array<unsigned char, 512> buffer;
    buffer.fill(0xA5);
    EXPECT_EQ(write_iort(c, buffer.data(), buffer.size()), (FirmwareResult{r.error, 0})) << r.what;
    EXPECT_EQ(buffer[0], 0xA5) << r.what;
  }
}

TEST(Iort, NodeLengthsBoundTheMappingCount) {
  // Every RID its own mapping: the root complex node holds at most (0xffff - 36) / 20 = 3274.
  std::vector<RidMapping> maps;
  for (std::uint32_t i = 0; i < 3275; ++i) maps.push_back({i, i, 1});
  IortConfig c = wired_config();
  c.rid_map = maps.data();
  c.rid_map_count = maps.size();
  EXPECT_EQ(write_iort(c, nullptr, 0).error, FirmwareError::too_many_mappings);
  c.rid_map_count = 3274;
  const FirmwareResult fits = write_iort(c, nullptr, 0);
  EXPECT_EQ(fits, (FirmwareResult{FirmwareError::buffer_too_small, 48 + 68 + 36 + 3274 * 20}));
  // With an ITS the SMMUv3 node repeats them, plus its own: (0xffff - 68) / 20 = 3273 in all.
  c = its_config();
  c.rid_map = maps.data();
  c.smmu_device_id = 0xFFFF'FFFFu;
  c.sid_bits = 32;
  c.rid_map_count = 3273;
  EXPECT_EQ(write_iort(c, nullptr, 0).error, FirmwareError::too_many_mappings);
  c.rid_map_count = 3272;
  EXPECT_EQ(write_iort(c, nullptr, 0).error, FirmwareError::buffer_too_small);
}

TEST(Iort, MeasuresThenWritesWithinTheBuffer) {
  const IortConfig c = its_config();
  const FirmwareResult needed = write_iort(c, nullptr, 0);
  ASSERT_EQ(needed, (FirmwareResult{FirmwareError::buffer_too_small, kWithIts.result.size}));
  std::vector<unsigned char> buffer(needed.size + 8, 0xA5);
  EXPECT_EQ(write_iort(c, buffer.data(), needed.size - 1), needed);
  for (std::size_t i = needed.size - 1; i < buffer.size(); ++i) EXPECT_EQ(buffer[i], 0xA5) << i;
  EXPECT_EQ(write_iort(c, buffer.data(), needed.size), kWithIts.result);
  EXPECT_TRUE(std::equal(buffer.begin(), buffer.begin() + needed.size, kWithIts.bytes.begin()));
  for (std::size_t i = needed.size; i < buffer.size(); ++i) EXPECT_EQ(buffer[i], 0xA5) << i;
}

TEST(Iort, OnlyAnInterruptWithoutGsivNeedsTheSmmuOwnDeviceId) {
  // An ITS with all four lines wired: the index is ignored (E.b), so the node has no single
  // mapping for an OS to misread as a StreamID range.
  IortConfig c = its_config();
  c.pri_gsiv = 107;
  const Table<512> t = table(c);
  ASSERT_TRUE(t.result.ok());
  EXPECT_EQ(t.le(kItsSmmu + 8, 4), 2u);
  EXPECT_EQ(t.le(kItsSmmu + 64, 4), 0u);
  EXPECT_EQ(t.result.size, kItsSmmu + 68 + 2 * 20 + 36 + 2 * 20);
}

// ---- how an OS reads it ---------------------------------------------------------------------

/// A reader of the finished table, written from DEN 0049E.b rather than from iort.hpp.
struct IortReader {
  const std::vector<unsigned char>& b;
  std::uint32_t u(std::size_t offset, std::size_t size) const {
    std::uint32_t v = 0;
    for (std::size_t i = size; i-- > 0;) v = v << 8 | b.at(offset + i);
    return v;
  }
  std::optional<std::size_t> node_of_type(std::uint8_t type) const {
    std::size_t at = u(40, 4);
    for (std::uint32_t n = u(36, 4); n > 0; --n, at += u(at + 1, 2))
      if (b.at(at) == type) return at;
    return std::nullopt;
  }
  /// The mapping index Linux skips when walking IDs through an SMMUv3 node (E.b: valid unless
  /// all four interrupts are GSIV-based).
  std::optional<std::uint32_t> own_mapping(std::size_t smmu) const {
    if (u(smmu + 44, 4) != 0 && u(smmu + 48, 4) != 0 && u(smmu + 52, 4) != 0 && u(smmu + 56, 4) != 0)
      return std::nullopt;
    return u(smmu + 64, 4);
  }
  /// One step of iort_node_map_id: `id` through `node`'s mappings, to (next node, output ID).
  std::optional<std::pair<std::size_t, std::uint32_t>> map(std::size_t node, std::uint32_t id) const {
    const std::optional<std::uint32_t> skip = b.at(node) == 4 ? own_mapping(node) : std::nullopt;
    for (std::uint32_t i = 0; i < u(node + 8, 4); ++i) {
      const std::size_t m = node + u(node + 12, 4) + i * 20;
      if (skip == i) continue;
      // Linux warns about, and skips, a single mapping anywhere else in an SMMUv3 node.
      if (b.at(node) == 4 && (u(m + 16, 4) & 1) != 0) {
        ADD_FAILURE() << "a single mapping Linux would walk: " << m;
      }
      const std::uint32_t input = u(m, 4);
      // Table 4: the range holds "Number of IDs" + 1 IDs.
      if (id >= input && id - input <= u(m + 4, 4))
        return std::pair{std::size_t{u(m + 12, 4)}, id - input + u(m + 8, 4)};
    }
    return std::nullopt;
  }
};

std::optional<std::uint32_t> expected_sid(std::uint32_t rid) {
  for (const RidMapping& m : kMaps)
    if (rid >= m.rid_base && rid - m.rid_base < m.count) return rid - m.rid_base + m.sid_base;
  return std::nullopt;
}

void check_walk(const IortConfig& c) {
  const Table<512> t = table(c);
  ASSERT_TRUE(t.result.ok());
  const std::vector<unsigned char> bytes(t.bytes.begin(), t.bytes.begin() + t.result.size);
  const IortReader r{bytes};
  const std::optional<std::size_t> rc = r.node_of_type(2), smmu = r.node_of_type(4), its = r.node_of_type(0);
  ASSERT_TRUE(rc && smmu);
  ASSERT_EQ(its.has_value(), c.its);
  for (std::uint32_t rid = 0; rid < 0x10000; ++rid) {
    const auto to_smmu = r.map(*rc, rid);
    const std::optional<std::uint32_t> sid = expected_sid(rid);
    ASSERT_EQ(to_smmu.has_value(), sid.has_value()) << rid;
    if (!sid) continue;
    ASSERT_EQ(*to_smmu, std::pair(*smmu, *sid)) << rid;
    // A device's MSIs continue from the SMMUv3 node to the ITS, DeviceID = StreamID.
    const auto to_its = r.map(*smmu, *sid);
    ASSERT_EQ(to_its.has_value(), c.its) << rid;
    if (!c.its) continue;
    ASSERT_EQ(*to_its, std::pair(*its, *sid)) << rid;
  }
  // The vSMMU's own MSIs: the single mapping the index names.
  const std::optional<std::uint32_t> own = r.own_mapping(*smmu);
  ASSERT_EQ(own.has_value(), c.its);
  if (own) {
    const std::size_t m = *smmu + r.u(*smmu + 12, 4) + *own * 20;
    EXPECT_EQ(r.u(m + 16, 4), 1u);  // single
    EXPECT_EQ(r.u(m + 8, 4), c.smmu_device_id);
    EXPECT_EQ(r.u(m + 12, 4), *its);
  }
}

TEST(Iort, RequesterIdsReachTheSmmuAsTheirStreamIds) { check_walk(wired_config()); }

TEST(Iort, StreamIdsReachTheItsAsDeviceIds) { check_walk(its_config()); }

// ---- iasl round trip ------------------------------------------------------------------------

/// One line of iasl's data-table disassembly: `[HexOffset DecimalOffset Length]  Name : Value`.
struct Field {
  std::size_t offset;
  std::string name;
  std::string value;
};

std::string trim(const std::string& s) {
  const std::size_t first = s.find_first_not_of(" \t");
  return first == std::string::npos ? "" : s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

/// (No <regex>: g++ 12 at -O1 warns inside it.)
std::vector<Field> parse_dsl(const std::string& dsl) {
  std::vector<Field> fields;
  std::istringstream lines(dsl);
  for (std::string l; std::getline(lines, l);) {
    // The offset is the first word, "05Ch"; the length column is decimal ("   4") up to ACPICA
    // 2023 and hex ("004h") after, and neither is needed.
    const std::size_t close = l.find(']'), colon = l.find(" : ");
    if (l.empty() || l[0] != '[' || close == std::string::npos || colon == std::string::npos || colon < close)
      continue;
    fields.push_back({std::stoul(l.substr(1), nullptr, 16), trim(l.substr(close + 1, colon - close - 1)),
                      trim(l.substr(colon + 3))});
  }
  return fields;
}

/// The value iasl shows for `name` at `offset`, as a number (it prints them in hex).
std::optional<std::uint64_t> field(const std::vector<Field>& fields, std::size_t offset, const std::string& name) {
  for (const Field& f : fields)
    if (f.offset == offset && f.name == name) return std::stoull(f.value, nullptr, 16);
  return std::nullopt;
}

/// The table as `iasl -d` decodes it: its fields, and the disassembly.
struct Disassembly {
  std::vector<Field> fields;
  std::string dsl;
};

std::optional<Disassembly> disassemble(const std::filesystem::path& dir, const std::vector<unsigned char>& bytes) {
  std::ofstream(dir / "iort.dat", std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const vsmmu_test::ToolRun run = vsmmu_test::run_in(dir, "iasl -d iort.dat");
  EXPECT_EQ(run.status, 0) << run.out << run.err;
  if (run.status != 0) return std::nullopt;
  const std::string dsl = vsmmu_test::read_file(dir / "iort.dsl");
  return Disassembly{parse_dsl(dsl), dsl};
}

void expect_mapping(const std::vector<Field>& f, std::size_t at, std::uint32_t input, std::uint32_t count,
                    std::uint32_t output, std::size_t reference, bool single) {
  EXPECT_EQ(field(f, at, "Input base"), input) << at;
  EXPECT_EQ(field(f, at + 4, "ID Count"), count - 1) << at;
  EXPECT_EQ(field(f, at + 8, "Output Base"), output) << at;
  EXPECT_EQ(field(f, at + 12, "Output Reference"), reference) << at;
  EXPECT_EQ(field(f, at + 16, "Flags (decoded below)"), single ? 1u : 0u) << at;
}

void expect_node_header(const std::vector<Field>& f, std::size_t at, unsigned type, std::size_t length,
                        unsigned revision, std::size_t mappings, std::size_t mappings_offset) {
  EXPECT_EQ(field(f, at, "Type"), type) << at;
  EXPECT_EQ(field(f, at + 1, "Length"), length) << at;
  EXPECT_EQ(field(f, at + 3, "Revision"), revision) << at;
  EXPECT_EQ(field(f, at + 8, "Mapping Count"), mappings) << at;
  EXPECT_EQ(field(f, at + 12, "Mapping Offset"), mappings_offset) << at;
}

/// Every field of the table, as iasl decodes it, against the configuration.
void check_disassembly(const IortConfig& c, const std::vector<unsigned char>& bytes, const Disassembly& d) {
  const std::vector<Field>& f = d.fields;
  const std::size_t smmu = c.its ? kItsSmmu : kWiredSmmu;
  const bool own = c.its && (c.event_gsiv == 0 || c.pri_gsiv == 0 || c.gerr_gsiv == 0 || c.sync_gsiv == 0);
  const std::size_t smmu_maps = c.its ? c.rid_map_count + (own ? 1 : 0) : 0;
  const std::size_t rc = smmu + 68 + 20 * smmu_maps;

  EXPECT_NE(d.dsl.find("Signature : \"IORT\""), std::string::npos);
  EXPECT_EQ(field(f, 4, "Table Length"), bytes.size());
  EXPECT_EQ(field(f, 8, "Revision"), 3u);
  EXPECT_EQ(field(f, 9, "Checksum"), bytes[9]);
  EXPECT_EQ(d.dsl.find("Incorrect checksum"), std::string::npos) << d.dsl;
  const auto padded = [](std::string s, std::size_t width) { return "\"" + s.append(width - s.size(), ' ') + "\""; };
  EXPECT_NE(d.dsl.find("Oem ID : " + padded(c.oem_id, 6)), std::string::npos);
  EXPECT_NE(d.dsl.find("Oem Table ID : " + padded(c.oem_table_id, 8)), std::string::npos);
  EXPECT_EQ(field(f, 24, "Oem Revision"), c.oem_revision);
  EXPECT_NE(d.dsl.find("Asl Compiler ID : " + padded(c.creator_id, 4)), std::string::npos);
  EXPECT_EQ(field(f, 32, "Asl Compiler Revision"), c.creator_revision);
  EXPECT_EQ(field(f, 36, "Node Count"), c.its ? 3u : 2u);
  EXPECT_EQ(field(f, 40, "Node Offset"), 48u);

  if (c.its) {
    expect_node_header(f, kIts, 0, 24, 1, 0, 0);
    EXPECT_EQ(field(f, kIts + 16, "ItsCount"), 1u);
    EXPECT_EQ(field(f, kIts + 20, "Identifiers"), c.its_id);
  }

  expect_node_header(f, smmu, 4, 68 + 20 * smmu_maps, 4, smmu_maps, smmu_maps != 0 ? 68 : 0);
  EXPECT_EQ(field(f, smmu + 16, "Base Address"), c.base);
  EXPECT_EQ(field(f, smmu + 24, "Flags (decoded below)"), c.coherent_access ? 1u : 0u);
  EXPECT_EQ(field(f, smmu + 32, "VATOS Address"), 0u);
  EXPECT_EQ(field(f, smmu + 40, "Model"), 0u);
  EXPECT_EQ(field(f, smmu + 44, "Event GSIV"), c.event_gsiv);
  EXPECT_EQ(field(f, smmu + 48, "PRI GSIV"), c.pri_gsiv);
  EXPECT_EQ(field(f, smmu + 52, "GERR GSIV"), c.gerr_gsiv);
  EXPECT_EQ(field(f, smmu + 56, "Sync GSIV"), c.sync_gsiv);
  EXPECT_EQ(field(f, smmu + 64, "Device ID Mapping Index"), own ? c.rid_map_count : 0u);
  for (std::size_t i = 0; c.its && i < c.rid_map_count; ++i) {
    const RidMapping& m = c.rid_map[i];
    expect_mapping(f, smmu + 68 + 20 * i, m.sid_base, m.count, m.sid_base, kIts, false);
  }
  if (own) expect_mapping(f, smmu + 68 + 20 * c.rid_map_count, 0, 1, c.smmu_device_id, kIts, true);

  expect_node_header(f, rc, 2, 36 + 20 * c.rid_map_count, 3, c.rid_map_count, 36);
  EXPECT_EQ(field(f, rc + 16, "Cache Coherency"), c.rc_coherent ? 1u : 0u);
  EXPECT_EQ(field(f, rc + 23, "Memory Flags (decoded below)"), c.rc_coherent ? 3u : 0u);
  EXPECT_EQ(field(f, rc + 24, "ATS Attribute"), c.ats ? 1u : 0u);
  EXPECT_EQ(field(f, rc + 28, "PCI Segment Number"), c.pci_segment);
  EXPECT_EQ(field(f, rc + 32, "Memory Size Limit"), c.memory_address_size_limit);
  for (std::size_t i = 0; i < c.rid_map_count; ++i) {
    const RidMapping& m = c.rid_map[i];
    expect_mapping(f, rc + 36 + 20 * i, m.rid_base, m.count, m.sid_base, smmu, false);
  }
}

void check_round_trip(const IortConfig& c) {
  VSMMU_REQUIRE_TOOL("iasl");
  vsmmu_test::TempDir dir("vsmmu-iort");
  ASSERT_FALSE(dir.path().empty());
  const Table<512> t = table(c);
  ASSERT_TRUE(t.result.ok());
  const std::vector<unsigned char> bytes(t.bytes.begin(), t.bytes.begin() + t.result.size);

  const std::optional<Disassembly> d = disassemble(dir.path(), bytes);
  ASSERT_TRUE(d.has_value());
  check_disassembly(c, bytes, *d);

  // Compiling the decoded source rebuilds the table byte for byte, but for what iasl owns: the
  // checksum and the creator (Asl Compiler) ID and revision, which it sets to its own; and, in
  // releases before IORT E support (ACPICA 20210331), the node identifiers, which it takes for
  // reserved fields and zeroes.
  const vsmmu_test::ToolRun run = vsmmu_test::run_in(dir.path(), "iasl iort.dsl");
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  const std::string rebuilt = vsmmu_test::read_file(dir.path() / "iort.aml");
  ASSERT_EQ(rebuilt.size(), bytes.size());
  std::vector<std::size_t> identifiers;
  for (std::size_t at = 48; at < bytes.size(); at += bytes[at + 1] | bytes[at + 2] << 8) identifiers.push_back(at + 4);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const bool iasl_owns = i == 9 || (i >= 28 && i < 36);
    const bool identifier =
        std::any_of(identifiers.begin(), identifiers.end(), [i](std::size_t at) { return i >= at && i < at + 4; });
    if (iasl_owns || (identifier && rebuilt[i] == 0)) continue;
    EXPECT_EQ(static_cast<unsigned char>(rebuilt[i]), bytes[i]) << "offset " << i;
  }
}

TEST(Iort, IaslDecodesAndRebuildsTheWiredTable) { check_round_trip(wired_config()); }

TEST(Iort, IaslDecodesAndRebuildsTheTableWithAnIts) { check_round_trip(its_config()); }

// The round trip's checksum check can fail: iasl flags a table whose bytes no longer sum to zero.
TEST(Iort, IaslFlagsACorruptedChecksum) {
  VSMMU_REQUIRE_TOOL("iasl");
  vsmmu_test::TempDir dir("vsmmu-iort");
  ASSERT_FALSE(dir.path().empty());
  std::vector<unsigned char> bytes(kWired.bytes.begin(), kWired.bytes.begin() + kWired.result.size);
  bytes[kWiredSmmu + 44] ^= 1;  // Event GSIV 106 -> 107, checksum unchanged
  const std::optional<Disassembly> d = disassemble(dir.path(), bytes);
  ASSERT_TRUE(d.has_value());
  EXPECT_NE(d->dsl.find("Incorrect checksum"), std::string::npos) << d->dsl;
  EXPECT_EQ(field(d->fields, kWiredSmmu + 44, "Event GSIV"), 107u);
}

}  // namespace
