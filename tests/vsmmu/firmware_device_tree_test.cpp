// Tests for include/vsmmu/firmware/device_tree.hpp and rid_map.hpp: the DTS text at compile
// time, every refusal, and a round trip through the real dtc (device-tree-compiler): the text
// must compile without a warning inside a minimal guest tree, and decompiling the blob must give
// back each property, phandle references resolved.
#include "vsmmu/firmware/device_tree.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/external_tool.hpp"

namespace {

using vsmmu::firmware::DeviceTreeConfig;
using vsmmu::firmware::FirmwareError;
using vsmmu::firmware::FirmwareResult;
using vsmmu::firmware::RidMapping;
using vsmmu::firmware::write_device_tree_node;
using vsmmu::firmware::write_host_bridge_properties;

// Bus 0 as StreamIDs 0..0xff; bus 2 devices 0-1 (RIDs 0x200-0x20f) as StreamIDs 0x400-0x40f.
constexpr RidMapping kMaps[] = {{0x0000, 0x0000, 0x100}, {0x0200, 0x0400, 0x10}};

/// Wired interrupts only, inherited interrupt-parent, 64-bit addresses.
constexpr DeviceTreeConfig wired_config() {
  DeviceTreeConfig c;
  c.base = 0x9050000;
  c.eventq_spi = 74;
  c.gerror_spi = 75;
  c.cmdq_sync_spi = 76;
  c.rid_map = kMaps;
  c.rid_map_count = 2;
  return c;
}

/// Everything optional: an ITS for MSIs, an explicit interrupt-parent, coherent walks.
constexpr DeviceTreeConfig its_config() {
  DeviceTreeConfig c = wired_config();
  c.label = "smmu0";
  c.dma_coherent = true;
  c.interrupt_parent = "gic";
  c.msi_parent = "its";
  c.msi_device_id = 0x10000;
  return c;
}

template <std::size_t N>
struct Text {
  std::array<char, N> chars{};
  FirmwareResult result{};
  constexpr bool is(const char* expected) const {
    std::size_t i = 0;
    for (; i < result.size; ++i)
      if (expected[i] != chars[i]) return false;
    return expected[i] == '\0';
  }
};

constexpr Text<512> node_text(const DeviceTreeConfig& c, unsigned depth = 1) {
  Text<512> t;
  t.result = write_device_tree_node(c, t.chars.data(), t.chars.size(), depth);
  return t;
}

constexpr Text<512> bridge_text(const DeviceTreeConfig& c, unsigned depth = 2) {
  Text<512> t;
  t.result = write_host_bridge_properties(c, t.chars.data(), t.chars.size(), depth);
  return t;
}

// The exact text, at compile time.
static_assert(node_text(wired_config()).result.ok());
static_assert(node_text(wired_config()).is("\tvsmmu: iommu@9050000 {\n"
                                           "\t\tcompatible = \"arm,smmu-v3\";\n"
                                           "\t\treg = <0x0 0x9050000 0x0 0x20000>;\n"
                                           "\t\tinterrupts = <0x0 0x4a 0x1>, <0x0 0x4b 0x1>, <0x0 0x4c 0x1>;\n"
                                           "\t\tinterrupt-names = \"eventq\", \"gerror\", \"cmdq-sync\";\n"
                                           "\t\t#iommu-cells = <0x1>;\n"
                                           "\t};\n"));
static_assert(node_text(its_config(), 0).is("smmu0: iommu@9050000 {\n"
                                            "\tcompatible = \"arm,smmu-v3\";\n"
                                            "\treg = <0x0 0x9050000 0x0 0x20000>;\n"
                                            "\tinterrupt-parent = <&gic>;\n"
                                            "\tinterrupts = <0x0 0x4a 0x1>, <0x0 0x4b 0x1>, <0x0 0x4c 0x1>;\n"
                                            "\tinterrupt-names = \"eventq\", \"gerror\", \"cmdq-sync\";\n"
                                            "\tdma-coherent;\n"
                                            "\tmsi-parent = <&its 0x10000>;\n"
                                            "\t#iommu-cells = <0x1>;\n"
                                            "};\n"));
static_assert(bridge_text(wired_config()).is("\t\tiommu-map = <0x0 &vsmmu 0x0 0x100>, <0x200 &vsmmu 0x400 0x10>;\n"));
static_assert(bridge_text(its_config(), 1).is("\tiommu-map = <0x0 &smmu0 0x0 0x100>, <0x200 &smmu0 0x400 0x10>;\n"
                                              "\tmsi-map = <0x0 &its 0x0 0x100>, <0x200 &its 0x400 0x10>;\n"));
// A 64-bit base above 4 GiB splits across the two address cells; one cell holds a 32-bit one.
static_assert([] {
  DeviceTreeConfig c = wired_config();
  c.base = 0x80'0002'0000;
  return node_text(c).is("\tvsmmu: iommu@8000020000 {\n"
                         "\t\tcompatible = \"arm,smmu-v3\";\n"
                         "\t\treg = <0x80 0x20000 0x0 0x20000>;\n"
                         "\t\tinterrupts = <0x0 0x4a 0x1>, <0x0 0x4b 0x1>, <0x0 0x4c 0x1>;\n"
                         "\t\tinterrupt-names = \"eventq\", \"gerror\", \"cmdq-sync\";\n"
                         "\t\t#iommu-cells = <0x1>;\n"
                         "\t};\n");
}());
static_assert([] {
  DeviceTreeConfig c = wired_config();
  c.address_cells = 1;
  c.size_cells = 1;
  const Text<512> t = node_text(c);
  return t.result.ok() && t.is("\tvsmmu: iommu@9050000 {\n"
                                "\t\tcompatible = \"arm,smmu-v3\";\n"
                                "\t\treg = <0x9050000 0x20000>;\n"
                                "\t\tinterrupts = <0x0 0x4a 0x1>, <0x0 0x4b 0x1>, <0x0 0x4c 0x1>;\n"
                                "\t\tinterrupt-names = \"eventq\", \"gerror\", \"cmdq-sync\";\n"
                                "\t\t#iommu-cells = <0x1>;\n"
                                "\t};\n");
}());

// ---- refusals -------------------------------------------------------------------------------

struct Refusal {
  const char* what;
  std::function<void(DeviceTreeConfig&)> change;
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
      {"base not 64 KiB aligned", [](auto& c) { c.base = 0x9058000; }, E::bad_argument},
      {"Page 1 past 2^64", [](auto& c) { c.base = 0xFFFF'FFFF'FFFF'0000u; }, E::bad_argument},
      {"base beyond one address cell", [](auto& c) { c.address_cells = 1; c.base = 0xFFFF'0000u; }, E::bad_argument},
      {"three address cells", [](auto& c) { c.address_cells = 3; }, E::bad_argument},
      {"zero size cells", [](auto& c) { c.size_cells = 0; }, E::bad_argument},
      {"no label", [](auto& c) { c.label = nullptr; }, E::bad_argument},
      {"empty label", [](auto& c) { c.label = ""; }, E::bad_argument},
      {"label starting with a digit", [](auto& c) { c.label = "0smmu"; }, E::bad_argument},
      {"label with a dash", [](auto& c) { c.label = "v-smmu"; }, E::bad_argument},
      {"interrupt-parent not a label", [](auto& c) { c.interrupt_parent = "&gic"; }, E::bad_argument},
      {"the vSMMU its own interrupt-parent", [](auto& c) { c.interrupt_parent = "vsmmu"; }, E::bad_argument},
      {"the vSMMU its own msi-parent", [](auto& c) { c.msi_parent = "vsmmu"; }, E::bad_argument},
      {"msi-parent not a label", [](auto& c) { c.msi_parent = "its 1"; }, E::bad_argument},
      {"SPI 988 is INTID 1020, not an SPI", [](auto& c) { c.cmdq_sync_spi = 988; }, E::bad_interrupt},
      {"eventq and gerror on one SPI", [](auto& c) { c.gerror_spi = c.eventq_spi; }, E::bad_interrupt},
      {"gerror and cmdq-sync on one SPI", [](auto& c) { c.cmdq_sync_spi = c.gerror_spi; }, E::bad_interrupt},
      {"eventq and cmdq-sync on one SPI", [](auto& c) { c.cmdq_sync_spi = c.eventq_spi; }, E::bad_interrupt},
      {"no iommu-map", [](auto& c) { c.rid_map_count = 0; }, E::no_mappings},
      {"a mapping of no IDs", [](auto& c) { c.rid_map = kEmpty; c.rid_map_count = 1; }, E::empty_mapping},
      {"RIDs past 0xffff", [](auto& c) { c.rid_map = kPastRids; c.rid_map_count = 1; }, E::mapping_overflow},
      {"StreamIDs past SIDSIZE", [](auto& c) { c.rid_map = kPastSids; c.rid_map_count = 1; }, E::mapping_overflow},
      {"SIDSIZE above 32", [](auto& c) { c.sid_bits = 33; }, E::bad_argument},
      {"one RID twice", [](auto& c) { c.rid_map = kRidsTwice; c.rid_map_count = 2; }, E::overlapping_mappings},
      {"one StreamID twice", [](auto& c) { c.rid_map = kSidsTwice; c.rid_map_count = 2; }, E::overlapping_mappings},
      {"vSMMU DeviceID is a device's", [](auto& c) { c.msi_parent = "its"; c.msi_device_id = 0x40F; },
       E::overlapping_mappings},
  };
}

TEST(DeviceTree, RefusesWhatTheBindingsCannotSayAndWritesNothing) {
  for (const Refusal& r : refusals()) {
    DeviceTreeConfig c = wired_config();
    r.change(c);
    std::array<char, 512> buffer;
    buffer.fill('#');
    EXPECT_EQ(write_device_tree_node(c, buffer.data(), buffer.size()), (FirmwareResult{r.error, 0})) << r.what;
    EXPECT_EQ(write_host_bridge_properties(c, buffer.data(), buffer.size()), (FirmwareResult{r.error, 0})) << r.what;
    EXPECT_EQ(std::string(buffer.data(), 4), "####") << r.what;
  }
}

TEST(DeviceTree, EdgesOfTheRangesAreAccepted) {
  static constexpr RidMapping kWhole[] = {{0, 0, 0x10000}};  // every RID, StreamIDs 0..0xffff
  static constexpr RidMapping kTop[] = {{0xFFFF, 0xFFFF'FFFFu, 1}};
  DeviceTreeConfig c = wired_config();
  c.rid_map = kWhole;
  c.rid_map_count = 1;
  c.cmdq_sync_spi = 987;
  char buffer[512];
  EXPECT_TRUE(write_device_tree_node(c, buffer, sizeof buffer).ok());
  c.rid_map = kTop;
  c.sid_bits = 32;
  EXPECT_TRUE(write_host_bridge_properties(c, buffer, sizeof buffer).ok());
  c.base = 0xFFFF'FFFF'FFFE'0000u;  // Page 1 ends at 2^64 exactly
  EXPECT_TRUE(write_device_tree_node(c, buffer, sizeof buffer).ok());
  c.address_cells = 1;
  c.base = 0xFFFE'0000u;
  EXPECT_TRUE(write_device_tree_node(c, buffer, sizeof buffer).ok());
}

TEST(DeviceTree, MeasuresThenWritesWithinTheBuffer) {
  const DeviceTreeConfig c = its_config();
  const FirmwareResult needed = write_device_tree_node(c, nullptr, 0);
  ASSERT_EQ(needed.error, FirmwareError::buffer_too_small);
  const Text<512> whole = node_text(c);
  ASSERT_EQ(needed.size, whole.result.size);

  std::vector<char> buffer(needed.size + 8, '#');
  EXPECT_EQ(write_device_tree_node(c, buffer.data(), needed.size - 1), needed);
  EXPECT_EQ(std::string(buffer.data() + needed.size - 1, 9), std::string(9, '#'));  // not one byte past capacity
  EXPECT_EQ(write_device_tree_node(c, buffer.data(), needed.size), whole.result);
  EXPECT_EQ(std::string(buffer.data(), needed.size), std::string(whole.chars.data(), whole.result.size));
  EXPECT_EQ(std::string(buffer.data() + needed.size, 8), std::string(8, '#'));

  const FirmwareResult bridge = write_host_bridge_properties(c, nullptr, 0);
  EXPECT_EQ(bridge, (FirmwareResult{FirmwareError::buffer_too_small, bridge_text(c).result.size}));
}

// ---- dtc round trip -------------------------------------------------------------------------

std::string text(const FirmwareResult& r, const std::vector<char>& buffer) { return {buffer.data(), r.size}; }

/// A minimal arm64 guest tree around the vSMMU: root cells as `c` wants, a GICv3 with an ITS,
/// and an ECAM host bridge carrying the vSMMU's properties.
std::string guest_tree(const DeviceTreeConfig& c) {
  std::vector<char> node(1024), bridge(1024);
  const FirmwareResult n = write_device_tree_node(c, node.data(), node.size());
  const FirmwareResult b = write_host_bridge_properties(c, bridge.data(), bridge.size());
  EXPECT_TRUE(n.ok() && b.ok());
  const bool two = c.address_cells == 2;  // the test trees use equal address and size cells
  const auto reg = [two](const char* base, const char* size) {
    return std::string("<") + (two ? "0x0 " : "") + base + (two ? " 0x0 " : " ") + size + ">";
  };
  std::ostringstream t;
  t << "/dts-v1/;\n\n/ {\n"
    << "\t#address-cells = <" << int{c.address_cells} << ">;\n"
    << "\t#size-cells = <" << int{c.size_cells} << ">;\n"
    << "\tinterrupt-parent = <&gic>;\n\n"
    << "\tgic: interrupt-controller@8000000 {\n"
    << "\t\tcompatible = \"arm,gic-v3\";\n"
    << "\t\t#interrupt-cells = <3>;\n"
    << "\t\t#address-cells = <" << int{c.address_cells} << ">;\n"
    << "\t\t#size-cells = <" << int{c.size_cells} << ">;\n"
    << "\t\tranges;\n"
    << "\t\tinterrupt-controller;\n"
    << "\t\treg = " << reg("0x8000000", "0x10000") << ", " << reg("0x80a0000", "0xf60000") << ";\n\n"
    << "\t\tits: msi-controller@8080000 {\n"
    << "\t\t\tcompatible = \"arm,gic-v3-its\";\n"
    << "\t\t\tmsi-controller;\n"
    << "\t\t\t#msi-cells = <1>;\n"
    << "\t\t\treg = " << reg("0x8080000", "0x20000") << ";\n"
    << "\t\t};\n"
    << "\t};\n\n"
    << text(n, node) << "\n"
    << "\tpcie@10000000 {\n"
    << "\t\tcompatible = \"pci-host-ecam-generic\";\n"
    << "\t\tdevice_type = \"pci\";\n"
    << "\t\t#address-cells = <3>;\n"
    << "\t\t#size-cells = <2>;\n"
    << "\t\treg = " << reg("0x10000000", "0x10000000") << ";\n"
    << "\t\tbus-range = <0x0 0xff>;\n"
    << "\t\tranges = <0x2000000 0x0 0x20000000 " << (two ? "0x0 " : "") << "0x20000000 0x0 0x10000000>;\n"
    << text(b, bridge) << "\t};\n};\n";
  return t.str();
}

std::string trim(const std::string& s) {
  const std::size_t first = s.find_first_not_of(" \t");
  return first == std::string::npos ? "" : s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

/// The nodes of a decompiled tree (`dtc -O dts`: one property per line), by full path; each
/// maps property name to its value text (empty for a boolean property). (No <regex>: g++ 12 at
/// -O1 warns inside it.)
using Properties = std::map<std::string, std::string>;
std::map<std::string, Properties> parse_dts(const std::string& dts) {
  std::map<std::string, Properties> nodes;
  std::vector<std::string> path;  // path[0] is the root
  const auto full_path = [&path] {
    std::string p;
    for (std::size_t i = 1; i < path.size(); ++i) p += "/" + path[i];
    return p.empty() ? std::string("/") : p;
  };
  std::istringstream lines(dts);
  for (std::string raw; std::getline(lines, raw);) {
    const std::string line = trim(raw);
    if (line.size() > 2 && line.compare(line.size() - 2, 2, " {") == 0) {
      std::string name = line.substr(0, line.size() - 2);
      if (const std::size_t colon = name.find(": "); colon != std::string::npos) name = name.substr(colon + 2);
      path.push_back(name == "/" ? "" : name);
    } else if (line == "};") {
      if (!path.empty()) path.pop_back();
    } else if (!path.empty() && !line.empty() && line.back() == ';') {
      const std::string body = line.substr(0, line.size() - 1);
      const std::size_t eq = body.find(" = ");
      nodes[full_path()][body.substr(0, eq)] = eq == std::string::npos ? "" : body.substr(eq + 3);
    }
  }
  return nodes;
}

/// Every cell of a `<...>` value (dtc prints one group, in hex).
std::vector<std::uint32_t> cells(std::string value) {
  for (char& ch : value)
    if (ch == '<' || ch == '>' || ch == ',') ch = ' ';
  std::vector<std::uint32_t> out;
  std::istringstream words(value);
  for (std::string w; words >> w;) out.push_back(static_cast<std::uint32_t>(std::stoul(w, nullptr, 0)));
  return out;
}

/// The strings of a string-list value, which dtc prints as "a\0b\0c".
std::vector<std::string> strings(const std::string& value) {
  std::vector<std::string> out;
  const std::string body = value.size() >= 2 ? value.substr(1, value.size() - 2) : "";
  std::size_t from = 0;
  for (std::size_t at; (at = body.find("\\0", from)) != std::string::npos; from = at + 2)
    out.push_back(body.substr(from, at - from));
  out.push_back(body.substr(from));
  return out;
}

/// pci-iommu.txt: RID r in [rid-base, rid-base + length) is the specifier r - rid-base + iommu-base
/// of the listed IOMMU. Returns (phandle, specifier) from a decoded iommu-map or msi-map.
std::optional<std::pair<std::uint32_t, std::uint32_t>> map_rid(const std::vector<std::uint32_t>& map,
                                                               std::uint32_t rid) {
  for (std::size_t i = 0; i + 4 <= map.size(); i += 4)
    if (rid >= map[i] && rid - map[i] < map[i + 3]) return std::pair{map[i + 1], rid - map[i] + map[i + 2]};
  return std::nullopt;
}

std::optional<std::uint32_t> expected_sid(std::uint32_t rid) {
  for (const RidMapping& m : kMaps)
    if (rid >= m.rid_base && rid - m.rid_base < m.count) return rid - m.rid_base + m.sid_base;
  return std::nullopt;
}

void check_round_trip(const DeviceTreeConfig& c) {
  VSMMU_REQUIRE_TOOL("dtc");
  vsmmu_test::TempDir dir("vsmmu-dt");
  ASSERT_FALSE(dir.path().empty());
  const std::string tree = guest_tree(c);
  std::ofstream(dir.path() / "guest.dts") << tree;

  const vsmmu_test::ToolRun compile = vsmmu_test::run_in(dir.path(), "dtc -I dts -O dtb -o guest.dtb guest.dts");
  ASSERT_EQ(compile.status, 0) << compile.err << tree;
  EXPECT_EQ(compile.err, "") << "dtc warned about the generated text:\n" << tree;
  const vsmmu_test::ToolRun decompile = vsmmu_test::run_in(dir.path(), "dtc -I dtb -O dts guest.dtb");
  ASSERT_EQ(decompile.status, 0) << decompile.err;

  auto nodes = parse_dts(decompile.out);
  const std::string smmu_path = "/iommu@9050000";
  ASSERT_EQ(nodes.count(smmu_path), 1u) << decompile.out;
  Properties& smmu = nodes[smmu_path];
  Properties& bridge = nodes["/pcie@10000000"];
  // dtc gives a node a phandle when something refers to it: the vSMMU always (iommu-map).
  const auto phandle = [&nodes](const std::string& path) { return cells(nodes[path]["phandle"]).at(0); };
  const std::uint32_t self = phandle(smmu_path);

  EXPECT_EQ(strings(smmu["compatible"]), std::vector<std::string>{"arm,smmu-v3"});
  const std::vector<std::uint32_t> reg = c.address_cells == 2 ? std::vector<std::uint32_t>{0, 0x9050000, 0, 0x20000}
                                                               : std::vector<std::uint32_t>{0x9050000, 0x20000};
  EXPECT_EQ(cells(smmu["reg"]), reg);
  EXPECT_EQ(cells(smmu["interrupts"]),
            (std::vector<std::uint32_t>{0, c.eventq_spi, 1, 0, c.gerror_spi, 1, 0, c.cmdq_sync_spi, 1}));
  EXPECT_EQ(strings(smmu["interrupt-names"]), (std::vector<std::string>{"eventq", "gerror", "cmdq-sync"}));
  EXPECT_EQ(cells(smmu["#iommu-cells"]), std::vector<std::uint32_t>{1});
  EXPECT_EQ(smmu.count("dma-coherent"), c.dma_coherent ? 1u : 0u);
  if (c.interrupt_parent != nullptr)
    EXPECT_EQ(cells(smmu["interrupt-parent"]), std::vector<std::uint32_t>{phandle("/interrupt-controller@8000000")});
  else
    EXPECT_EQ(smmu.count("interrupt-parent"), 0u);
  const std::string its_path = "/interrupt-controller@8000000/msi-controller@8080000";
  const std::uint32_t its = c.msi_parent != nullptr ? phandle(its_path) : 0;
  if (c.msi_parent != nullptr) {
    EXPECT_EQ(cells(smmu["msi-parent"]), (std::vector<std::uint32_t>{its, c.msi_device_id}));
  } else {
    EXPECT_EQ(smmu.count("msi-parent"), 0u);
    EXPECT_EQ(bridge.count("msi-map"), 0u);
  }

  EXPECT_EQ(cells(bridge["iommu-map"]), (std::vector<std::uint32_t>{0x0, self, 0x0, 0x100, 0x200, self, 0x400, 0x10}));
  // Every Requester ID resolves as the binding says: to the vSMMU with its StreamID, and (with
  // an ITS) to the ITS with the same number as DeviceID; an unmapped RID to nothing.
  const std::vector<std::uint32_t> iommu_map = cells(bridge["iommu-map"]);
  const std::vector<std::uint32_t> msi_map = cells(bridge["msi-map"]);
  for (std::uint32_t rid = 0; rid < 0x10000; ++rid) {
    const std::optional<std::uint32_t> sid = expected_sid(rid);
    const auto to_smmu = map_rid(iommu_map, rid);
    ASSERT_EQ(to_smmu.has_value(), sid.has_value()) << rid;
    if (!sid) continue;
    ASSERT_EQ(*to_smmu, std::pair(self, *sid)) << rid;
    if (c.msi_parent == nullptr) continue;
    const auto to_its = map_rid(msi_map, rid);
    ASSERT_TRUE(to_its.has_value()) << rid;
    ASSERT_EQ(*to_its, std::pair(its, *sid)) << rid;
  }
}

TEST(DeviceTree, DtcCompilesAndDecompilesTheWiredDescription) { check_round_trip(wired_config()); }

TEST(DeviceTree, DtcCompilesAndDecompilesTheDescriptionWithAnIts) { check_round_trip(its_config()); }

TEST(DeviceTree, DtcCompilesAndDecompilesOneCellAddresses) {
  DeviceTreeConfig c = its_config();
  c.address_cells = 1;
  c.size_cells = 1;
  check_round_trip(c);
}

// The round trip's checks can fail: dtc itself rejects a reference to a label the tree lacks.
TEST(DeviceTree, DtcRejectsAReferenceToAMissingLabel) {
  VSMMU_REQUIRE_TOOL("dtc");
  vsmmu_test::TempDir dir("vsmmu-dt");
  ASSERT_FALSE(dir.path().empty());
  DeviceTreeConfig c = its_config();
  c.msi_parent = "no_such_its";
  std::ofstream(dir.path() / "guest.dts") << guest_tree(c);
  const vsmmu_test::ToolRun compile = vsmmu_test::run_in(dir.path(), "dtc -I dts -O dtb -o guest.dtb guest.dts");
  EXPECT_NE(compile.status, 0);
  EXPECT_NE(compile.err.find("no_such_its"), std::string::npos) << compile.err;
}

}  // namespace
