// SPDX-License-Identifier: MIT
// Tests for include/smmuv3/command.hpp (IHI 0070 chapter 4 commands).
#include "smmuv3/command.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace smmuv3 {
namespace {

using AllCommandTypes =
    std::tuple<CmdPrefetchConfig, CmdPrefetchAddr, CmdCfgiSte, CmdCfgiSteRange, CmdCfgiAll,
               CmdCfgiCd, CmdCfgiCdAll, CmdCfgiVmsPidm, CmdTlbiNhAll, CmdTlbiNhAsid, CmdTlbiNhVa,
               CmdTlbiNhVaa, CmdTlbiEl3All, CmdTlbiEl3Va, CmdTlbiEl2All, CmdTlbiEl2Asid,
               CmdTlbiEl2Va, CmdTlbiEl2Vaa, CmdTlbiS12Vmall, CmdTlbiS2Ipa, CmdTlbiNsnhAll,
               CmdAtcInv, CmdPriResp, CmdResume, CmdStallTerm, CmdSync, CmdTlbiSEl2All,
               CmdTlbiSEl2Asid, CmdTlbiSEl2Va, CmdTlbiSEl2Vaa, CmdTlbiSS12Vmall, CmdTlbiSS2Ipa,
               CmdTlbiSnhAll, CmdDptiAll, CmdDptiPa>;

template <class F>
void for_each_command_type(F&& f) {
  [&]<class... T>(std::tuple<T...>*) {
    (f.template operator()<T>(), ...);
  }(static_cast<AllCommandTypes*>(nullptr));
}

struct Field {
  std::string name;
  std::uint64_t value;
};

template <class T>
std::vector<Field> fields_of(const T& c) {
  std::vector<Field> out;
  for_each_field(c, [&](const char* name, std::uint64_t v) { out.push_back({name, v}); });
  return out;
}

template <class T>
std::vector<std::string> names_of() {
  std::vector<std::string> out;
  for (const Field& f : fields_of(T{})) out.push_back(f.name);
  return out;
}

int nonzero_fields(const std::vector<Field>& fs) {
  int n = 0;
  for (const Field& f : fs) n += f.value != 0;
  return n;
}

Words<2> W(std::uint64_t w0, std::uint64_t w1) { return Words<2>{{w0, w1}}; }

Words<2> with_bit(Words<2> w, unsigned bit) {
  w[bit / 64] |= std::uint64_t{1} << (bit % 64);
  return w;
}

// The opcode byte and, for CMD_CFGI_ALL, Range == 31: the bits that make the record this type.
template <class T>
Words<2> base_words() {
  return encode(T{}).words;
}
template <class T>
Words<2> fixed_bits() {
  if constexpr (std::is_same_v<T, CmdCfgiAll>) return mask_of<2, cmd::Op, cmd::Range>();
  return mask_of<2, cmd::Op>();
}

// The name of the type visit_command hands to the visitor.
const char* visited_name(const Words<2>& w) {
  return visit_command(
      w, [](const auto& c) -> const char* { return std::decay_t<decltype(c)>::kName; });
}

// Every field of every command, in spec (bit) order, as the CLI will print them.
const std::map<std::string, std::vector<std::string>>& expected_field_names() {
  static const std::map<std::string, std::vector<std::string>> names = {
      {"CMD_PREFETCH_CONFIG", {"SSec", "SSV", "SubstreamID", "StreamID"}},
      {"CMD_PREFETCH_ADDR",
       {"SSec", "SSV", "SubstreamID", "StreamID", "Size", "Stride", "NS", "Address"}},
      {"CMD_CFGI_STE", {"SSec", "StreamID", "Leaf"}},
      {"CMD_CFGI_STE_RANGE", {"SSec", "StreamID", "Range"}},
      {"CMD_CFGI_ALL", {"SSec", "StreamID"}},
      {"CMD_CFGI_CD", {"SSec", "SubstreamID", "StreamID", "Leaf"}},
      {"CMD_CFGI_CD_ALL", {"SSec", "StreamID"}},
      {"CMD_CFGI_VMS_PIDM", {"SSec", "VMID"}},
      {"CMD_TLBI_NH_ALL", {"VMID"}},
      {"CMD_TLBI_NH_ASID", {"VMID", "ASID"}},
      {"CMD_TLBI_NH_VA",
       {"NUM", "SCALE", "VMID", "ASID", "Leaf", "TTL128", "TTL", "TG", "Address"}},
      {"CMD_TLBI_NH_VAA", {"NUM", "SCALE", "VMID", "Leaf", "TTL128", "TTL", "TG", "Address"}},
      {"CMD_TLBI_EL3_ALL", {}},
      {"CMD_TLBI_EL3_VA", {"NUM", "SCALE", "Leaf", "TTL128", "TTL", "TG", "Address"}},
      {"CMD_TLBI_EL2_ALL", {}},
      {"CMD_TLBI_EL2_ASID", {"ASID"}},
      {"CMD_TLBI_EL2_VA", {"NUM", "SCALE", "ASID", "Leaf", "TTL128", "TTL", "TG", "Address"}},
      {"CMD_TLBI_EL2_VAA", {"NUM", "SCALE", "Leaf", "TTL128", "TTL", "TG", "Address"}},
      {"CMD_TLBI_S12_VMALL", {"VMID"}},
      {"CMD_TLBI_S2_IPA", {"NUM", "SCALE", "VMID", "Leaf", "TTL128", "TTL", "TG", "Address"}},
      {"CMD_TLBI_NSNH_ALL", {}},
      {"CMD_ATC_INV", {"Global", "SSV", "SubstreamID", "StreamID", "Size", "Address"}},
      {"CMD_PRI_RESP", {"SSV", "SubstreamID", "StreamID", "PRGIndex", "Resp"}},
      {"CMD_RESUME", {"SSec", "Ac", "Ab", "StreamID", "STAG"}},
      {"CMD_STALL_TERM", {"SSec", "StreamID"}},
      {"CMD_SYNC", {"CS", "MSH", "MSIAttr", "MSIData", "MSIAddress", "MSI_NS"}},
      {"CMD_TLBI_S_EL2_ALL", {}},
      {"CMD_TLBI_S_EL2_ASID", {"ASID"}},
      {"CMD_TLBI_S_EL2_VA", {"NUM", "SCALE", "ASID", "Leaf", "TTL128", "TTL", "TG", "Address"}},
      {"CMD_TLBI_S_EL2_VAA", {"NUM", "SCALE", "Leaf", "TTL128", "TTL", "TG", "Address"}},
      {"CMD_TLBI_S_S12_VMALL", {"VMID"}},
      {"CMD_TLBI_S_S2_IPA",
       {"NUM", "SCALE", "VMID", "Leaf", "NS", "TTL128", "TTL", "TG", "Address"}},
      {"CMD_TLBI_SNH_ALL", {}},
      {"CMD_DPTI_ALL", {}},
      {"CMD_DPTI_PA", {"Leaf", "SIZE", "Address"}},
  };
  return names;
}

// --- Every field of every command: per bit, per field (max and distinctive), whole record ---

// Flips each non-opcode bit alone. A defined bit must land in exactly one field and survive
// decode/encode; a RES0 bit must be reported by command_res0_bits and dropped by decode. This
// ties the RES0 masks, decode, encode and for_each_field together bit by bit.
TEST(CommandFields, EveryBitIsOneFieldOrRes0) {
  for_each_command_type([]<class T>() {
    SCOPED_TRACE(T::kName);
    const Words<2> base = base_words<T>();
    const Words<2> fixed = fixed_bits<T>();
    for (unsigned b = 0; b < 128; ++b) {
      if (any(bits_in(with_bit(Words<2>{}, b), fixed))) continue;
      SCOPED_TRACE(b);
      const Words<2> w = with_bit(base, b);
      EXPECT_STREQ(visited_name(w), T::kName);
      const T c = decode_command_as<T>(w);
      const std::vector<Field> fs = fields_of(c);
      const Encoded<2> back = encode(c);
      ASSERT_TRUE(back.ok());
      if (any(command_res0_bits(w))) {
        EXPECT_EQ(command_res0_bits(w), with_bit(Words<2>{}, b));
        EXPECT_EQ(nonzero_fields(fs), 0);
        EXPECT_EQ(back.words, base);
      } else {
        EXPECT_EQ(nonzero_fields(fs), 1);
        EXPECT_EQ(back.words, w);
      }
    }
  });
}

// Groups the defined bits by the field they feed, then checks each field at its maximum and at
// two distinctive values, alone in the record, plus all fields at once. Also checks that
// for_each_field lists exactly the expected names, in ascending bit order.
TEST(CommandFields, EachFieldRoundTripsAtMaxAndDistinctiveValues) {
  for_each_command_type([]<class T>() {
    SCOPED_TRACE(T::kName);
    const Words<2> base = base_words<T>();
    const Words<2> fixed = fixed_bits<T>();
    std::map<std::string, Words<2>> bits_of;
    std::vector<std::string> by_first_bit;
    for (unsigned b = 0; b < 128; ++b) {
      if (any(bits_in(with_bit(Words<2>{}, b), fixed))) continue;
      const Words<2> w = with_bit(base, b);
      if (any(command_res0_bits(w))) continue;
      for (const Field& f : fields_of(decode_command_as<T>(w))) {
        if (f.value == 0) continue;
        if (!bits_of.count(f.name)) by_first_bit.push_back(f.name);
        bits_of[f.name] = with_bit(bits_of[f.name], b);
      }
    }
    EXPECT_EQ(by_first_bit, names_of<T>()) << "for_each_field must list fields in bit order";
    EXPECT_EQ(names_of<T>(), expected_field_names().at(T::kName));

    Words<2> all = base;
    for (const auto& [name, mask] : bits_of) {
      SCOPED_TRACE(name);
      for (std::size_t i = 0; i < 2; ++i) all[i] |= mask[i];
      const unsigned width = std::popcount(mask[0]) + std::popcount(mask[1]);
      const std::uint64_t ones = width == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
      const bool is_address = name == "Address" || name == "MSIAddress";
      const std::uint64_t expected_max =
          is_address ? ones << (name == "MSIAddress" ? 2 : 12) : ones;

      Words<2> w = base;
      for (std::size_t i = 0; i < 2; ++i) w[i] |= mask[i];
      const T c = decode_command_as<T>(w);
      for (const Field& f : fields_of(c))
        EXPECT_EQ(f.value, f.name == name ? expected_max : 0) << f.name;
      EXPECT_EQ(encode(c).words, w);

      for (const std::uint64_t pattern : {0x5A5AC3C35A5AC3C3ull, 0xA5A53C3CA5A53C3Cull}) {
        Words<2> d = base;
        for (std::size_t i = 0; i < 2; ++i) d[i] |= mask[i] & pattern;
        const T dc = decode_command_as<T>(d);
        EXPECT_LE(nonzero_fields(fields_of(dc)), 1);
        EXPECT_EQ(decode_command_as<T>(encode(dc).words), dc);
        EXPECT_EQ(encode(dc).words, d);
      }
    }
    const T every = decode_command_as<T>(all);
    EXPECT_EQ(nonzero_fields(fields_of(every)), static_cast<int>(bits_of.size()));
    EXPECT_EQ(encode(every).words, all);
  });
}

// The brief's invariant on arbitrary records: encode(decode(w)).words == w & ~res0.
TEST(CommandFields, ArbitraryRecordsRoundTripMinusRes0) {
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for_each_command_type([&]<class T>() {
    SCOPED_TRACE(T::kName);
    const Words<2> base = base_words<T>();
    const Words<2> fixed = fixed_bits<T>();
    for (int i = 0; i < 200; ++i) {
      Words<2> w{{next(), next()}};
      for (std::size_t k = 0; k < 2; ++k) w[k] = (w[k] & ~fixed[k]) | base[k];
      const Words<2> res0 = command_res0_bits(w);
      Words<2> expected = w;
      for (std::size_t k = 0; k < 2; ++k) expected[k] &= ~res0[k];
      EXPECT_EQ(encode(decode_command_as<T>(w)).words, expected);
    }
  });
}

// --- Golden vectors -----------------------------------------------------------------------

template <class T>
void expect_golden(const T& c, std::uint64_t w0, std::uint64_t w1) {
  SCOPED_TRACE(T::kName);
  const Words<2> w = W(w0, w1);
  const Encoded<2> e = encode(c);
  EXPECT_TRUE(e.ok()) << e.bad_field;
  EXPECT_EQ(e.words[0], w0);
  EXPECT_EQ(e.words[1], w1);
  EXPECT_EQ(decode_command_as<T>(w), c);
  EXPECT_FALSE(any(command_res0_bits(w)));
  bool matched = false;
  visit_command(w, [&](const auto& v) {
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, T>) matched = v == c;
  });
  EXPECT_TRUE(matched);
}

// §4.2. Linux arm_smmu_cmdq_build_cmd (CMDQ_OP_PREFETCH_CFG) puts the opcode in [7:0] and the
// StreamID in CMDQ_PREFETCH_0_SID [63:32]; SSec [10], SSV [11], SubstreamID [31:12] as the
// Qualcomm HAL writes cmd[0] = op | ssec << 10 | ssv << 11 | ssid << 12.
TEST(CommandGolden, Prefetch) {
  expect_golden(CmdPrefetchConfig{.stream_id = 0x1234}, 0x0000123400000001, 0);
  expect_golden(
      CmdPrefetchConfig{.ssec = true, .ssv = true, .substream_id = 0x55, .stream_id = 0x1234},
      0x0000123400055C01, 0);
  // CMD_PREFETCH_ADDR: Size [68:64], Stride [73:69] (Qualcomm HAL cmd[2] = addr | stride << 5 |
  // size), NS [75] (Renode), Address[63:12] in [127:76] (Linux CMDQ_PREFETCH_1_ADDR_MASK).
  expect_golden(
      CmdPrefetchAddr{
          .stream_id = 0x10, .size = 3, .stride = 2, .ns = true, .address = 0x0000FFFF80001000},
      0x0000001000000002, 0x0000FFFF80001843);
}

// §4.3. Linux arm_smmu_cmdq_build_cmd: CFGI_STE/CD put SID in [63:32], SSID in [31:12], Leaf in
// CMDQ_CFGI_1_LEAF (bit 64); CFGI_ALL writes only CMDQ_CFGI_1_RANGE = 31.
TEST(CommandGolden, ConfigurationInvalidation) {
  expect_golden(CmdCfgiSte{.stream_id = 0x12345678, .leaf = true}, 0x1234567800000003, 1);
  expect_golden(CmdCfgiSteRange{.ssec = true, .stream_id = 0xABCD, .range = 7}, 0x0000ABCD00000404,
                7);
  expect_golden(CmdCfgiAll{}, 0x0000000000000004, 0x1F);
  expect_golden(CmdCfgiCd{.substream_id = 0xABCDE, .stream_id = 0x12345678, .leaf = true},
                0x12345678ABCDE005, 1);
  expect_golden(CmdCfgiCdAll{.stream_id = 0x42}, 0x0000004200000006, 0);
  // Qualcomm HAL CMD_CFGI_VMS_PIDM: cmd[0] = op | ssec << 10, cmd[1] = vmid.
  expect_golden(CmdCfgiVmsPidm{.ssec = true, .vmid = 0xBEEF}, 0x0000BEEF00000407, 0);
}

// §4.4. Linux arm_smmu_cmdq_build_cmd for TLBI_NH_VA / EL2_VA / S2_IPA: NUM [16:12], SCALE
// [24:20], VMID [47:32], ASID [63:48], Leaf [64], TTL [73:72], TG [75:74], address masked into
// [127:76]. TTL128 [71] and SCALE[25] from §4.4.1.1 / TF-RMM smmuv3_priv.h.
TEST(CommandGolden, TlbInvalidation) {
  expect_golden(CmdTlbiNhAll{.vmid = 0x1234}, 0x0000123400000010, 0);
  expect_golden(CmdTlbiNhAsid{.vmid = 1, .asid = 0xFFFF}, 0xFFFF000100000011, 0);
  expect_golden(CmdTlbiNhVa{.num = 3,
                            .scale = 1,
                            .vmid = 5,
                            .asid = 0x77,
                            .leaf = true,
                            .ttl = 3,
                            .tg = TlbiTg::granule_4kb,
                            .address = 0x00007FFFDEADB000},
                0x0077000500103012, 0x00007FFFDEADB701);
  expect_golden(CmdTlbiNhVaa{.vmid = 0xFFFF, .address = 0xFFFFFFFFFFFFF000}, 0x0000FFFF00000013,
                0xFFFFFFFFFFFFF000);
  expect_golden(CmdTlbiEl3All{}, 0x18, 0);
  expect_golden(CmdTlbiEl3Va{.leaf = true, .ttl = 2, .tg = TlbiTg::granule_64kb, .address = 0x1000},
                0x1A, 0x1E01);
  expect_golden(CmdTlbiEl2All{}, 0x20, 0);
  expect_golden(CmdTlbiEl2Asid{.asid = 0x1234}, 0x1234000000000021, 0);
  expect_golden(CmdTlbiEl2Va{.num = 31, .scale = 63, .asid = 0xA, .address = 0x40000000},
                0x000A000003F1F022, 0x40000000);
  expect_golden(CmdTlbiEl2Vaa{.leaf = true, .address = 0x8000000000000000}, 0x23,
                0x8000000000000001);
  expect_golden(CmdTlbiS12Vmall{.vmid = 0xFF}, 0x000000FF00000028, 0);
  // TF-RMM tlbi_ipa_single: param0 = VMID | SCALE | NUM, param1 = Address[55:12] | TG | TTL |
  // Leaf (| TTL128).
  expect_golden(CmdTlbiS2Ipa{.num = 4,
                             .scale = 2,
                             .vmid = 7,
                             .leaf = true,
                             .ttl128 = true,
                             .ttl = 3,
                             .tg = TlbiTg::granule_4kb,
                             .address = 0x00FFFFFFFFFFF000},
                0x000000070020402A, 0x00FFFFFFFFFFF781);
  expect_golden(CmdTlbiNsnhAll{}, 0x30, 0);
  // Secure forms, "encoded similarly" (§4.4.2.11-14, §4.4.3.3-4, §4.4.4.2); Qualcomm HAL
  // CMD_TLBI_S_S2_IPA: cmd[2] = addr | leaf | ns << 1.
  expect_golden(CmdTlbiSEl2All{}, 0x50, 0);
  expect_golden(CmdTlbiSEl2Asid{.asid = 1}, 0x0001000000000051, 0);
  expect_golden(CmdTlbiSEl2Va{.asid = 2, .leaf = true, .address = 0x2000}, 0x0002000000000052,
                0x2001);
  expect_golden(CmdTlbiSEl2Vaa{.address = 0x3000}, 0x53, 0x3000);
  expect_golden(CmdTlbiSS12Vmall{.vmid = 9}, 0x0000000900000058, 0);
  expect_golden(CmdTlbiSS2Ipa{.vmid = 3, .leaf = true, .ns = true, .address = 0x80000000},
                0x000000030000005A, 0x80000003);
  expect_golden(CmdTlbiSnhAll{}, 0x60, 0);
}

// §4.5. Linux arm_smmu_atc_inv_to_cmd: Global CMDQ_ATC_0_GLOBAL [9], SSV [11], SSID [31:12],
// SID [63:32], Size CMDQ_ATC_1_SIZE [69:64] (ATC_INV_SIZE_ALL = 52), address [127:76]. PRI_RESP:
// CMDQ_PRI_1_GRPID [72:64], CMDQ_PRI_1_RESP [77:76].
TEST(CommandGolden, AtsAndPri) {
  expect_golden(CmdAtcInv{.global = true,
                          .ssv = true,
                          .substream_id = 3,
                          .stream_id = 0x100,
                          .size = kAtcInvSizeAll},
                0x0000010000003A40, 52);
  expect_golden(CmdAtcInv{.stream_id = 7, .size = 0, .address = 0x12345000}, 0x0000000700000040,
                0x12345000);
  expect_golden(CmdPriResp{.ssv = true,
                           .substream_id = 1,
                           .stream_id = 0x20,
                           .prg_index = 0x1FF,
                           .resp = PriResp::success},
                0x0000002000001841, 0x21FF);
}

// §4.7. Linux CMD_RESUME: CMDQ_RESUME_0_RESP [13:12] = RETRY (1) / ABORT (2), SID [63:32], STAG
// CMDQ_RESUME_1_STAG [79:64]; QEMU CMD_RESUME_AC bit 12, CMD_RESUME_AB bit 13, SSec bit 10.
// CMD_SYNC as TF-RMM prepare_send_cmd_sync builds it: CS [13:12], MSH [23:22], MSIAttr [27:24],
// MSIData [63:32], msi_addr << 64, MSI_NS << 127.
TEST(CommandGolden, FaultResponseAndSync) {
  expect_golden(CmdResume{.ac = ResumeAction::retry, .stream_id = 0x33, .stag = 0xBEEF},
                0x0000003300001044, 0xBEEF);
  expect_golden(CmdResume{.ssec = true, .ab = true, .stream_id = 1, .stag = 1}, 0x0000000100002444,
                1);
  expect_golden(CmdStallTerm{.ssec = true, .stream_id = 0x77}, 0x0000007700000445, 0);
  expect_golden(CmdSync{.cs = SyncCs::sig_irq,
                        .msh = SyncMsh::inner_shareable,
                        .msi_attr = 0xF,
                        .msi_data = 0xCAFEBABE,
                        .msi_address = 0x0000123456789ABC,
                        .msi_ns = true},
                0xCAFEBABE0FC01046, 0x8000123456789ABC);
  expect_golden(CmdSync{}, 0x46, 0);
}

// §4.6: CMD_DPTI_ALL is the opcode alone (G.b figure; Arm RME ACS smmu_cmdq_build_cmd).
// CMD_DPTI_PA per the G.b figure as text-extracted in jpgreninger/smmu: Leaf bit 64, SIZE
// [75:72], Address[55:12] at [119:76], so in word 1 the address sits in place (bits [55:12]),
// SIZE at [11:8] and Leaf at bit 0.
TEST(CommandGolden, Dpti) {
  expect_golden(CmdDptiAll{}, 0x70, 0);
  expect_golden(CmdDptiPa{.leaf = true, .size = DptiSize::size_2mb, .address = 0x0000008040200000},
                0x73, 0x0000008040200301);
  expect_golden(CmdDptiPa{.size = DptiSize::size_512gb, .address = 0x00FFFFFFFFFFF000}, 0x73,
                0x00FFFFFFFFFFF900);
}

// §4.6.2 SIZE table: 4KB, 16KB, 64KB, 2MB, 32MB, 512MB, 1GB, 16GB, 64GB, 512GB; the rest is
// Reserved.
TEST(CommandDpti, SizeEncodings) {
  const unsigned want[] = {12, 14, 16, 21, 25, 29, 30, 34, 36, 39};
  for (unsigned v = 0; v < 16; ++v)
    EXPECT_EQ(dpti_size_log2(static_cast<DptiSize>(v)), v < 10 ? want[v] : 0u) << v;
  EXPECT_EQ(std::uint64_t{1} << dpti_size_log2(DptiSize::size_512mb), 512ull << 20);
  EXPECT_EQ(std::uint64_t{1} << dpti_size_log2(DptiSize::size_16gb), 16ull << 30);
}

// The record as it sits in the queue: 16 little-endian bytes (§4.1.1).
TEST(CommandGolden, LittleEndianBytes) {
  unsigned char bytes[kCommandBytes] = {};
  store_le(encode(CmdCfgiCd{.substream_id = 0xABCDE, .stream_id = 0x12345678, .leaf = true}).words,
           bytes);
  const unsigned char expected[kCommandBytes] = {0x05, 0xE0, 0xCD, 0xAB, 0x78, 0x56, 0x34, 0x12,
                                                 0x01, 0,    0,    0,    0,    0,    0,    0};
  for (std::size_t i = 0; i < kCommandBytes; ++i) EXPECT_EQ(bytes[i], expected[i]) << i;
  EXPECT_EQ(command_opcode(load_le<2>(bytes)), Opcode::cfgi_cd);
}

// --- Opcodes and visit_command ------------------------------------------------------------

// The §4.1.1 table, row by row.
TEST(CommandOpcode, NamesMatchSpecTable) {
  const std::map<unsigned, std::string> table = {
      {0x01, "CMD_PREFETCH_CONFIG"},
      {0x02, "CMD_PREFETCH_ADDR"},
      {0x03, "CMD_CFGI_STE"},
      {0x04, "CMD_CFGI_STE_RANGE"},
      {0x05, "CMD_CFGI_CD"},
      {0x06, "CMD_CFGI_CD_ALL"},
      {0x07, "CMD_CFGI_VMS_PIDM"},
      {0x10, "CMD_TLBI_NH_ALL"},
      {0x11, "CMD_TLBI_NH_ASID"},
      {0x12, "CMD_TLBI_NH_VA"},
      {0x13, "CMD_TLBI_NH_VAA"},
      {0x18, "CMD_TLBI_EL3_ALL"},
      {0x1A, "CMD_TLBI_EL3_VA"},
      {0x20, "CMD_TLBI_EL2_ALL"},
      {0x21, "CMD_TLBI_EL2_ASID"},
      {0x22, "CMD_TLBI_EL2_VA"},
      {0x23, "CMD_TLBI_EL2_VAA"},
      {0x28, "CMD_TLBI_S12_VMALL"},
      {0x2A, "CMD_TLBI_S2_IPA"},
      {0x30, "CMD_TLBI_NSNH_ALL"},
      {0x40, "CMD_ATC_INV"},
      {0x41, "CMD_PRI_RESP"},
      {0x44, "CMD_RESUME"},
      {0x45, "CMD_STALL_TERM"},
      {0x46, "CMD_SYNC"},
      {0x50, "CMD_TLBI_S_EL2_ALL"},
      {0x51, "CMD_TLBI_S_EL2_ASID"},
      {0x52, "CMD_TLBI_S_EL2_VA"},
      {0x53, "CMD_TLBI_S_EL2_VAA"},
      {0x58, "CMD_TLBI_S_S12_VMALL"},
      {0x5A, "CMD_TLBI_S_S2_IPA"},
      {0x60, "CMD_TLBI_SNH_ALL"},
      {0x70, "CMD_DPTI_ALL"},
      {0x73, "CMD_DPTI_PA"},
  };
  for (unsigned op = 0; op < 256; ++op) {
    SCOPED_TRACE(op);
    const auto it = table.find(op);
    const char* name = opcode_name(static_cast<std::uint8_t>(op));
    EXPECT_EQ(is_known_opcode(static_cast<std::uint8_t>(op)), it != table.end());
    if (it == table.end()) {
      EXPECT_EQ(name, nullptr);
    } else {
      ASSERT_NE(name, nullptr);
      EXPECT_EQ(std::string(name), it->second);
    }
    EXPECT_EQ(is_impdef_opcode(static_cast<std::uint8_t>(op)), op >= 0x80 && op <= 0x8F);
  }
  EXPECT_EQ(Opcode::cfgi_all, Opcode::cfgi_ste_range);
}

// Each type's kOpcode/kName agree with the opcode table (CMD_CFGI_ALL shares 0x04).
TEST(CommandOpcode, TypesCarryTheirOpcodeAndName) {
  std::set<std::string> seen;
  for_each_command_type([&]<class T>() {
    SCOPED_TRACE(T::kName);
    EXPECT_TRUE(seen.insert(T::kName).second);
    EXPECT_EQ(command_opcode(encode(T{}).words), T::kOpcode);
    if constexpr (!std::is_same_v<T, CmdCfgiAll>) {
      EXPECT_STREQ(opcode_name(static_cast<std::uint8_t>(T::kOpcode)), T::kName);
    }
  });
  EXPECT_EQ(seen.size(), std::tuple_size_v<AllCommandTypes>);
}

// All 256 opcode values, with empty, full and mixed operands: f is called exactly once, with the
// type the opcode names, or with CmdUnknown holding the record unchanged.
TEST(CommandVisit, EveryOpcodeReachesTheVisitorOnce) {
  const Words<2> operands[] = {W(0, 0), W(~0ull, ~0ull),
                               W(0x0123456789ABCDEFull, 0xFEDCBA9876543210ull), W(0, 31), W(0, 30)};
  for (unsigned op = 0; op < 256; ++op) {
    for (const Words<2>& o : operands) {
      SCOPED_TRACE(op);
      Words<2> w = o;
      w[0] = cmd::Op::insert(w[0], op);
      int calls = 0;
      bool unknown = false;
      std::string name;
      visit_command(w, [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        ++calls;
        name = T::kName;
        if constexpr (std::is_same_v<T, CmdUnknown>) {
          unknown = true;
          EXPECT_EQ(c.opcode, op);
          EXPECT_EQ(c.words, w);
          EXPECT_EQ(encode(c).words, w);
        } else {
          EXPECT_EQ(static_cast<unsigned>(T::kOpcode), op);
          EXPECT_EQ(c, decode_command_as<T>(w));
        }
      });
      EXPECT_EQ(calls, 1);
      EXPECT_EQ(unknown, !is_known_opcode(static_cast<std::uint8_t>(op)));
      if (op == 0x04) {
        EXPECT_EQ(name, (o[1] & 0x1F) == 31 ? "CMD_CFGI_ALL" : "CMD_CFGI_STE_RANGE");
      }
    }
  }
}

TEST(CommandVisit, ReturnsWhatTheVisitorReturns) {
  const auto opcode_of = [](const auto& c) -> int {
    if constexpr (std::is_same_v<std::decay_t<decltype(c)>, CmdUnknown>)
      return -int{c.opcode};
    else
      return static_cast<int>(std::decay_t<decltype(c)>::kOpcode);
  };
  EXPECT_EQ(visit_command(W(0x46, 0), opcode_of), 0x46);
  EXPECT_EQ(visit_command(W(0x8A, 0), opcode_of), -0x8A);
  EXPECT_EQ(visit_command(W(0x00, 0), opcode_of), 0);
}

TEST(CommandVisit, UnknownForAllOneByte) {
  for (unsigned op : {0x00u, 0x08u, 0x0Fu, 0x14u, 0x19u, 0x2Bu, 0x31u, 0x42u, 0x47u, 0x59u, 0x61u,
                      0x71u, 0x74u, 0x80u, 0x8Fu, 0x90u, 0xFFu}) {
    EXPECT_STREQ(visited_name(W(op, 0)), "UNKNOWN") << op;
  }
  std::vector<Field> fs = fields_of(CmdUnknown{0x90, W(0x1234567890, 0x42)});
  ASSERT_EQ(fs.size(), 3u);
  EXPECT_EQ(fs[0].name, "Opcode");
  EXPECT_EQ(fs[0].value, 0x90u);
  EXPECT_EQ(fs[1].value, 0x12345678u);
  EXPECT_EQ(fs[2].value, 0x42u);
}

// --- Field overflow -------------------------------------------------------------------------

TEST(CommandEncode, ReportsFieldThatDoesNotFitByName) {
  EXPECT_STREQ(encode(CmdPrefetchConfig{.substream_id = 1u << 20}).bad_field, "SubstreamID");
  EXPECT_STREQ(encode(CmdPrefetchAddr{.size = 32}).bad_field, "Size");
  EXPECT_STREQ(encode(CmdPrefetchAddr{.stride = 32}).bad_field, "Stride");
  EXPECT_STREQ(encode(CmdPrefetchAddr{.address = 0x1800}).bad_field, "Address");
  EXPECT_STREQ(encode(CmdCfgiSteRange{.range = 32}).bad_field, "Range");
  EXPECT_STREQ(encode(CmdCfgiCd{.substream_id = 0x100000}).bad_field, "SubstreamID");
  EXPECT_STREQ(encode(CmdTlbiNhVa{.num = 32}).bad_field, "NUM");
  EXPECT_STREQ(encode(CmdTlbiNhVa{.scale = 64}).bad_field, "SCALE");
  EXPECT_STREQ(encode(CmdTlbiNhVa{.ttl = 4}).bad_field, "TTL");
  EXPECT_STREQ(encode(CmdTlbiNhVa{.tg = static_cast<TlbiTg>(4)}).bad_field, "TG");
  EXPECT_STREQ(encode(CmdTlbiNhVa{.address = 0x1001}).bad_field, "Address");
  EXPECT_STREQ(encode(CmdTlbiNhVaa{.address = 0xFFF}).bad_field, "Address");
  EXPECT_STREQ(encode(CmdTlbiEl3Va{.address = 0x800}).bad_field, "Address");
  EXPECT_STREQ(encode(CmdTlbiEl2Va{.num = 255}).bad_field, "NUM");
  EXPECT_STREQ(encode(CmdTlbiEl2Vaa{.ttl = 7}).bad_field, "TTL");
  EXPECT_STREQ(encode(CmdTlbiSEl2Va{.address = 4}).bad_field, "Address");
  EXPECT_STREQ(encode(CmdTlbiSEl2Vaa{.scale = 0x40}).bad_field, "SCALE");
  // IPA operands are Address[55:12]: bit 56 does not fit, bit 55 does.
  EXPECT_STREQ(encode(CmdTlbiS2Ipa{.address = std::uint64_t{1} << 56}).bad_field, "Address");
  EXPECT_TRUE(encode(CmdTlbiS2Ipa{.address = std::uint64_t{1} << 55}).ok());
  EXPECT_STREQ(encode(CmdTlbiSS2Ipa{.address = 0xFF00000000000000}).bad_field, "Address");
  EXPECT_STREQ(encode(CmdAtcInv{.size = 64}).bad_field, "Size");
  EXPECT_STREQ(encode(CmdAtcInv{.address = 0x10}).bad_field, "Address");
  EXPECT_STREQ(encode(CmdPriResp{.prg_index = 512}).bad_field, "PRGIndex");
  EXPECT_STREQ(encode(CmdPriResp{.resp = static_cast<PriResp>(4)}).bad_field, "Resp");
  EXPECT_STREQ(encode(CmdResume{.ac = static_cast<ResumeAction>(2)}).bad_field, "Ac");
  EXPECT_STREQ(encode(CmdSync{.cs = static_cast<SyncCs>(4)}).bad_field, "CS");
  EXPECT_STREQ(encode(CmdSync{.msh = static_cast<SyncMsh>(4)}).bad_field, "MSH");
  EXPECT_STREQ(encode(CmdSync{.msi_attr = 16}).bad_field, "MSIAttr");
  EXPECT_STREQ(encode(CmdSync{.msi_address = 0x1002}).bad_field, "MSIAddress");
  EXPECT_STREQ(encode(CmdSync{.msi_address = std::uint64_t{1} << 56}).bad_field, "MSIAddress");
  EXPECT_STREQ(encode(CmdDptiPa{.size = static_cast<DptiSize>(16)}).bad_field, "SIZE");
  EXPECT_STREQ(encode(CmdDptiPa{.address = 0x1800}).bad_field, "Address");
  EXPECT_STREQ(encode(CmdDptiPa{.address = std::uint64_t{1} << 56}).bad_field, "Address");
  EXPECT_TRUE(encode(CmdDptiPa{.address = std::uint64_t{1} << 55}).ok());
}

TEST(CommandEncode, FirstBadFieldWinsAndNothingIsTruncated) {
  const Encoded<2> e = encode(CmdCfgiSteRange{.ssec = true, .stream_id = 5, .range = 0xFF});
  EXPECT_STREQ(e.bad_field, "Range");
  EXPECT_EQ(e.words, W(0x0000000500000404, 0)) << "a field that does not fit is left zero";
  EXPECT_STREQ(encode(CmdTlbiNhVa{.num = 32, .ttl = 4}).bad_field, "NUM");
  EXPECT_STREQ(encode(CmdSync{.msh = static_cast<SyncMsh>(9), .msi_attr = 99}).bad_field, "MSH");
}

// The reserved encodings of enumerated fields that fit are kept as numbers, never rejected.
TEST(CommandEncode, ReservedEnumEncodingsArePreserved) {
  const CmdSync s = decode_command_as<CmdSync>(W(0x0000000000403046, 0));  // CS = 0b11, MSH = 0b01
  EXPECT_EQ(static_cast<int>(s.cs), 3);
  EXPECT_EQ(static_cast<int>(s.msh), 1);
  EXPECT_EQ(encode(s).words, W(0x0000000000403046, 0));
  const CmdPriResp p = decode_command_as<CmdPriResp>(W(0x41, 0x3000));  // Resp = 0b11
  EXPECT_EQ(static_cast<int>(p.resp), 3);
  EXPECT_EQ(encode(p).words, W(0x41, 0x3000));
  const CmdDptiPa d = decode_command_as<CmdDptiPa>(W(0x73, 0xF00));  // SIZE = 0b1111
  EXPECT_EQ(static_cast<int>(d.size), 15);
  EXPECT_EQ(encode(d).words, W(0x73, 0xF00));
}

// --- RES0 ----------------------------------------------------------------------------------

template <class T>
Words<2> all_operand_bits_set() {
  Words<2> w = base_words<T>();
  const Words<2> fixed = fixed_bits<T>();
  for (std::size_t i = 0; i < 2; ++i) w[i] |= ~fixed[i];
  return w;
}

const std::map<std::string, Words<2>>& res0_constants() {
  static const std::map<std::string, Words<2>> m = {
      {"CMD_PREFETCH_CONFIG", kCmdPrefetchConfigRes0},
      {"CMD_PREFETCH_ADDR", kCmdPrefetchAddrRes0},
      {"CMD_CFGI_STE", kCmdCfgiSteRes0},
      {"CMD_CFGI_STE_RANGE", kCmdCfgiSteRangeRes0},
      {"CMD_CFGI_ALL", kCmdCfgiAllRes0},
      {"CMD_CFGI_CD", kCmdCfgiCdRes0},
      {"CMD_CFGI_CD_ALL", kCmdCfgiCdAllRes0},
      {"CMD_CFGI_VMS_PIDM", kCmdCfgiVmsPidmRes0},
      {"CMD_TLBI_NH_ALL", kCmdTlbiNhAllRes0},
      {"CMD_TLBI_NH_ASID", kCmdTlbiNhAsidRes0},
      {"CMD_TLBI_NH_VA", kCmdTlbiNhVaRes0},
      {"CMD_TLBI_NH_VAA", kCmdTlbiNhVaaRes0},
      {"CMD_TLBI_EL3_ALL", kCmdTlbiEl3AllRes0},
      {"CMD_TLBI_EL3_VA", kCmdTlbiEl3VaRes0},
      {"CMD_TLBI_EL2_ALL", kCmdTlbiEl2AllRes0},
      {"CMD_TLBI_EL2_ASID", kCmdTlbiEl2AsidRes0},
      {"CMD_TLBI_EL2_VA", kCmdTlbiEl2VaRes0},
      {"CMD_TLBI_EL2_VAA", kCmdTlbiEl2VaaRes0},
      {"CMD_TLBI_S12_VMALL", kCmdTlbiS12VmallRes0},
      {"CMD_TLBI_S2_IPA", kCmdTlbiS2IpaRes0},
      {"CMD_TLBI_NSNH_ALL", kCmdTlbiNsnhAllRes0},
      {"CMD_ATC_INV", kCmdAtcInvRes0},
      {"CMD_PRI_RESP", kCmdPriRespRes0},
      {"CMD_RESUME", kCmdResumeRes0},
      {"CMD_STALL_TERM", kCmdStallTermRes0},
      {"CMD_SYNC", kCmdSyncRes0},
      {"CMD_TLBI_S_EL2_ALL", kCmdTlbiSEl2AllRes0},
      {"CMD_TLBI_S_EL2_ASID", kCmdTlbiSEl2AsidRes0},
      {"CMD_TLBI_S_EL2_VA", kCmdTlbiSEl2VaRes0},
      {"CMD_TLBI_S_EL2_VAA", kCmdTlbiSEl2VaaRes0},
      {"CMD_TLBI_S_S12_VMALL", kCmdTlbiSS12VmallRes0},
      {"CMD_TLBI_S_S2_IPA", kCmdTlbiSS2IpaRes0},
      {"CMD_TLBI_SNH_ALL", kCmdTlbiSnhAllRes0},
      {"CMD_DPTI_ALL", kCmdDptiAllRes0},
      {"CMD_DPTI_PA", kCmdDptiPaRes0},
  };
  return m;
}

// With every operand bit set, command_res0_bits reports exactly the type's RES0 mask, and
// decode drops those bits.
TEST(CommandRes0, ReportedPerCommandAndIgnoredByDecode) {
  for_each_command_type([]<class T>() {
    SCOPED_TRACE(T::kName);
    const Words<2> w = all_operand_bits_set<T>();
    const Words<2> res0 = res0_constants().at(T::kName);
    EXPECT_EQ(command_res0_bits(w), res0);
    EXPECT_EQ(command_res0_bits(encode(T{}).words), Words<2>{});
    EXPECT_EQ(encode(decode_command_as<T>(w)).words, W(w[0] & ~res0[0], w[1] & ~res0[1]));
  });
}

// Hand-derived RES0 masks for a few layouts, from the field positions in the command figures.
TEST(CommandRes0, HandDerivedMasks) {
  // CMD_SYNC: [11:8], [21:14], [31:28]; [65:64]; [126:120].
  EXPECT_EQ(kCmdSyncRes0, W(0x00000000F03FCF00, 0x7F00000000000003));
  // CMD_TLBI_NH_VA: [11:8], [19:17], [31:26]; [70:65].
  EXPECT_EQ(kCmdTlbiNhVaRes0, W(0x00000000FC0E0F00, 0x000000000000007E));
  // CMD_TLBI_S2_IPA: as NH_VA without ASID ([63:48]) and with Address[55:12] only ([127:120]).
  EXPECT_EQ(kCmdTlbiS2IpaRes0, W(0xFFFF0000FC0E0F00, 0xFF0000000000007E));
  // CMD_TLBI_S_S2_IPA: as S2_IPA with NS at bit 65.
  EXPECT_EQ(kCmdTlbiSS2IpaRes0, W(0xFFFF0000FC0E0F00, 0xFF0000000000007C));
  // CMD_CFGI_STE: [9:8], [31:11] (SSec is bit 10); [127:65].
  EXPECT_EQ(kCmdCfgiSteRes0, W(0x00000000FFFFFB00, 0xFFFFFFFFFFFFFFFE));
  // CMD_CFGI_STE_RANGE: [9:8], [31:11]; [127:69].
  EXPECT_EQ(kCmdCfgiSteRangeRes0, W(0x00000000FFFFFB00, 0xFFFFFFFFFFFFFFE0));
  // CMD_ATC_INV: bits 8 and 10; [75:70].
  EXPECT_EQ(kCmdAtcInvRes0, W(0x0000000000000500, 0x0000000000000FC0));
  // CMD_PRI_RESP: [10:8]; [75:73], [127:78].
  EXPECT_EQ(kCmdPriRespRes0, W(0x0000000000000700, 0xFFFFFFFFFFFFCE00));
  // CMD_RESUME: [9:8], 11, [31:14]; [127:80].
  EXPECT_EQ(kCmdResumeRes0, W(0x00000000FFFFCB00, 0xFFFFFFFFFFFF0000));
  // CMD_PREFETCH_ADDR: [9:8]; 74.
  EXPECT_EQ(kCmdPrefetchAddrRes0, W(0x0000000000000300, 0x0000000000000400));
  // CMD_TLBI_NSNH_ALL: everything but the opcode.
  EXPECT_EQ(kCmdTlbiNsnhAllRes0, W(~std::uint64_t{0xFF}, ~std::uint64_t{0}));
  // CMD_DPTI_PA: [63:8]; [71:65], [127:120].
  EXPECT_EQ(kCmdDptiPaRes0, W(0xFFFFFFFFFFFFFF00, 0xFF000000000000FE));
  // CMD_DPTI_ALL: everything but the opcode.
  EXPECT_EQ(kCmdDptiAllRes0, W(~std::uint64_t{0xFF}, ~std::uint64_t{0}));
}

TEST(CommandRes0, SingleRes0BitIsDetected) {
  EXPECT_EQ(command_res0_bits(W(0x46 | 1u << 8, 0)), W(1u << 8, 0));
  EXPECT_EQ(command_res0_bits(W(0x12, 2)), W(0, 2)) << "CMD_TLBI_NH_VA bit 65";
  EXPECT_EQ(command_res0_bits(W(0x73, 3)), W(0, 2)) << "CMD_DPTI_PA: Leaf is bit 64, 65 is RES0";
  EXPECT_EQ(command_res0_bits(W(0x73 | 1u << 8, 0)), W(1u << 8, 0)) << "CMD_DPTI_PA word 0";
  EXPECT_EQ(command_res0_bits(W(0x2A, std::uint64_t{1} << 56)), W(0, std::uint64_t{1} << 56));
  EXPECT_EQ(command_res0_bits(W(0x04, 31 | 1u << 5)), W(0, 1u << 5)) << "CMD_CFGI_ALL layout";
  EXPECT_EQ(command_res0_bits(W(0x22, 0)), Words<2>{});
}

TEST(CommandRes0, UnknownOpcodesReportNothing) {
  for (unsigned op = 0; op < 256; ++op) {
    if (is_known_opcode(static_cast<std::uint8_t>(op))) continue;
    EXPECT_EQ(command_res0_bits(W(~std::uint64_t{0xFF} | op, ~0ull)), Words<2>{}) << op;
  }
}

// --- Constant expressions ----------------------------------------------------------------

constexpr Words<2> kSyncWords{{0xCAFEBABE0FC01046, 0x8000123456789ABC}};
static_assert(encode(CmdSync{.cs = SyncCs::sig_irq,
                             .msh = SyncMsh::inner_shareable,
                             .msi_attr = 0xF,
                             .msi_data = 0xCAFEBABE,
                             .msi_address = 0x0000123456789ABC,
                             .msi_ns = true})
                  .words == kSyncWords);
static_assert(decode_command_as<CmdSync>(kSyncWords).msi_address == 0x0000123456789ABC);
static_assert(encode(decode_command_as<CmdSync>(kSyncWords)).words == kSyncWords);
static_assert(encode(CmdTlbiNhVa{.num = 32}).bad_field != nullptr);
static_assert(encode(CmdCfgiAll{.ssec = true}).words == Words<2>{{0x404, 31}});
static_assert(encode(CmdDptiPa{.leaf = true, .size = DptiSize::size_2mb, .address = 0x200000})
                  .words == Words<2>{{0x73, 0x200301}});
static_assert(decode_command_as<CmdDptiPa>(Words<2>{{0x73, 0x00FFFFFFFFFFF901}}).address ==
              0x00FFFFFFFFFFF000);
static_assert(dpti_size_log2(DptiSize::size_1gb) == 30 && dpti_size_log2(DptiSize{10}) == 0);
static_assert(visit_command(Words<2>{{0x04, 31}}, [](const auto& c) {
  return std::is_same_v<std::decay_t<decltype(c)>, CmdCfgiAll>;
}));
static_assert(visit_command(Words<2>{{0x04, 30}}, [](const auto& c) {
  return std::is_same_v<std::decay_t<decltype(c)>, CmdCfgiSteRange>;
}));
static_assert(visit_command(Words<2>{{0x8C, 0}}, [](const auto& c) {
  return std::is_same_v<std::decay_t<decltype(c)>, CmdUnknown>;
}));
static_assert(command_res0_bits(Words<2>{{0x46 | 0x100, 0}}) == Words<2>{{0x100, 0}});
static_assert(command_opcode(Words<2>{{0x5A, 0}}) == Opcode::tlbi_s_s2_ipa);
static_assert(opcode_name(0x73) != nullptr && !is_known_opcode(0x72) && is_impdef_opcode(0x85));
static_assert(kCommandBytes == 8 * kCommandWords);
static_assert(noexcept(visit_command(Words<2>{}, [](const auto&) {})));
static_assert(noexcept(encode(CmdAtcInv{})) && noexcept(decode_command_as<CmdAtcInv>(Words<2>{})));
static_assert(std::is_aggregate_v<CmdTlbiSS2Ipa> && std::is_trivially_copyable_v<CmdSync>);

}  // namespace
}  // namespace smmuv3
