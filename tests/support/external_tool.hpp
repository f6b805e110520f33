// Running a real tool (dtc, iasl, ...) from a test: the tool as a test dependency, a scratch
// directory, and the tool's exit status and output.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

/// `tool` is a test dependency (tools/install-deps.sh installs it): missing in CI (the CI
/// environment variable set) is a failure, elsewhere a skip.
#define VSMMU_REQUIRE_TOOL(tool)                                                                        \
  do {                                                                                                  \
    if (std::system("command -v " tool " >/dev/null 2>&1") != 0) {                                      \
      const char* ci = std::getenv("CI");                                                               \
      if (ci != nullptr && *ci != '\0') FAIL() << tool " not found (tools/install-deps.sh installs it)"; \
      GTEST_SKIP() << tool " not found (tools/install-deps.sh installs it)";                            \
    }                                                                                                   \
  } while (0)

namespace vsmmu_test {

/// A directory of its own under the system temp dir (`<prefix>-XXXXXX`), removed with its
/// contents.
class TempDir {
 public:
  explicit TempDir(const char* prefix) {
    std::string name = (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (::mkdtemp(name.data()) != nullptr) path_ = name;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct ToolRun {
  int status = -1;  ///< the exit status; -1 if the shell did not exit normally
  std::string out;
  std::string err;
};

/// `command` run by the shell in `dir`, its standard output and error captured.
inline ToolRun run_in(const std::filesystem::path& dir, const std::string& command) {
  const int raw = std::system(("cd '" + dir.string() + "' && " + command + " >stdout.txt 2>stderr.txt").c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_file(dir / "stdout.txt"), read_file(dir / "stderr.txt")};
}

}  // namespace vsmmu_test
