// The command table drives --help, the completions and crmsync(1) (issue 26):
// each command's own help, usage errors, and the generated scripts loaded by
// the real shells, through the real binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli/command_table.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

std::string crmsync(const std::string& args) {
  return std::string(CRMSYNC_BINARY) + " " + args;
}

// The folder of the binary, for PATH: the completion scripts call `crmsync`.
std::string binary_dir() {
  return std::filesystem::path(CRMSYNC_BINARY).parent_path().string();
}

TEST(CliHelp, EveryCommandsHelpShowsItsOwnUsage) {
  ASSERT_GE(cli::commands().size(), 15u);
  for (const cli::CommandDef& c : cli::commands()) {
    auto r = run_command(crmsync(std::string(c.name) + " --help"));
    EXPECT_EQ(r.exit_code, 0) << c.name << ": " << r.output;
    EXPECT_EQ(r.output.rfind("usage: crmsync " + std::string(c.name), 0), 0u)
        << c.name << ": " << r.output;
    EXPECT_NE(r.output.find(c.summary), std::string::npos) << c.name << ": " << r.output;
    EXPECT_NE(r.output.find("example:"), std::string::npos) << c.name << ": " << r.output;
    for (const cli::OptionDef& o : c.options) {
      EXPECT_NE(r.output.find(o.flag), std::string::npos) << c.name << " " << o.flag;
    }
    // `crmsync help COMMAND` says the same.
    EXPECT_EQ(run_command(crmsync(std::string("help ") + c.name)).output, r.output) << c.name;
  }
  auto run = run_command(crmsync("run --help"));
  EXPECT_NE(run.output.find("--create-fields"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("--tls-cert"), std::string::npos) << "serve's option in run's help";
}

TEST(CliHelp, OverviewListsEveryCommand) {
  auto r = run_command(crmsync("--help"));
  EXPECT_EQ(r.exit_code, 0);
  for (const cli::CommandDef& c : cli::commands()) {
    EXPECT_NE(r.output.find(std::string("\n  ") + c.name), std::string::npos) << c.name;
  }
}

TEST(CliHelp, UnknownCommandExitsTwoWithDidYouMean) {
  auto r = run_command(crmsync("nosuch --help"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output.rfind("error: unknown command 'nosuch'", 0), 0u) << r.output;
  EXPECT_NE(r.output.find("hint: crmsync --help lists the commands"), std::string::npos)
      << r.output;

  auto typo = run_command(crmsync("statsu"));
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.output.find("error: unknown command 'statsu'"), std::string::npos);
  EXPECT_NE(typo.output.find("did you mean 'status'?"), std::string::npos) << typo.output;

  auto option = run_command(crmsync("run --ful"));
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_NE(option.output.find("error: unknown option '--ful'"), std::string::npos)
      << option.output;
  EXPECT_NE(option.output.find("did you mean '--full'?"), std::string::npos) << option.output;

  EXPECT_EQ(run_command(crmsync("help nosuch")).exit_code, 2);
  EXPECT_EQ(run_command(crmsync("completion tcsh")).exit_code, 2);
}

TEST(CliHelp, ErrorsStartWithErrorAndHonourNoColor) {
  TempDir dir;
  // No config here: a command-line error, no colour codes off a terminal.
  auto r = run_command("cd '" + dir.path().string() + "' && " + crmsync("validate"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("error: "), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find('\033'), std::string::npos) << r.output;
  // On a terminal (script(1) gives one) the prefix is red, unless NO_COLOR or --no-color.
  std::string on_tty = "script -qec '" + crmsync("nosuch") + "' /dev/null";
  auto coloured = run_command(on_tty);
  EXPECT_NE(coloured.output.find("\033[1;31merror:"), std::string::npos) << coloured.output;
  auto no_color = run_command("NO_COLOR=1 " + on_tty);
  EXPECT_EQ(no_color.output.find('\033'), std::string::npos) << no_color.output;
  auto flag = run_command("script -qec '" + crmsync("nosuch --no-color") + "' /dev/null");
  EXPECT_EQ(flag.output.find('\033'), std::string::npos) << flag.output;
}

TEST(CliHelp, QuietPrintsOnlyErrorsAndJson) {
  TempDir dir;
  std::string in_dir = "cd '" + dir.path().string() + "' && ";
  ASSERT_EQ(run_command(in_dir + crmsync("init")).exit_code, 0);
  auto quiet = run_command(in_dir + crmsync("run --quiet"));
  EXPECT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(quiet.output, "");
  auto json = run_command(in_dir + crmsync("status --json -q"));
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_EQ(json.output.rfind("{", 0), 0u) << json.output;
  auto loud = run_command(in_dir + crmsync("status"));
  EXPECT_NE(loud.output, "");
}

TEST(CliHelp, VersionNamesBuildAndLibraries) {
  auto r = run_command(crmsync("--version"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.rfind("crmsync 0.", 0), 0u) << r.output;
  EXPECT_NE(r.output.find("(commit "), std::string::npos) << r.output;
  for (const char* lib : {"libcurl", "SQLite", "libpq", "OpenSSL", "yaml-cpp", "MariaDB client",
                          "unixODBC", "Lua", "simdjson"}) {
    EXPECT_NE(r.output.find(std::string("  ") + lib + " "), std::string::npos) << lib;
  }
  EXPECT_EQ(r.output.find("unknown"), std::string::npos) << r.output;
  EXPECT_EQ(run_command(crmsync("version")).output, r.output);
  auto json = run_command(crmsync("version --json"));
  EXPECT_NE(json.output.find("\"build_type\":"), std::string::npos) << json.output;
}

// A folder with the example config (flows customers, orders; connections
// files, warehouse) and the binary on PATH as `crmsync`.
class Completion : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(run_command(in_dir() + crmsync("init")).exit_code, 0); }
  std::string in_dir() const {
    return "cd '" + dir_.path().string() + "' && PATH='" + binary_dir() + "':\"$PATH\" ";
  }
  TempDir dir_;
};

TEST_F(Completion, BashCompletesFlowNamesCommandsAndOptions) {
  // COMP_WORDS as bash sets them for `crmsync run <TAB>`.
  auto complete = [&](const std::string& words, int cword) {
    dir_.write("complete.sh", "source <(crmsync completion bash)\nCOMP_WORDS=(" + words +
                                  ")\nCOMP_CWORD=" + std::to_string(cword) +
                                  "\n_crmsync\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n");
    return run_command(in_dir() + "bash complete.sh");
  };
  auto flows = complete("crmsync run \"\"", 2);
  EXPECT_EQ(flows.exit_code, 0) << flows.output;
  EXPECT_EQ(flows.output, "customers\norders\n");
  auto prefix = complete("crmsync plan or", 2);
  EXPECT_EQ(prefix.output, "orders\n");
  auto connections = complete("crmsync discover \"\"", 2);
  EXPECT_EQ(connections.output, "files\nwarehouse\n");
  auto commands = complete("crmsync hi", 1);
  EXPECT_EQ(commands.output, "history\n");
  auto options = complete("crmsync run --cr", 2);
  EXPECT_EQ(options.output, "--create-fields\n");
  auto after_value = complete("crmsync --param x=1 run --allow-deletes \"\"", 5);
  EXPECT_EQ(after_value.output, "customers\norders\n");
}

TEST_F(Completion, ScriptsLoadInBashZshAndFish) {
  auto bash = run_command(in_dir() +
                          "bash -c 'set -e; source <(crmsync completion bash); "
                          "complete -p crmsync'");
  EXPECT_EQ(bash.exit_code, 0) << bash.output;
  EXPECT_NE(bash.output.find("complete -F _crmsync crmsync"), std::string::npos) << bash.output;

  auto zsh = run_command(in_dir() +
                         "zsh -f -c 'autoload -U compinit && compinit -u && "
                         "source <(crmsync completion zsh) && print -r -- $_comps[crmsync]'");
  EXPECT_EQ(zsh.exit_code, 0) << zsh.output;
  EXPECT_EQ(zsh.output, "_crmsync\n");

  // fish: loads without error, and its completer offers the flows.
  auto fish = run_command(in_dir() +
                          "fish --no-config -c 'crmsync completion fish | source; "
                          "complete -C\"crmsync run \"'");
  EXPECT_EQ(fish.exit_code, 0) << fish.output;
  EXPECT_NE(fish.output.find("customers"), std::string::npos) << fish.output;
  EXPECT_NE(fish.output.find("orders"), std::string::npos) << fish.output;
  EXPECT_EQ(fish.output.find("rror"), std::string::npos) << fish.output;
}

TEST(ManPage, RendersWithManDashL) {
  TempDir dir;
  auto gen = run_command(crmsync("__man > '" + dir.file("crmsync.1") + "'"));
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  // man -l: groff through man-db; warnings (-ww) would show in the output.
  auto r =
      run_command("MANWIDTH=200 man --warnings=w -l '" + dir.file("crmsync.1") + "' | col -bx");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("- keep records in step between CRMs"), std::string::npos) << r.output;
  for (const cli::CommandDef& c : cli::commands()) {
    EXPECT_NE(r.output.find(std::string("crmsync ") + c.name), std::string::npos) << c.name;
  }
  EXPECT_NE(r.output.find("EXIT STATUS"), std::string::npos);
  EXPECT_NE(r.output.find("--allow-deletes FLOW"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace crmsync::testing
