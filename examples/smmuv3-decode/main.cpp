// smmuv3-decode: prints SMMUv3 records (commands, STEs, CDs, events) field by field.
//
//   smmuv3-decode [--json] {cmd|ste|cd|event} WORD...
//
// Each WORD is a 64-bit hex value (with or without 0x), least-significant dword first: 2 words
// for cmd, 8 for ste and cd, 4 for event. With no WORD, whitespace-separated words are read
// from stdin and decoded record after record. Exit status: 0 when every record decoded (an
// unknown opcode is still a record), 2 on a usage error or malformed input.
//
// This is a host tool, not part of the freestanding library: it may use the standard library.
#include <smmuv3/smmuv3.hpp>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

enum class Kind { cmd, ste, cd, event };

constexpr int kExitMalformed = 2;

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::cmd: return "cmd";
    case Kind::ste: return "ste";
    case Kind::cd: return "cd";
    case Kind::event: return "event";
  }
  return "?";
}

std::size_t words_per_record(Kind k) {
  switch (k) {
    case Kind::cmd: return 2;
    case Kind::ste: return 8;
    case Kind::cd: return 8;
    case Kind::event: return 4;
  }
  return 0;
}

std::optional<std::uint64_t> parse_hex_word(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.empty() || s.size() > 16) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    unsigned d;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
    else return std::nullopt;
    v = (v << 4) | d;
  }
  return v;
}

std::string hex(std::uint64_t v) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Collects one record's name and fields, then prints them as text or JSON.
class Printer {
 public:
  explicit Printer(bool json) : json_(json) {}

  void begin(std::string_view type) {
    type_ = type;
    fields_.clear();
  }
  void field(std::string_view name, std::uint64_t value) { fields_.emplace_back(std::string(name), value); }

  template <std::size_t N>
  void end(const smmuv3::Words<N>& words, const smmuv3::Words<N>& res0_set) {
    std::ostringstream out;
    if (json_) {
      out << "{\"type\":\"" << type_ << "\"";
      for (const auto& [name, value] : fields_) out << ",\"" << name << "\":" << value;
      out << ",\"words\":[";
      for (std::size_t i = 0; i < N; ++i) out << (i ? "," : "") << '"' << hex(words[i]) << '"';
      out << "]";
      if (smmuv3::any(res0_set)) {
        out << ",\"res0_set\":[";
        for (std::size_t i = 0; i < N; ++i) out << (i ? "," : "") << '"' << hex(res0_set[i]) << '"';
        out << "]";
      }
      out << "}";
    } else {
      out << type_;
      for (const auto& [name, value] : fields_)
        if (value != 0) out << ' ' << name << '=' << hex(value);
      if (smmuv3::any(res0_set)) {
        out << "  RES0 bits set:";
        for (std::size_t i = 0; i < N; ++i)
          if (res0_set[i] != 0) out << " word" << i << '=' << hex(res0_set[i]);
      }
    }
    std::cout << out.str() << '\n';
  }

 private:
  bool json_;
  std::string type_;
  std::vector<std::pair<std::string, std::uint64_t>> fields_;
};

// Prints any record type that has a kName and for_each_field().
template <class Record>
void print_fields(Printer& p, const Record& r) {
  for_each_field(r, [&](const char* name, std::uint64_t value) { p.field(name, value); });
}

// The N words of one record, starting at `first`.
template <std::size_t N>
smmuv3::Words<N> record_words(const std::uint64_t* first) {
  smmuv3::Words<N> words{};
  for (std::size_t i = 0; i < N; ++i) words[i] = first[i];
  return words;
}

// Prints the record whose words start at `w` (words_per_record(kind) of them).
void print_record(Printer& p, Kind kind, const std::uint64_t* w) {
  using namespace smmuv3;
  switch (kind) {
    case Kind::cmd: {
      const auto words = record_words<2>(w);
      visit_command(words, [&](const auto& cmd) {
        using T = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<T, CmdUnknown>) {
          p.begin("unknown");
          p.field("opcode", cmd.opcode);
        } else {
          p.begin(T::kName);
          print_fields(p, cmd);
        }
      });
      p.end(words, command_res0_bits(words));
      break;
    }
    case Kind::event: {
      const auto words = record_words<4>(w);
      visit_event(words, [&](const auto& evt) {
        using T = std::decay_t<decltype(evt)>;
        if constexpr (std::is_same_v<T, EvtUnknown>) {
          p.begin("unknown");
          p.field("EventType", evt.event_type);
        } else {
          p.begin(T::kName);
          print_fields(p, evt);
        }
      });
      p.end(words, event_res0_bits(words));
      break;
    }
    case Kind::ste: {
      const auto words = record_words<8>(w);
      p.begin("STE");
      print_fields(p, decode_ste(words));
      p.end(words, ste_res0_bits(words));
      break;
    }
    case Kind::cd: {
      const auto words = record_words<8>(w);
      p.begin("CD");
      print_fields(p, decode_cd(words));
      p.end(words, cd_res0_bits(words));
      break;
    }
  }
}

int usage() {
  std::cerr << "usage: smmuv3-decode [--json] {cmd|ste|cd|event} [WORD...]\n"
               "  WORD: 64-bit hex value, least-significant dword first\n"
               "        (2 words for cmd, 8 for ste/cd, 4 for event); none: read from stdin\n";
  return kExitMalformed;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  bool json = false;
  if (!args.empty() && args.front() == "--json") {
    json = true;
    args.erase(args.begin());
  }
  if (args.empty()) return usage();

  Kind kind;
  if (args[0] == "cmd") kind = Kind::cmd;
  else if (args[0] == "ste") kind = Kind::ste;
  else if (args[0] == "cd") kind = Kind::cd;
  else if (args[0] == "event") kind = Kind::event;
  else {
    std::cerr << "smmuv3-decode: unknown record kind '" << args[0] << "'\n";
    return usage();
  }
  args.erase(args.begin());

  const bool from_stdin = args.empty();
  std::vector<std::string> stdin_tokens;
  if (from_stdin) {
    for (std::string tok; std::cin >> tok;) stdin_tokens.push_back(tok);
    args.assign(stdin_tokens.begin(), stdin_tokens.end());
  }

  const std::size_t n = words_per_record(kind);
  if (args.empty() || args.size() % n != 0) {
    std::cerr << "smmuv3-decode: " << kind_name(kind) << " records are " << n << " words each; got " << args.size() << " word(s)"
              << (from_stdin ? " on stdin" : "") << '\n';
    return kExitMalformed;
  }

  // Parse everything before printing anything, so malformed input produces no partial output.
  std::vector<std::uint64_t> words;
  words.reserve(args.size());
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto v = parse_hex_word(args[i]);
    if (!v) {
      std::cerr << "smmuv3-decode: word " << (i + 1) << " '" << args[i]
                << "' is not a 64-bit hex value\n";
      return kExitMalformed;
    }
    words.push_back(*v);
  }

  Printer printer(json);
  for (std::size_t i = 0; i < words.size(); i += n)
    print_record(printer, kind, words.data() + i);
  return 0;
}
