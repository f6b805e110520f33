// Tests for include/smmuv3/registers.hpp: the Page 0/1 register map and the field layouts of
// every register with fields (IHI 0070 G.b §6.2, §6.3).
#include <smmuv3/registers.hpp>

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace smmuv3::reg {
namespace {

// ---------------------------------------------------------------------------------------------
// Per-register description used by the generic property tests. `golden_defined` is the set of
// non-RES0 bits written down by hand from the "Reserved, RES0" lines of each §6.3 register
// description, not computed from the header.
template <class... F>
struct FieldList {};

template <class X>
struct Reg;

#define REG_TRAITS(Type, Decode, Res0Bits, Defined, Golden, Width, ...)                    \
  template <>                                                                              \
  struct Reg<Type> {                                                                       \
    static constexpr Type decode(const Words<1>& w) noexcept { return Decode(w); }         \
    static constexpr Words<1> res0_bits(const Words<1>& w) noexcept { return Res0Bits(w); } \
    static constexpr Words<1> defined = Defined;                                           \
    static constexpr std::uint64_t golden_defined = Golden;                                \
    static constexpr unsigned width = Width;                                               \
    using Fields = FieldList<__VA_ARGS__>;                                                 \
  }

REG_TRAITS(Idr0, decode_idr0, idr0_res0_bits, kIdr0Defined, 0x5FFF'FFFFull, 32,  // §6.3.1: 31, 29 RES0
           idr0::RmeImpl, idr0::StLevel, idr0::TermModel, idr0::StallModel, idr0::AtsRecErr, idr0::TtEndian,
           idr0::Vatos, idr0::Cd2l, idr0::Vmid16, idr0::Vmw, idr0::Pri, idr0::Atos, idr0::Sev, idr0::Msi,
           idr0::Asid16, idr0::Ns1Ats, idr0::Ats, idr0::Hyp, idr0::DormHint, idr0::Httu, idr0::Btm, idr0::CohAcc,
           idr0::Ttf, idr0::S1p, idr0::S2p);
REG_TRAITS(Idr1, decode_idr1, idr1_res0_bits, kIdr1Defined, 0xFFFF'FFFFull, 32,  // §6.3.2: no RES0
           idr1::Ecmdq, idr1::TablesPreset, idr1::QueuesPreset, idr1::Rel, idr1::AttrTypesOvr, idr1::AttrPermsOvr,
           idr1::Cmdqs, idr1::Eventqs, idr1::Priqs, idr1::SsidSize, idr1::SidSize);
REG_TRAITS(Idr2, decode_idr2, idr2_res0_bits, kIdr2Defined, 0x3FFull, 32, idr2::BaVatos);  // §6.3.3
REG_TRAITS(Idr3, decode_idr3, idr3_res0_bits, kIdr3Defined, 0x00FF'FFBCull, 32,  // §6.3.4: [31:24],6,[1:0]
           idr3::Aie, idr3::MtePerm, idr3::The, idr3::S2po, idr3::S2pi, idr3::S1pi, idr3::Epan, idr3::PasidTt,
           idr3::Dpt, idr3::PtwNnc, idr3::E0pd, idr3::Bbml, idr3::Ril, idr3::Stt, idr3::Fwb, idr3::Mpam, idr3::Pps,
           idr3::Xnx, idr3::Pbha, idr3::Had);
REG_TRAITS(Idr5, decode_idr5, idr5_res0_bits, kIdr5Defined, 0xFFFF'0DF7ull, 32,  // §6.3.6: [15:12],9,3
           idr5::StallMax, idr5::Vax, idr5::D128, idr5::Ds, idr5::Gran64k, idr5::Gran16k, idr5::Gran4k, idr5::Oas);
REG_TRAITS(Idr6, decode_idr6, idr6_res0_bits, kIdr6Defined, 0x0F0F'0000ull, 32,  // §6.3.45
           idr6::CmdqControlPageLog2NumP, idr6::CmdqControlPageLog2NumQ);
REG_TRAITS(Iidr, decode_iidr, iidr_res0_bits, kIidrDefined, 0xFFFF'FFFFull, 32,  // §6.3.7
           iidr::ProductId, iidr::Variant, iidr::Revision, iidr::Implementer);
REG_TRAITS(Aidr, decode_aidr, aidr_res0_bits, kAidrDefined, 0xFFull, 32, aidr::ArchMajorRev,
           aidr::ArchMinorRev);  // §6.3.8
REG_TRAITS(Cr0, decode_cr0, cr0_res0_bits, kCr0Defined, 0x5DFull, 32,  // §6.3.9: [31:11],9,5
           cr0::DptWalkEn, cr0::Vmw, cr0::AtsChk, cr0::CmdqEn, cr0::EventqEn, cr0::PriqEn, cr0::SmmuEn);
REG_TRAITS(Cr1, decode_cr1, cr1_res0_bits, kCr1Defined, 0xFFFull, 32,  // §6.3.11
           cr1::TableSh, cr1::TableOc, cr1::TableIc, cr1::QueueSh, cr1::QueueOc, cr1::QueueIc);
REG_TRAITS(Cr2, decode_cr2, cr2_res0_bits, kCr2Defined, 0xFull, 32,  // §6.3.12
           cr2::RecCfgAts, cr2::Ptm, cr2::RecInvSid, cr2::E2h);
REG_TRAITS(Statusr, decode_statusr, statusr_res0_bits, kStatusrDefined, 0x1ull, 32, statusr::Dormant);
REG_TRAITS(Gbpa, decode_gbpa, gbpa_res0_bits, kGbpaDefined, 0x801F'3F1Full, 32,  // §6.3.14: [30:21],[15:14],[7:5]
           gbpa::Update, gbpa::Abort, gbpa::InstCfg, gbpa::PrivCfg, gbpa::ShCfg, gbpa::AllocCfg, gbpa::MtCfg,
           gbpa::MemAttr);
REG_TRAITS(IrqCtrl, decode_irq_ctrl, irq_ctrl_res0_bits, kIrqCtrlDefined, 0x7ull, 32,  // §6.3.16
           irq_ctrl::EventqIrqEn, irq_ctrl::PriqIrqEn, irq_ctrl::GerrorIrqEn);
REG_TRAITS(Gerror, decode_gerror, gerror_res0_bits, kGerrorDefined, 0x7FDull, 32,  // §6.3.19: [31:11],1
           gerror::DptErr, gerror::CmdqpErr, gerror::SfmErr, gerror::MsiGerrorAbtErr, gerror::MsiPriqAbtErr,
           gerror::MsiEventqAbtErr, gerror::MsiCmdqAbtErr, gerror::PriqAbtErr, gerror::EventqAbtErr,
           gerror::CmdqErr);
REG_TRAITS(IrqCfg0, decode_irq_cfg0, irq_cfg0_res0_bits, kIrqCfg0Defined, 0x00FF'FFFF'FFFF'FFFCull, 64,
           irq_cfg0::Addr);  // §6.3.21: ADDR[55:2]
REG_TRAITS(IrqCfg1, decode_irq_cfg1, irq_cfg1_res0_bits, kIrqCfg1Defined, 0xFFFF'FFFFull, 32, irq_cfg1::Data);
REG_TRAITS(IrqCfg2, decode_irq_cfg2, irq_cfg2_res0_bits, kIrqCfg2Defined, 0x3Full, 32, irq_cfg2::Sh,
           irq_cfg2::MemAttr);  // §6.3.23
REG_TRAITS(PriqIrqCfg2, decode_priq_irq_cfg2, priq_irq_cfg2_res0_bits, kPriqIrqCfg2Defined, 0x8000'003Full, 32,
           priq_irq_cfg2::Lo, priq_irq_cfg2::Sh, priq_irq_cfg2::MemAttr);  // §6.3.36
REG_TRAITS(StrtabBase, decode_strtab_base, strtab_base_res0_bits, kStrtabBaseDefined, 0x40FF'FFFF'FFFF'FFC0ull, 64,
           strtab_base::Ra, strtab_base::Addr);  // §6.3.24
REG_TRAITS(StrtabBaseCfg, decode_strtab_base_cfg, strtab_base_cfg_res0_bits, kStrtabBaseCfgDefined, 0x3'07FFull, 32,
           strtab_base_cfg::Fmt, strtab_base_cfg::Split, strtab_base_cfg::Log2Size);  // §6.3.25
REG_TRAITS(CmdqBase, decode_cmdq_base, queue_base_res0_bits, kQueueBaseDefined, 0x40FF'FFFF'FFFF'FFFFull, 64,
           queue_base::Ra, queue_base::Addr, queue_base::Log2Size);  // §6.3.26
REG_TRAITS(EventqBase, decode_eventq_base, queue_base_res0_bits, kQueueBaseDefined, 0x40FF'FFFF'FFFF'FFFFull, 64,
           queue_base::Wa, queue_base::Addr, queue_base::Log2Size);  // §6.3.29, §6.3.33
REG_TRAITS(CmdqProd, decode_cmdq_prod, cmdq_prod_res0_bits, kCmdqProdDefined, 0xF'FFFFull, 32,
           cmdq_prod::Wr);  // §6.3.27
REG_TRAITS(CmdqCons, decode_cmdq_cons, cmdq_cons_res0_bits, kCmdqConsDefined, 0x7F0F'FFFFull, 32, cmdq_cons::Err,
           cmdq_cons::Rd);  // §6.3.28
REG_TRAITS(EventqProd, decode_eventq_prod, eventq_prod_res0_bits, kEventqProdDefined, 0x800F'FFFFull, 32,
           eventq_prod::OvFlg, eventq_prod::Wr);  // §6.3.95, §6.3.97
REG_TRAITS(EventqCons, decode_eventq_cons, eventq_cons_res0_bits, kEventqConsDefined, 0x800F'FFFFull, 32,
           eventq_cons::OvAckFlg, eventq_cons::Rd);  // §6.3.96, §6.3.98
REG_TRAITS(AtosCtrl, decode_atos_ctrl, atos_ctrl_res0_bits, kAtosCtrlDefined, 0x1ull, 32, atos_ctrl::Run);
REG_TRAITS(AtosSid, decode_atos_sid, atos_sid_res0_bits, kAtosSidDefined, 0x001F'FFFF'FFFF'FFFFull, 64,
           atos_sid::SsidValid, atos_sid::SubstreamId, atos_sid::StreamId);  // §6.3.38
REG_TRAITS(AtosAddr, decode_atos_addr, atos_addr_res0_bits, kAtosAddrDefined, 0xFFFF'FFFF'FFFF'FFC0ull, 64,
           atos_addr::Addr, atos_addr::Type, atos_addr::PnU, atos_addr::RnW, atos_addr::InD,
           atos_addr::Httui);  // §6.3.39
REG_TRAITS(AtosPar, decode_atos_par, atos_par_res0_bits, kAtosParDefined, 0xFFFF'FFFF'FFFF'FB01ull, 64,
           atos_par::Attr, atos_par::Addr, atos_par::Size, atos_par::Sh, atos_par::Fault);  // §6.3.40
REG_TRAITS(AtosParFault, decode_atos_par_fault, atos_par_fault_res0_bits, kAtosParFaultDefined,
           0xF0FF'FFFF'FFFF'FFF7ull, 64, atos_par::ImpDef, atos_par::FAddr, atos_par::FaultCode, atos_par::Reason,
           atos_par::Fault);  // §6.3.40, FAULT == 1
REG_TRAITS(VatosSel, decode_vatos_sel, vatos_sel_res0_bits, kVatosSelDefined, 0xFFFFull, 32, vatos_sel::Vmid);
REG_TRAITS(S2pii, decode_s2pii, s2pii_res0_bits, kS2piiDefined, ~0ull, 64,  // §6.3.17
           s2pii::S2pii<15>, s2pii::S2pii<14>, s2pii::S2pii<13>, s2pii::S2pii<12>, s2pii::S2pii<11>,
           s2pii::S2pii<10>, s2pii::S2pii<9>, s2pii::S2pii<8>, s2pii::S2pii<7>, s2pii::S2pii<6>, s2pii::S2pii<5>,
           s2pii::S2pii<4>, s2pii::S2pii<3>, s2pii::S2pii<2>, s2pii::S2pii<1>, s2pii::S2pii<0>);
REG_TRAITS(Mpamidr, decode_mpamidr, mpamidr_res0_bits, kMpamidrDefined, 0xFF'FFFFull, 32, mpamidr::PmgMax,
           mpamidr::PartIdMax);
REG_TRAITS(Gmpam, decode_gmpam, gmpam_res0_bits, kGmpamDefined, 0x80FF'FFFFull, 32, gmpam::Update, gmpam::SoPmg,
           gmpam::SoPartId);
REG_TRAITS(Gbpmpam, decode_gbpmpam, gbpmpam_res0_bits, kGbpmpamDefined, 0x80FF'FFFFull, 32, gbpmpam::Update,
           gbpmpam::GbpPmg, gbpmpam::GbpPartId);
REG_TRAITS(DptBase, decode_dpt_base, dpt_base_res0_bits, kDptBaseDefined, 0x40FF'FFFF'FFFF'F000ull, 64,
           dpt_base::Ra, dpt_base::BAddr);  // §6.3.46
REG_TRAITS(DptBaseCfg, decode_dpt_base_cfg, dpt_base_cfg_res0_bits, kDptBaseCfgDefined, 0xF0'C007ull, 32,
           dpt_base_cfg::L0DptSz, dpt_base_cfg::DptGs, dpt_base_cfg::DptPs);  // §6.3.47
REG_TRAITS(DptCfgFar, decode_dpt_cfg_far, dpt_cfg_far_res0_bits, kDptCfgFarDefined, 0x00FF'FFFF'FFFF'F0F3ull, 64,
           dpt_cfg_far::FAddr, dpt_cfg_far::DptFaultCode, dpt_cfg_far::Level, dpt_cfg_far::Fault);  // §6.3.48
REG_TRAITS(CmdqControlPageBase, decode_cmdq_control_page_base, cmdq_control_page_base_res0_bits,
           kCmdqControlPageBaseDefined, 0x00FF'FFFF'FFFF'0007ull, 64, cmdq_control_page_base::Addr,
           cmdq_control_page_base::CmdqGs, cmdq_control_page_base::CmdqControlPagePreset);  // §6.3.49
REG_TRAITS(CmdqControlPageCfg, decode_cmdq_control_page_cfg, cmdq_control_page_cfg_res0_bits,
           kCmdqControlPageCfgDefined, 0x1ull, 32, cmdq_control_page_cfg::En);
REG_TRAITS(CmdqControlPageStatus, decode_cmdq_control_page_status, cmdq_control_page_status_res0_bits,
           kCmdqControlPageStatusDefined, 0x1ull, 32, cmdq_control_page_status::EnAck);

#undef REG_TRAITS

// The largest value a field's get() returns (Bits: max; Addr: the address mask).
template <class F>
constexpr std::uint64_t top(F* = nullptr) {
  if constexpr (requires { F::addr_mask; })
    return F::addr_mask;
  else
    return F::max;
}

template <class X>
std::vector<std::pair<std::string, std::uint64_t>> fields_of(const X& x) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for_each_field(x, [&](const char* name, std::uint64_t v) { out.emplace_back(name, v); });
  return out;
}

template <class X>
class RegisterLayout : public ::testing::Test {};

using RegisterTypes =
    ::testing::Types<Idr0, Idr1, Idr2, Idr3, Idr5, Idr6, Iidr, Aidr, Cr0, Cr1, Cr2, Statusr, Gbpa, IrqCtrl, Gerror,
                     IrqCfg0, IrqCfg1, IrqCfg2, PriqIrqCfg2, StrtabBase, StrtabBaseCfg, CmdqBase, EventqBase, CmdqProd,
                     CmdqCons, EventqProd, EventqCons, AtosCtrl, AtosSid, AtosAddr, AtosPar, AtosParFault, VatosSel,
                     S2pii, Mpamidr, Gmpam, Gbpmpam, DptBase, DptBaseCfg, DptCfgFar, CmdqControlPageBase,
                     CmdqControlPageCfg, CmdqControlPageStatus>;
TYPED_TEST_SUITE(RegisterLayout, RegisterTypes);

// The defined bits are exactly the hand-derived ones, the fields do not overlap, a 32-bit
// register has nothing above bit 31, and RES0 is the complement.
template <class... F>
void expect_masks(FieldList<F...>, std::uint64_t golden, unsigned width, const Words<1>& defined) {
  EXPECT_EQ(defined[0], golden);
  EXPECT_EQ((0 + ... + std::popcount(F::mask)), std::popcount(golden)) << "fields overlap";
  EXPECT_EQ((0ull | ... | F::mask), golden);
  if (width == 32) {
    EXPECT_EQ(golden >> 32, 0u);
  }
}

TYPED_TEST(RegisterLayout, DefinedBitsMatchTheSpec) {
  using R = Reg<TypeParam>;
  expect_masks(typename R::Fields{}, R::golden_defined, R::width, R::defined);
}

// for_each_field lists every field once, under distinct names, in the order of the Fields list
// above, which runs from the top bit down as the spec describes the fields.
template <class... F>
std::vector<std::uint64_t> field_masks(FieldList<F...>) {
  return {F::mask...};
}

TYPED_TEST(RegisterLayout, ForEachFieldListsEveryFieldOnceFromTheTopBitDown) {
  using R = Reg<TypeParam>;
  const auto listed = fields_of(R::decode(reg_words(~0ull)));
  const auto masks = field_masks(typename R::Fields{});
  ASSERT_EQ(listed.size(), masks.size());
  std::set<std::string> names;
  for (const auto& [name, value] : listed) {
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << "duplicate field name " << name;
    EXPECT_NE(value, 0u) << name << " does not read back from an all-ones register";
  }
  for (std::size_t i = 1; i < masks.size(); ++i) EXPECT_GT(masks[i - 1], masks[i]) << "field order";
}

// Each field alone at its largest and at distinctive values: decode sees exactly that field
// (for_each_field reports it, at its position in the list, and nothing else), and encode gives
// back the same register.
template <class X, class Field>
void expect_single_field(std::uint64_t value, std::size_t position) {
  using R = Reg<X>;
  SCOPED_TRACE(::testing::Message() << "field #" << position << " = 0x" << std::hex << value);
  Words<1> w{};
  ASSERT_TRUE(Field::set(w, value));
  const X x = R::decode(w);
  const Encoded<1> e = encode(x);
  ASSERT_TRUE(e.ok()) << e.bad_field;
  EXPECT_EQ(e.words, w);
  const auto listed = fields_of(x);
  ASSERT_LT(position, listed.size());
  for (std::size_t i = 0; i < listed.size(); ++i)
    EXPECT_EQ(listed[i].second, i == position ? value : 0u) << listed[i].first;
  EXPECT_FALSE(any(R::res0_bits(w)));
}

template <class X, class... F>
void expect_each_field(FieldList<F...>) {
  for (const std::uint64_t pattern : {~0ull, 0xA5A5'A5A5'A5A5'A5A5ull, 0x5A5A'5A5A'5A5A'5A5Aull}) {
    std::size_t position = 0;
    (expect_single_field<X, F>(pattern & top<F>(), position++), ...);
  }
}

TYPED_TEST(RegisterLayout, EveryFieldRoundTripsAloneWithoutTouchingOthers) {
  expect_each_field<TypeParam>(typename Reg<TypeParam>::Fields{});
}

// decode ignores RES0 bits; res0_bits reports exactly them; re-encoding drops them.
TYPED_TEST(RegisterLayout, Res0BitsAreReportedAndIgnored) {
  using R = Reg<TypeParam>;
  const Words<1> all = reg_words(~0ull);
  EXPECT_EQ(R::res0_bits(all)[0], ~R::golden_defined);
  EXPECT_FALSE(any(R::res0_bits(R::defined)));
  const Encoded<1> e = encode(R::decode(all));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.words[0], R::golden_defined);
  EXPECT_EQ(R::decode(all), R::decode(R::defined));
  if (R::golden_defined != ~0ull) {
    const std::uint64_t res0 = ~R::golden_defined;
    const std::uint64_t lowest_res0 = res0 & (~res0 + 1);
    EXPECT_EQ(R::res0_bits(reg_words(lowest_res0))[0], lowest_res0);
    EXPECT_EQ(R::decode(reg_words(lowest_res0)), TypeParam{});
  }
}

// A default struct encodes to zero and zero decodes to a default struct.
TYPED_TEST(RegisterLayout, ZeroIsTheDefault) {
  using R = Reg<TypeParam>;
  EXPECT_EQ(R::decode(Words<1>{}), TypeParam{});
  const Encoded<1> e = encode(TypeParam{});
  EXPECT_TRUE(e.ok());
  EXPECT_EQ(e.words[0], 0u);
}

// ---------------------------------------------------------------------------------------------
// Every field by spec name and position, typed in from the §6.3 field descriptions (not taken
// from the header): setting exactly bits [hi:lo] must make for_each_field report that name, and
// only that name. Address fields report the byte address, which for every register address
// field is the register bits in place.
struct SpecField {
  const char* name;
  unsigned hi;
  unsigned lo;
  bool address = false;
};

std::vector<SpecField> spec_of(const Idr0*) {  // §6.3.1
  return {{"RME_IMPL", 30, 30}, {"ST_LEVEL", 28, 27}, {"TERM_MODEL", 26, 26}, {"STALL_MODEL", 25, 24},
          {"ATSRECERR", 23, 23}, {"TTENDIAN", 22, 21},  {"VATOS", 20, 20},     {"CD2L", 19, 19},
          {"VMID16", 18, 18},    {"VMW", 17, 17},       {"PRI", 16, 16},       {"ATOS", 15, 15},
          {"SEV", 14, 14},       {"MSI", 13, 13},       {"ASID16", 12, 12},    {"NS1ATS", 11, 11},
          {"ATS", 10, 10},       {"Hyp", 9, 9},         {"DORMHINT", 8, 8},    {"HTTU", 7, 6},
          {"BTM", 5, 5},         {"COHACC", 4, 4},      {"TTF", 3, 2},         {"S1P", 1, 1},
          {"S2P", 0, 0}};
}
std::vector<SpecField> spec_of(const Idr1*) {  // §6.3.2
  return {{"ECMDQ", 31, 31},         {"TABLES_PRESET", 30, 30}, {"QUEUES_PRESET", 29, 29}, {"REL", 28, 28},
          {"ATTR_TYPES_OVR", 27, 27}, {"ATTR_PERMS_OVR", 26, 26}, {"CMDQS", 25, 21},        {"EVENTQS", 20, 16},
          {"PRIQS", 15, 11},          {"SSIDSIZE", 10, 6},        {"SIDSIZE", 5, 0}};
}
std::vector<SpecField> spec_of(const Idr2*) { return {{"BA_VATOS", 9, 0}}; }  // §6.3.3
std::vector<SpecField> spec_of(const Idr3*) {                                  // §6.3.4
  return {{"AIE", 23, 23},  {"MTEPERM", 22, 22}, {"THE", 21, 21},  {"S2PO", 20, 20},   {"S2PI", 19, 19},
          {"S1PI", 18, 18}, {"EPAN", 17, 17},    {"PASIDTT", 16, 16}, {"DPT", 15, 15},  {"PTWNNC", 14, 14},
          {"E0PD", 13, 13}, {"BBML", 12, 11},    {"RIL", 10, 10},  {"STT", 9, 9},      {"FWB", 8, 8},
          {"MPAM", 7, 7},   {"PPS", 5, 5},       {"XNX", 4, 4},    {"PBHA", 3, 3},     {"HAD", 2, 2}};
}
std::vector<SpecField> spec_of(const Idr5*) {  // §6.3.6
  return {{"STALL_MAX", 31, 16}, {"VAX", 11, 10},    {"D128", 8, 8},   {"DS", 7, 7},
          {"GRAN64K", 6, 6},     {"GRAN16K", 5, 5}, {"GRAN4K", 4, 4}, {"OAS", 2, 0}};
}
std::vector<SpecField> spec_of(const Idr6*) {  // §6.3.45
  return {{"CMDQ_CONTROL_PAGE_LOG2NUMP", 27, 24}, {"CMDQ_CONTROL_PAGE_LOG2NUMQ", 19, 16}};
}
std::vector<SpecField> spec_of(const Iidr*) {  // §6.3.7
  return {{"ProductID", 31, 20}, {"Variant", 19, 16}, {"Revision", 15, 12}, {"Implementer", 11, 0}};
}
std::vector<SpecField> spec_of(const Aidr*) { return {{"ArchMajorRev", 7, 4}, {"ArchMinorRev", 3, 0}}; }  // §6.3.8
std::vector<SpecField> spec_of(const Cr0*) {  // §6.3.9
  return {{"DPT_WALK_EN", 10, 10}, {"VMW", 8, 6},      {"ATSCHK", 4, 4}, {"CMDQEN", 3, 3},
          {"EVENTQEN", 2, 2},      {"PRIQEN", 1, 1}, {"SMMUEN", 0, 0}};
}
std::vector<SpecField> spec_of(const Cr1*) {  // §6.3.11
  return {{"TABLE_SH", 11, 10}, {"TABLE_OC", 9, 8}, {"TABLE_IC", 7, 6},
          {"QUEUE_SH", 5, 4},   {"QUEUE_OC", 3, 2}, {"QUEUE_IC", 1, 0}};
}
std::vector<SpecField> spec_of(const Cr2*) {  // §6.3.12
  return {{"REC_CFG_ATS", 3, 3}, {"PTM", 2, 2}, {"RECINVSID", 1, 1}, {"E2H", 0, 0}};
}
std::vector<SpecField> spec_of(const Statusr*) { return {{"DORMANT", 0, 0}}; }  // §6.3.13
std::vector<SpecField> spec_of(const Gbpa*) {                                     // §6.3.14
  return {{"Update", 31, 31}, {"ABORT", 20, 20},   {"INSTCFG", 19, 18}, {"PRIVCFG", 17, 16},
          {"SHCFG", 13, 12},  {"ALLOCCFG", 11, 8}, {"MTCFG", 4, 4},     {"MemAttr", 3, 0}};
}
std::vector<SpecField> spec_of(const IrqCtrl*) {  // §6.3.16
  return {{"EVENTQ_IRQEN", 2, 2}, {"PRIQ_IRQEN", 1, 1}, {"GERROR_IRQEN", 0, 0}};
}
std::vector<SpecField> spec_of(const Gerror*) {  // §6.3.19
  return {{"DPT_ERR", 10, 10},          {"CMDQP_ERR", 9, 9},        {"SFM_ERR", 8, 8},
          {"MSI_GERROR_ABT_ERR", 7, 7}, {"MSI_PRIQ_ABT_ERR", 6, 6}, {"MSI_EVENTQ_ABT_ERR", 5, 5},
          {"MSI_CMDQ_ABT_ERR", 4, 4},   {"PRIQ_ABT_ERR", 3, 3},     {"EVENTQ_ABT_ERR", 2, 2},
          {"CMDQ_ERR", 0, 0}};
}
std::vector<SpecField> spec_of(const IrqCfg0*) { return {{"ADDR", 55, 2, true}}; }  // §6.3.21
std::vector<SpecField> spec_of(const IrqCfg1*) { return {{"DATA", 31, 0}}; }        // §6.3.22
std::vector<SpecField> spec_of(const IrqCfg2*) { return {{"SH", 5, 4}, {"MemAttr", 3, 0}}; }  // §6.3.23
std::vector<SpecField> spec_of(const PriqIrqCfg2*) {                                          // §6.3.36
  return {{"LO", 31, 31}, {"SH", 5, 4}, {"MemAttr", 3, 0}};
}
std::vector<SpecField> spec_of(const StrtabBase*) { return {{"RA", 62, 62}, {"ADDR", 55, 6, true}}; }  // §6.3.24
std::vector<SpecField> spec_of(const StrtabBaseCfg*) {                                               // §6.3.25
  return {{"FMT", 17, 16}, {"SPLIT", 10, 6}, {"LOG2SIZE", 5, 0}};
}
std::vector<SpecField> spec_of(const CmdqBase*) {  // §6.3.26
  return {{"RA", 62, 62}, {"ADDR", 55, 5, true}, {"LOG2SIZE", 4, 0}};
}
std::vector<SpecField> spec_of(const EventqBase*) {  // §6.3.29, §6.3.33
  return {{"WA", 62, 62}, {"ADDR", 55, 5, true}, {"LOG2SIZE", 4, 0}};
}
std::vector<SpecField> spec_of(const CmdqProd*) { return {{"WR", 19, 0}}; }                  // §6.3.27
std::vector<SpecField> spec_of(const CmdqCons*) { return {{"ERR", 30, 24}, {"RD", 19, 0}}; }  // §6.3.28
std::vector<SpecField> spec_of(const EventqProd*) { return {{"OVFLG", 31, 31}, {"WR", 19, 0}}; }  // §6.3.95
std::vector<SpecField> spec_of(const EventqCons*) { return {{"OVACKFLG", 31, 31}, {"RD", 19, 0}}; }  // §6.3.96
std::vector<SpecField> spec_of(const AtosCtrl*) { return {{"RUN", 0, 0}}; }  // §6.3.37
std::vector<SpecField> spec_of(const AtosSid*) {                             // §6.3.38
  return {{"SSID_VALID", 52, 52}, {"SUBSTREAMID", 51, 32}, {"STREAMID", 31, 0}};
}
std::vector<SpecField> spec_of(const AtosAddr*) {  // §6.3.39
  return {{"ADDR", 63, 12, true}, {"TYPE", 11, 10}, {"PnU", 9, 9}, {"RnW", 8, 8}, {"InD", 7, 7}, {"HTTUI", 6, 6}};
}
std::vector<SpecField> spec_of(const AtosPar*) {  // §6.3.40, FAULT == 0
  return {{"ATTR", 63, 56}, {"ADDR", 55, 12, true}, {"Size", 11, 11}, {"SH", 9, 8}, {"FAULT", 0, 0}};
}
std::vector<SpecField> spec_of(const AtosParFault*) {  // §6.3.40, FAULT == 1
  return {{"IMPLEMENTATION DEFINED", 63, 60},
          {"FADDR", 55, 12, true},
          {"FAULTCODE", 11, 4},
          {"REASON", 2, 1},
          {"FAULT", 0, 0}};
}
std::vector<SpecField> spec_of(const VatosSel*) { return {{"VMID", 15, 0}}; }  // §6.3.44
std::vector<SpecField> spec_of(const S2pii*) {                                 // §6.3.17
  return {{"S2PII15", 63, 60}, {"S2PII14", 59, 56}, {"S2PII13", 55, 52}, {"S2PII12", 51, 48},
          {"S2PII11", 47, 44}, {"S2PII10", 43, 40}, {"S2PII9", 39, 36},  {"S2PII8", 35, 32},
          {"S2PII7", 31, 28},  {"S2PII6", 27, 24},  {"S2PII5", 23, 20},  {"S2PII4", 19, 16},
          {"S2PII3", 15, 12},  {"S2PII2", 11, 8},   {"S2PII1", 7, 4},    {"S2PII0", 3, 0}};
}
std::vector<SpecField> spec_of(const Mpamidr*) { return {{"PMG_MAX", 23, 16}, {"PARTID_MAX", 15, 0}}; }  // §6.3.41
std::vector<SpecField> spec_of(const Gmpam*) {                                                        // §6.3.42
  return {{"Update", 31, 31}, {"SO_PMG", 23, 16}, {"SO_PARTID", 15, 0}};
}
std::vector<SpecField> spec_of(const Gbpmpam*) {  // §6.3.43
  return {{"Update", 31, 31}, {"GBP_PMG", 23, 16}, {"GBP_PARTID", 15, 0}};
}
std::vector<SpecField> spec_of(const DptBase*) { return {{"RA", 62, 62}, {"BADDR", 55, 12, true}}; }  // §6.3.46
std::vector<SpecField> spec_of(const DptBaseCfg*) {                                                 // §6.3.47
  return {{"L0DPTSZ", 23, 20}, {"DPTGS", 15, 14}, {"DPTPS", 2, 0}};
}
std::vector<SpecField> spec_of(const DptCfgFar*) {  // §6.3.48
  return {{"FADDR", 55, 12, true}, {"DPT_FAULTCODE", 7, 4}, {"LEVEL", 1, 1}, {"FAULT", 0, 0}};
}
std::vector<SpecField> spec_of(const CmdqControlPageBase*) {  // §6.3.49
  return {{"ADDR", 55, 16, true}, {"CMDQGS", 2, 1}, {"CMDQ_CONTROL_PAGE_PRESET", 0, 0}};
}
std::vector<SpecField> spec_of(const CmdqControlPageCfg*) { return {{"EN", 0, 0}}; }          // §6.3.50
std::vector<SpecField> spec_of(const CmdqControlPageStatus*) { return {{"ENACK", 0, 0}}; }    // §6.3.51

constexpr std::uint64_t ones(unsigned hi, unsigned lo) {
  const std::uint64_t upto_hi = hi == 63 ? ~0ull : (1ull << (hi + 1)) - 1;
  return upto_hi & ~((1ull << lo) - 1);
}

TYPED_TEST(RegisterLayout, EveryFieldIsWhereTheSpecSaysUnderItsSpecName) {
  using R = Reg<TypeParam>;
  const std::vector<SpecField> spec = spec_of(static_cast<const TypeParam*>(nullptr));
  const auto listed = fields_of(TypeParam{});
  ASSERT_EQ(listed.size(), spec.size());
  std::uint64_t all = 0;
  for (std::size_t i = 0; i < spec.size(); ++i) {
    const SpecField& f = spec[i];
    SCOPED_TRACE(f.name);
    EXPECT_EQ(listed[i].first, f.name) << "name / spec order";
    const std::uint64_t bits = ones(f.hi, f.lo);
    all |= bits;
    const auto got = fields_of(R::decode(reg_words(bits)));
    for (std::size_t j = 0; j < got.size(); ++j)
      EXPECT_EQ(got[j].second, j == i ? (f.address ? bits : bits >> f.lo) : 0u) << got[j].first;
    const Encoded<1> e = encode(R::decode(reg_words(bits)));
    EXPECT_EQ(e.words[0], bits);
  }
  EXPECT_EQ(all, R::golden_defined);
}

// ---------------------------------------------------------------------------------------------
// Golden vectors: values hand-derived from the §6.3 bit positions, several of them what the
// Linux driver (arm-smmu-v3.c/.h) writes.

TEST(RegisterGolden, Cr1AsLinuxProgramsIt) {
  // Linux arm_smmu_device_reset(): TABLE_SH/QUEUE_SH = ARM_SMMU_SH_ISH (3), *_OC/*_IC =
  // CR1_CACHE_WB (1). CR1[11:10]=3, [9:8]=1, [7:6]=1, [5:4]=3, [3:2]=1, [1:0]=1.
  const Cr1 cr1{Shareability::inner_shareable, Cacheability::write_back, Cacheability::write_back,
                Shareability::inner_shareable, Cacheability::write_back, Cacheability::write_back};
  const Encoded<1> e = encode(cr1);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.words[0], 0xD75u);
  EXPECT_EQ(decode_cr1(reg_words(0xD75)), cr1);
}

TEST(RegisterGolden, Cr2AndCr0AsLinuxProgramsThem) {
  // CR2_PTM (1 << 2) | CR2_RECINVSID (1 << 1), plus CR2_E2H (1 << 0) under VHE.
  EXPECT_EQ(encode(Cr2{.ptm = true, .recinvsid = true}).words[0], 0x6u);
  EXPECT_EQ(encode(Cr2{.ptm = true, .recinvsid = true, .e2h = true}).words[0], 0x7u);
  // Enabling everything: ATSCHK (1 << 4) | CMDQEN (1 << 3) | EVTQEN (1 << 2) | PRIQEN (1 << 1) |
  // SMMUEN (1 << 0).
  const Cr0 on{.atschk = true, .cmdqen = true, .eventqen = true, .priqen = true, .smmuen = true};
  EXPECT_EQ(encode(on).words[0], 0x1Fu);
  // VMW [8:6] = 4 and DPT_WALK_EN [10] (not in Linux): 0x100 | 0x400.
  EXPECT_EQ(encode(Cr0{.dpt_walk_en = true, .vmw = 4}).words[0], 0x500u);
  EXPECT_EQ(decode_cr0(reg_words(0x500)).vmw, 4u);
}

TEST(RegisterGolden, StreamTableRegisters) {
  // 2-level table: FMT [17:16] = 1, SPLIT [10:6] = 8 (Linux STRTAB_SPLIT), LOG2SIZE [5:0] = 20.
  const StrtabBaseCfg cfg{StrtabFmt::two_level, 8, 20};
  EXPECT_EQ(encode(cfg).words[0], 0x1'0214u);
  EXPECT_EQ(decode_strtab_base_cfg(reg_words(0x1'0214)), cfg);
  // STRTAB_BASE_RA (1 << 62) | ADDR[55:6].
  const StrtabBase base{true, 0x0080'1234'5640};
  EXPECT_EQ(encode(base).words[0], 0x4000'0080'1234'5640u);
  // G.b's ADDR reaches bit 55 (Linux's mask stops at 51).
  EXPECT_TRUE(encode(StrtabBase{false, 0x00F0'0000'0000'0000}).ok());
}

TEST(RegisterGolden, QueueBaseAsLinuxProgramsIt) {
  // Q_BASE_RWA (1 << 62) | ADDR[55:5] | LOG2SIZE[4:0].
  const CmdqBase cmdq{true, 0x8'1234'0000, 10};
  EXPECT_EQ(encode(cmdq).words[0], 0x4000'0008'1234'000Au);
  EXPECT_EQ(decode_cmdq_base(reg_words(0x4000'0008'1234'000A)), cmdq);
  // The same bits are EVENTQ/PRIQ_BASE.WA.
  const EventqBase evtq = decode_eventq_base(reg_words(0x4000'0008'1234'000A));
  EXPECT_TRUE(evtq.wa);
  EXPECT_EQ(evtq.addr, 0x8'1234'0000u);
  EXPECT_EQ(evtq.log2size, 10u);
  EXPECT_EQ(decode_priq_base(reg_words(0x13)).log2size, 19u);
}

TEST(RegisterGolden, IdentificationRegisters) {
  // IDR0 with S1P, TTF=VMSAv8-64, COHACC, ASID16, TTENDIAN=LE, STALL_MODEL=terminate only,
  // TERM_MODEL, ST_LEVEL=2-level: bits 1, [3:2]=2, 4, 12, [22:21]=2, [25:24]=1, 26, [28:27]=1.
  const Idr0 idr0{.st_level = StLevel::two_level, .term_model = true, .stall_model = StallModel::terminate_only,
                  .tt_endian = TtEndian::little, .asid16 = true, .cohacc = true, .ttf = Ttf::vmsav8_64,
                  .s1p = true};
  EXPECT_EQ(encode(idr0).words[0], 0x0D40'101Au);
  EXPECT_EQ(decode_idr0(reg_words(0x0D40'101A)), idr0);
  // IDR0.VMW [17], ATS [10], PRI [16] (Linux IDR0_PRI (1 << 16), IDR0_ATS (1 << 10)).
  const Idr0 bits = decode_idr0(reg_words((1u << 17) | (1u << 16) | (1u << 10)));
  EXPECT_TRUE(bits.vmw && bits.pri && bits.ats);
  // IDR1: CMDQS [25:21] = 19, EVENTQS [20:16] = 19, SIDSIZE [5:0] = 16.
  EXPECT_EQ(encode(Idr1{.cmdqs = 19, .eventqs = 19, .sidsize = 16}).words[0], 0x0273'0010u);
  // IDR5: OAS 44 bits (0b100), GRAN4K/16K/64K [6:4].
  const Idr5 idr5 = decode_idr5(reg_words(0x74));
  EXPECT_EQ(idr5.oas, Oas::pa44);
  EXPECT_EQ(oas_bits(idr5.oas), 44u);
  EXPECT_TRUE(idr5.gran4k && idr5.gran16k && idr5.gran64k);
  EXPECT_EQ(oas_bits(Oas::pa56), 56u);
  EXPECT_EQ(oas_bits(static_cast<Oas>(9)), 0u);
  EXPECT_EQ(vax_bits(decode_idr5(reg_words(1u << 10)).vax), 52u);
  EXPECT_EQ(vax_bits(static_cast<Vax>(3)), 0u);
  // IIDR of an Arm implementation: Implementer [11:0] = 0x43B.
  const Iidr iidr{.product_id = 0x483, .variant = 0, .revision = 1, .implementer = kIidrImplementerArm};
  EXPECT_EQ(encode(iidr).words[0], 0x4830'143Bu);
  // AIDR of an SMMUv3.2.
  EXPECT_EQ(decode_aidr(reg_words(0x02)).arch_minor_rev, ArchMinorRev::smmuv3_2);
  // IDR3: RIL [10], FWB [8], BBML [12:11] = 2.
  const Idr3 idr3 = decode_idr3(reg_words((2u << 11) | (1u << 10) | (1u << 8)));
  EXPECT_EQ(idr3.bbml, Bbml::level2);
  EXPECT_TRUE(idr3.ril && idr3.fwb);
  EXPECT_FALSE(idr3.stt);
}

TEST(RegisterGolden, BypassAndInterruptRegisters) {
  // GBPA write that aborts all traffic: Update [31] | ABORT [20] (Linux GBPA_UPDATE | GBPA_ABORT).
  EXPECT_EQ(encode(Gbpa{.update = true, .abort = true}).words[0], 0x8010'0000u);
  // SHCFG [13:12] = use incoming (1), INSTCFG [19:18] = instruction (3), ALLOCCFG [11:8] = 0b1110.
  const Gbpa g{.instcfg = InstCfg::instruction, .shcfg = ShCfg::use_incoming, .alloccfg = 0xE};
  EXPECT_EQ(encode(g).words[0], 0x000C'1E00u);
  // MSI config as Linux writes it: CFG2 = ARM_SMMU_MEMATTR_DEVICE_nGnRE (1); CFG0 = address.
  EXPECT_EQ(encode(IrqCfg2{Shareability::non_shareable, 0x1}).words[0], 0x1u);
  EXPECT_EQ(encode(IrqCfg2{Shareability::inner_shareable, 0xF}).words[0], 0x3Fu);
  EXPECT_EQ(encode(IrqCfg0{0x0800'0040}).words[0], 0x0800'0040u);
  EXPECT_EQ(encode(PriqIrqCfg2{.lo = true}).words[0], 0x8000'0000u);
  // GERROR: CMDQ_ERR [0], EVENTQ_ABT_ERR [2], SFM_ERR [8] (Linux GERROR_SFM_ERR (1 << 8)).
  const Gerror ge = decode_gerror(reg_words(0x105));
  EXPECT_TRUE(ge.cmdq_err && ge.eventq_abt_err && ge.sfm_err);
  EXPECT_FALSE(ge.priq_abt_err);
  // An error is active where GERROR and GERRORN differ; RES0 bit 1 never counts.
  EXPECT_EQ(active_gerrors(0x105, 0x001), 0x104u);
  EXPECT_EQ(active_gerrors(0x105, 0x105), 0u);
  EXPECT_EQ(active_gerrors(0xFFFF'FFFF, 0), 0x7FDu);
  EXPECT_EQ(encode(IrqCtrl{.eventq_irqen = true, .gerror_irqen = true}).words[0], 0x5u);
}

TEST(RegisterGolden, QueueIndexRegisters) {
  // CMDQ_CONS: ERR [30:24] = CERROR_ILL (1), RD = 0x85.
  const CmdqCons cons{CmdqError::cerror_ill, 0x85};
  EXPECT_EQ(encode(cons).words[0], 0x0100'0085u);
  EXPECT_EQ(decode_cmdq_cons(reg_words(0x0300'0002)).err, CmdqError::cerror_atc_inv_sync);
  // EVENTQ_PROD: OVFLG [31], WR = 0x1F.
  EXPECT_EQ(encode(EventqProd{true, 0x1F}).words[0], 0x8000'001Fu);
  EXPECT_EQ(decode_priq_cons(reg_words(0x8000'0003)), (PriqCons{true, 3}));
  EXPECT_EQ(decode_priq_prod(reg_words(0x0000'0007)), (PriqProd{false, 7}));
  // Overflow outstanding while PROD.OVFLG != CONS.OVACKFLG (§7.4).
  EXPECT_TRUE(queue_overflow_outstanding(0x8000'0001, 0x0000'0001));
  EXPECT_FALSE(queue_overflow_outstanding(0x8000'0001, 0x8000'0000));
  EXPECT_FALSE(queue_overflow_outstanding(0x0000'0001, 0x0000'0000));
}

TEST(RegisterGolden, AtosRegisters) {
  // GATOS_ADDR: ADDR[63:12], TYPE [11:10] = stage 1 and 2, PnU [9], RnW [8].
  const AtosAddr a{.addr = 0x1234'5000, .type = AtosType::stage1_and_stage2, .pnu = true, .rnw = true};
  EXPECT_EQ(encode(a).words[0], 0x1234'5F00u);
  // GATOS_SID: SSID_VALID [52], SUBSTREAMID [51:32], STREAMID [31:0].
  EXPECT_EQ(encode(AtosSid{true, 0xF'FFFF, 0x1234}).words[0], 0x001F'FFFF'0000'1234u);
  // GATOS_PAR result: ATTR [63:56] = 0xFF, ADDR = 0x8'0000'0000, SH [9:8] = inner.
  const std::uint64_t ok_par = 0xFF00'0008'0000'0300;
  EXPECT_FALSE(atos_par_is_fault(ok_par));
  const AtosPar par = decode_atos_par(reg_words(ok_par));
  EXPECT_EQ(par.attr, 0xFFu);
  EXPECT_EQ(par.addr, 0x8'0000'0000u);
  EXPECT_EQ(par.sh, Shareability::inner_shareable);
  // GATOS_PAR fault: FAULTCODE [11:4] = F_TRANSLATION (0x10), REASON [2:1] = TT, FAULT.
  const AtosParFault f{.faultcode = 0x10, .reason = AtosReason::tt, .fault = true};
  EXPECT_EQ(encode(f).words[0], 0x105u);
  EXPECT_TRUE(atos_par_is_fault(0x105));
  EXPECT_EQ(decode_atos_par_fault(reg_words(0xFF1)).faultcode, kAtosFaultInvReq);
  EXPECT_EQ(encode(VatosSel{0xBEEF}).words[0], 0xBEEFu);
}

TEST(RegisterGolden, OptionalFeatureRegisters) {
  // S2PII<p> at [4p+3:4p]: S2PII<p> = p for every p.
  S2pii pii;
  for (unsigned p = 0; p < 16; ++p) pii.s2pii[p] = static_cast<S2Perm>(p);
  const Encoded<1> e = encode(pii);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.words[0], 0xFEDC'BA98'7654'3210u);
  EXPECT_EQ(decode_s2pii(e.words), pii);
  EXPECT_EQ(decode_s2pii(reg_words(0xC0)).s2pii[1], S2Perm::rw);
  // MPAM.
  EXPECT_EQ(encode(Gmpam{true, 0x12, 0x3456}).words[0], 0x8012'3456u);
  EXPECT_EQ(encode(Mpamidr{0x0F, 0x0034}).words[0], 0x000F'0034u);
  // DPT: L0DPTSZ [23:20] = 9 (512GB), DPTGS [15:14] = 64KB, DPTPS [2:0] = 48 bits.
  EXPECT_EQ(encode(DptBaseCfg{9, DptGs::granule_64k, DptPs::pa48}).words[0], 0x0090'4005u);
  EXPECT_EQ(encode(DptCfgFar{0x1000, DptFaultCode::dpt_walk_fault, true, true}).words[0], 0x1013u);
  // Command queue control page 0 at offset 0x30000 from Page 0, 64KB granule, preset.
  EXPECT_EQ(encode(CmdqControlPageBase{0x3'0000, 1, true}).words[0], 0x3'0003u);
}

// ---------------------------------------------------------------------------------------------
// Fields that do not fit are reported by their spec name, the first one in spec order.

TEST(RegisterEncode, ReportsTheFieldThatDoesNotFit) {
  EXPECT_STREQ(encode(Idr1{.cmdqs = 32}).bad_field, "CMDQS");
  EXPECT_STREQ(encode(Idr1{.sidsize = 64}).bad_field, "SIDSIZE");
  EXPECT_STREQ(encode(Cr0{.vmw = 8}).bad_field, "VMW");
  EXPECT_STREQ(encode(Cr1{.table_sh = static_cast<Shareability>(4)}).bad_field, "TABLE_SH");
  EXPECT_STREQ(encode(Gbpa{.memattr = 16}).bad_field, "MemAttr");
  EXPECT_STREQ(encode(Iidr{.variant = 16}).bad_field, "Variant");
  EXPECT_STREQ(encode(CmdqProd{1u << 20}).bad_field, "WR");
  EXPECT_STREQ(encode(CmdqCons{static_cast<CmdqError>(0x80), 0}).bad_field, "ERR");
  EXPECT_STREQ(encode(AtosSid{false, 1u << 20, 0}).bad_field, "SUBSTREAMID");
  EXPECT_STREQ(encode(StrtabBaseCfg{.split = 32}).bad_field, "SPLIT");
  S2pii pii;
  pii.s2pii[7] = static_cast<S2Perm>(0x10);
  pii.s2pii[3] = static_cast<S2Perm>(0x10);
  EXPECT_STREQ(encode(pii).bad_field, "S2PII7");
  // The first misfit in spec order wins, and a failed encode stores nothing for that field.
  const Encoded<1> two = encode(Idr1{.cmdqs = 32, .sidsize = 64});
  EXPECT_STREQ(two.bad_field, "CMDQS");
  EXPECT_EQ(two.words[0], 0u);
}

TEST(RegisterEncode, RefusesMisalignedOrTooWideAddresses) {
  EXPECT_STREQ(encode(StrtabBase{false, 0x1020}).bad_field, "ADDR");            // below bit 6
  EXPECT_STREQ(encode(StrtabBase{false, 1ull << 56}).bad_field, "ADDR");        // above bit 55
  EXPECT_STREQ(encode(CmdqBase{false, 0x1010, 0}).bad_field, "ADDR");           // below bit 5
  EXPECT_TRUE(encode(CmdqBase{false, 0x1020, 0}).ok());
  EXPECT_STREQ(encode(EventqBase{.log2size = 32}).bad_field, "LOG2SIZE");
  EXPECT_STREQ(encode(IrqCfg0{0x1002}).bad_field, "ADDR");                      // below bit 2
  EXPECT_STREQ(encode(AtosAddr{.addr = 0x1800}).bad_field, "ADDR");             // below bit 12
  EXPECT_STREQ(encode(AtosPar{.addr = 1ull << 56}).bad_field, "ADDR");
  EXPECT_STREQ(encode(DptBase{.baddr = 0x800}).bad_field, "BADDR");
  EXPECT_STREQ(encode(CmdqControlPageBase{.addr = 0x8000}).bad_field, "ADDR");  // below bit 16
}

// ---------------------------------------------------------------------------------------------
// The register map.

TEST(RegisterMap, AnswersWhatIsAtAnOffset) {
  const RegisterLookup at_1c = find_register(0x1C);
  ASSERT_EQ(at_1c.slot, Slot::reg);
  EXPECT_EQ(at_1c.info->id, RegId::aidr);  // QEMU labels 0x1C "IIDR"; §6.2.1 has SMMU_AIDR
  EXPECT_STREQ(at_1c.info->name, "SMMU_AIDR");
  EXPECT_EQ(at_1c.info->width, 32u);
  EXPECT_EQ(at_1c.info->access, Access::ro);
  EXPECT_STREQ(at_1c.info->section, "6.3.8");
  EXPECT_EQ(find_register(0x18).info->id, RegId::iidr);
  EXPECT_EQ(find_register(0x20).info->access, Access::rw);
  EXPECT_EQ(find_register(0x24).info->id, RegId::cr0ack);
  EXPECT_EQ(find_register(0x24).info->access, Access::ro);
  EXPECT_EQ(find_register(0x60).info->access, Access::ro);  // GERROR
  EXPECT_EQ(find_register(0x64).info->access, Access::rw);  // GERRORN
  EXPECT_EQ(find_register(0x118).info->id, RegId::gatos_par);
  EXPECT_EQ(find_register(0x118).info->access, Access::ro);
  EXPECT_EQ(find_register(0x190).info->id, RegId::idr6);
}

TEST(RegisterMap, SixtyFourBitRegistersHaveTwoHalves) {
  const RegisterLookup lo = find_register(0x68);
  const RegisterLookup hi = find_register(0x6C);
  ASSERT_EQ(hi.slot, Slot::reg);
  EXPECT_EQ(lo.info, hi.info);
  EXPECT_EQ(hi.info->id, RegId::gerror_irq_cfg0);
  EXPECT_EQ(hi.info->width, 64u);
  EXPECT_EQ(lo.byte, 0u);
  EXPECT_EQ(hi.byte, 4u);
  EXPECT_TRUE(architected_access(lo, 8));
  EXPECT_TRUE(architected_access(lo, 4));
  EXPECT_TRUE(architected_access(hi, 4));
  EXPECT_FALSE(architected_access(hi, 8));                 // misaligned 64-bit
  EXPECT_FALSE(architected_access(find_register(0x6A), 4));  // misaligned 32-bit
  EXPECT_FALSE(architected_access(find_register(0x20), 8));  // 64-bit over CR0 + CR0ACK
  EXPECT_FALSE(architected_access(find_register(0x20), 2));  // other sizes: IMPLEMENTATION DEFINED
  EXPECT_FALSE(architected_access(find_register(0x38), 4));  // not a register
  EXPECT_EQ(find_register(0x34).info->id, RegId::s2pii);
  EXPECT_EQ(find_register(0x84).info->id, RegId::strtab_base);
  EXPECT_EQ(find_register(0x94).info->id, RegId::cmdq_base);
  EXPECT_EQ(find_register(0xC4).info->id, RegId::priq_base);
}

TEST(RegisterMap, Page1AndItsPage0Aliases) {
  const RegisterLookup p1 = find_register(0x100A8);
  ASSERT_EQ(p1.slot, Slot::reg);
  EXPECT_EQ(p1.info->id, RegId::eventq_prod);
  EXPECT_FALSE(p1.info->page0_alias);
  const RegisterLookup p0 = find_register(0xA8);
  ASSERT_EQ(p0.slot, Slot::reg);
  EXPECT_EQ(p0.info->id, RegId::eventq_prod);
  EXPECT_TRUE(p0.info->page0_alias);
  EXPECT_EQ(find_register(0x100AC).info->id, RegId::eventq_cons);
  EXPECT_EQ(find_register(0x100C8).info->id, RegId::priq_prod);
  EXPECT_EQ(find_register(0x100CC).info->id, RegId::priq_cons);
  EXPECT_TRUE(find_register(0xCC).info->page0_alias);
  EXPECT_EQ(register_info(RegId::eventq_prod)->offset, 0x100A8u);
  EXPECT_EQ(register_info(RegId::priq_cons)->offset, offset::kPriqCons);
  EXPECT_EQ(offset::kEventqProdPage0Alias + kPage1, offset::kEventqProd);
  EXPECT_EQ(find_register(0x10000).slot, Slot::page1_reserved);
  EXPECT_EQ(find_register(0x10020).slot, Slot::page1_reserved);
  EXPECT_EQ(find_register(0x1FFFC).slot, Slot::page1_reserved);
  EXPECT_EQ(find_register(0x20000).slot, Slot::outside);
  EXPECT_EQ(find_register(~0ull).slot, Slot::outside);
}

TEST(RegisterMap, ReservedAndImplementationDefinedSpace) {
  EXPECT_EQ(find_register(0x38).slot, Slot::reserved);
  EXPECT_EQ(find_register(0x4C).slot, Slot::reserved);
  EXPECT_EQ(find_register(0xE0).slot, Slot::reserved);
  EXPECT_EQ(find_register(0xE00).slot, Slot::impdef);
  EXPECT_EQ(find_register(0xEFC).slot, Slot::impdef);
  EXPECT_EQ(find_register(0xF00).slot, Slot::reserved);
  EXPECT_EQ(find_register(0x1000).slot, Slot::impdef);
  EXPECT_EQ(find_register(0x3FFC).slot, Slot::impdef);
  EXPECT_EQ(find_register(0x8E00).slot, Slot::impdef);
  EXPECT_EQ(find_register(0x9000).slot, Slot::impdef);
  EXPECT_EQ(find_register(0xBFFC).slot, Slot::impdef);
  EXPECT_EQ(find_register(0xE000).slot, Slot::reserved);
  EXPECT_EQ(find_register(0x38).info, nullptr);
}

TEST(RegisterMap, IdRegisters) {
  // §6.3.170: PIDR4..7 at 0xFD0, PIDR0..3 at 0xFE0, CIDR0..3 at 0xFF0. QEMU's smmuv3_ids[]
  // starts at 0xFD0 and puts the CIDR preamble 0x0D, 0xF0, 0x05, 0xB1 at entries 8..11.
  EXPECT_EQ(find_register(0xFD0).info->id, RegId::pidr4);
  EXPECT_EQ(find_register(0xFE0).info->id, RegId::pidr0);
  EXPECT_EQ(find_register(0xFD0 + 8 * 4).info->id, RegId::cidr0);
  EXPECT_EQ(find_register(0xFFC).info->id, RegId::cidr3);
  for (std::uint32_t off = 0xFD0; off < 0x1000; off += 4) {
    const RegisterLookup at = find_register(off);
    ASSERT_EQ(at.slot, Slot::reg) << std::hex << off;
    EXPECT_EQ(at.info->access, Access::ro);
    EXPECT_STREQ(at.info->section, "6.3.170");
  }
}

TEST(RegisterMap, CommandQueueControlPageFamilies) {
  const RegisterLookup cfg1 = find_register(0x4028);
  ASSERT_EQ(cfg1.slot, Slot::reg);
  EXPECT_EQ(cfg1.info->id, RegId::cmdq_control_page_cfg);
  EXPECT_EQ(cfg1.index, 1u);
  const RegisterLookup last = find_register(0x4000 + 32 * 255 + 4);
  EXPECT_EQ(last.info->id, RegId::cmdq_control_page_base);
  EXPECT_EQ(last.index, 255u);
  EXPECT_EQ(last.byte, 4u);
  EXPECT_EQ(find_register(0x4030).slot, Slot::reserved);  // bytes 0x10-0x1F of each 32 are unused
  EXPECT_EQ(find_register(0x6000).slot, Slot::reserved);
  EXPECT_EQ(offset::cmdq_control_page_status(2), 0x404Cu);
  EXPECT_EQ(find_register(offset::cmdq_control_page_status(2)).index, 2u);
  EXPECT_EQ(find_register(offset::s_cmdq_control_page_base(255)).info->id, RegId::s_cmdq_control_page_base);
}

TEST(RegisterMap, SecureRegistersAreFlagged) {
  const RegisterLookup s_cr0 = find_register(0x8020);
  ASSERT_EQ(s_cr0.slot, Slot::reg);
  EXPECT_STREQ(s_cr0.info->name, "SMMU_S_CR0");
  EXPECT_TRUE(s_cr0.info->secure);
  EXPECT_EQ(find_register(0x803C).info->id, RegId::s_init);
  EXPECT_EQ(find_register(0x80A8).info->id, RegId::s_eventq_prod);  // Secure Event queue indexes are Page 0
  EXPECT_FALSE(find_register(0x80A8).info->page0_alias);
  EXPECT_FALSE(find_register(0x20).info->secure);
}

TEST(RegisterMap, TableIsConsistent) {
  std::set<int> canonical;
  int aliases = 0;
  for (std::size_t i = 0; i < kRegisterMapSize; ++i) {
    const RegisterInfo& r = kRegisterMap[i];
    SCOPED_TRACE(r.name);
    EXPECT_TRUE(r.width == 32 || r.width == 64);
    EXPECT_EQ(r.offset % (r.width / 8), 0u) << "naturally aligned";
    EXPECT_EQ(std::string(r.name).rfind("SMMU_", 0), 0u);
    EXPECT_EQ(std::string(r.section).rfind("6.3.", 0), 0u);
    EXPECT_TRUE(r.count == 1 || r.count == 256);
    EXPECT_EQ(r.secure, std::string(r.name).rfind("SMMU_S_", 0) == 0);
    EXPECT_EQ(r.secure, r.offset >= 0x8000 && r.offset < 0x10000);
    if (i > 0) {
      EXPECT_LT(kRegisterMap[i - 1].offset, r.offset) << "sorted";
    }
    if (r.page0_alias) {
      ++aliases;
      EXPECT_LT(r.offset, kPage1);
    } else {
      EXPECT_TRUE(canonical.insert(static_cast<int>(r.id)).second) << "one canonical entry per id";
    }
    // Every byte of a register finds that register.
    const RegisterLookup at = find_register(r.offset + r.width / 8 - 1);
    EXPECT_EQ(at.info, &r);
    EXPECT_EQ(at.byte, r.width / 8 - 1);
  }
  EXPECT_EQ(aliases, 4);
  // RegId values are dense and each has its register.
  EXPECT_EQ(static_cast<std::size_t>(canonical.size()), kRegisterMapSize - 4);
  for (int id = 0; id < static_cast<int>(canonical.size()); ++id)
    EXPECT_NE(register_info(static_cast<RegId>(id)), nullptr) << id;
  EXPECT_EQ(register_info(static_cast<RegId>(canonical.size())), nullptr);
}

TEST(RegisterMap, WidthsAgreeWithTheLayouts) {
  // A register whose layout has fields above bit 31 must be 64-bit in the map, and the
  // 64-bit ones are the §6.2.1 list.
  EXPECT_EQ(register_info(RegId::gerror_irq_cfg0)->width, 64u);
  EXPECT_EQ(register_info(RegId::eventq_irq_cfg0)->width, 64u);
  EXPECT_EQ(register_info(RegId::priq_irq_cfg0)->width, 64u);
  EXPECT_EQ(register_info(RegId::strtab_base)->width, 64u);
  EXPECT_EQ(register_info(RegId::cmdq_base)->width, 64u);
  EXPECT_EQ(register_info(RegId::eventq_base)->width, 64u);
  EXPECT_EQ(register_info(RegId::priq_base)->width, 64u);
  EXPECT_EQ(register_info(RegId::gatos_sid)->width, 64u);
  EXPECT_EQ(register_info(RegId::gatos_addr)->width, 64u);
  EXPECT_EQ(register_info(RegId::gatos_par)->width, 64u);
  EXPECT_EQ(register_info(RegId::s2pii)->width, 64u);
  EXPECT_EQ(register_info(RegId::dpt_base)->width, 64u);
  EXPECT_EQ(register_info(RegId::dpt_cfg_far)->width, 64u);
  int wide = 0;
  for (const RegisterInfo& r : kRegisterMap)
    if (r.width == 64 && !r.secure) ++wide;
  EXPECT_EQ(wide, 14);  // the 13 above plus SMMU_CMDQ_CONTROL_PAGE_BASE<n>
  EXPECT_EQ(register_info(RegId::strtab_base_cfg)->width, 32u);
  EXPECT_EQ(register_info(RegId::priq_irq_cfg2)->width, 32u);
}

TEST(RegisterMap, OptionalPageOffsets) {
  EXPECT_EQ(optional_page_offset(0), 0x20000u);
  EXPECT_EQ(optional_page_offset(3), 0x50000u);
  EXPECT_EQ(optional_page_offset(0x3FF), 0x20000u + 0x3FFull * 0x10000);
  EXPECT_EQ(optional_page_offset(decode_idr2(reg_words(0xFFFF'FC05)).ba_vatos), 0x70000u);
  EXPECT_EQ(offset::vatos::kVatosPar, 0xA18u);
}

// ---------------------------------------------------------------------------------------------
// Usable in constant expressions.

static_assert(decode_cr1(encode(Cr1{.table_sh = Shareability::inner_shareable}).words).table_sh ==
              Shareability::inner_shareable);
static_assert(encode(Idr1{.cmdqs = 19}).ok() && !encode(Idr1{.cmdqs = 20 + 12}).ok());
static_assert(encode(CmdqBase{true, 0x1000, 8}).words[0] == ((1ull << 62) | 0x1000 | 8));
static_assert(decode_gerror(reg_words(1)).cmdq_err);
static_assert(decode_s2pii(encode(S2pii{}).words) == S2pii{});
static_assert(find_register(0x1C).info->id == RegId::aidr);
static_assert(find_register(0x100AC).info->id == RegId::eventq_cons);
static_assert(find_register(0x38).slot == Slot::reserved);
static_assert(register_info(RegId::cmdq_cons)->offset == 0x9C);
static_assert(offset::kCmdqCons == 0x9C && offset::kGerrorIrqCfg0 == 0x68 && offset::kGatosPar == 0x118);
static_assert(architected_access(find_register(0x80), 8));
static_assert([] {
  int n = 0;
  for_each_field(decode_idr0(reg_words(~0ull)), [&](const char*, std::uint64_t v) { n += v != 0; });
  return n == 25;
}());
static_assert(idr0_res0_bits(reg_words(1u << 29))[0] == (1u << 29));
static_assert(oas_bits(Oas::pa52) == 52 && vax_bits(Vax::va56) == 56);
static_assert(active_gerrors(1, 0) == 1);

}  // namespace
}  // namespace smmuv3::reg

// ---------------------------------------------------------------------------------------------
// From outside smmuv3 (as a hypervisor's register file or smmuv3-decode calls them), unqualified
// for_each_field and encode on a register struct are found by argument-dependent lookup, which
// searches only smmuv3::reg.

TEST(RegisterLookup, ForEachFieldAndEncodeAreFoundFromTheGlobalNamespace) {
  const smmuv3::reg::Cr0 cr0{.vmw = 3, .smmuen = true};
  std::vector<std::pair<std::string, std::uint64_t>> seen;
  for_each_field(cr0, [&](const char* name, std::uint64_t v) { seen.emplace_back(name, v); });
  const std::vector<std::pair<std::string, std::uint64_t>> expected = {
      {"DPT_WALK_EN", 0}, {"VMW", 3}, {"ATSCHK", 0}, {"CMDQEN", 0}, {"EVENTQEN", 0}, {"PRIQEN", 0}, {"SMMUEN", 1}};
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(encode(cr0).words[0], 0xC1u);  // VMW [8:6] = 3, SMMUEN [0]
}

static_assert([] {
  std::uint64_t sum = 0;
  for_each_field(smmuv3::reg::decode_s2pii(smmuv3::reg::reg_words(0x10)),
                 [&](const char*, std::uint64_t v) { sum = sum * 16 + v; });
  return sum == 0x10;  // S2PII15 first ... S2PII1 = 1, S2PII0 = 0 last
}());
