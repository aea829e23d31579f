// docs/quickstart.md cannot go stale (issue 26): every ```console block's
// commands (lines starting "$ ") run in one bash session, in order, in a
// fresh folder with the built crmsync on PATH, and each command's output
// must match what the page shows, within volatile fields (times, durations,
// rates, ports, the temp folder, the commit and build type). CRMSYNC_UPDATE_QUICKSTART=1 writes the
// real output into the page instead (then review the diff and commit it).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/run_command.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

const char* kPage = CRMSYNC_SOURCE_DIR "/docs/quickstart.md";

// One "$ command" of the page and the lines it shows under it.
struct Step {
  std::string command;
  std::string shown;
  size_t shown_begin = 0;  // where `shown` is in the page (for the update mode)
  size_t shown_end = 0;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<Step> console_steps(const std::string& page) {
  std::vector<Step> steps;
  size_t pos = 0;
  while ((pos = page.find("```console\n", pos)) != std::string::npos) {
    pos += 11;
    size_t end = page.find("```\n", pos);
    if (end == std::string::npos) break;
    size_t line_start = pos;
    while (line_start < end) {
      size_t nl = page.find('\n', line_start);
      std::string line = page.substr(line_start, nl - line_start);
      if (line.rfind("$ ", 0) == 0) {
        if (!steps.empty() && steps.back().shown_end == 0) steps.back().shown_end = line_start;
        steps.push_back({line.substr(2), "", nl + 1, 0});
      }
      line_start = nl + 1;
    }
    if (!steps.empty() && steps.back().shown_end == 0) steps.back().shown_end = end;
    pos = end + 4;
  }
  for (Step& s : steps) s.shown = page.substr(s.shown_begin, s.shown_end - s.shown_begin);
  return steps;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  close(fd);
  return port;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = text.find(from, p)) != std::string::npos; p += to.size()) {
    text.replace(p, from.size(), to);
  }
  return text;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// "12", "0.25": a decimal number.
bool number(std::string_view s) {
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) return all_digits(s);
  return all_digits(s.substr(0, dot)) && all_digits(s.substr(dot + 1));
}

// The volatile kind of one word, or "" when it is not volatile. (Hand-written:
// GCC 12 warns inside std::regex under the test build's flags.)
std::string volatile_kind(std::string_view w) {
  auto ends = [&](std::string_view suffix) {
    return w.size() > suffix.size() && w.substr(w.size() - suffix.size()) == suffix;
  };
  // 2026-12-06, 18:43:44(.123)(Z), 2026-12-06T18:43:44Z
  if (w.size() >= 10 && all_digits(w.substr(0, 4)) && w[4] == '-' && w[7] == '-') return "<time>";
  if (w.size() >= 8 && all_digits(w.substr(0, 2)) && w[2] == ':' && w[5] == ':') return "<time>";
  // 0.8s, 120ms, 3m04s
  if (ends("ms") && number(w.substr(0, w.size() - 2))) return "<duration>";
  if (ends("s") && number(w.substr(0, w.size() - 1))) return "<duration>";
  size_t m = w.find('m');
  if (ends("s") && m != std::string_view::npos && all_digits(w.substr(0, m)) &&
      all_digits(w.substr(m + 1, w.size() - m - 2))) {
    return "<duration>";
  }
  if (ends("/s") && number(w.substr(0, w.size() - 2))) return "<rate>/s";  // 1234/s
  return "";
}

// What may differ between two runs: clock times, durations, rates, the
// commit and build type; column padding (table widths follow those).
std::string normalized(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (size_t c = line.find("(commit "); c != std::string::npos) {
      line.replace(c, line.find(')', c) + 1 - c, "(<build>)");
    }
    std::istringstream words(line);
    std::string word, normal;
    while (words >> word) {
      size_t b = word.find_first_not_of("(\"'[");
      size_t e = word.find_last_not_of(")\"',;]");
      if (b != std::string::npos && e != std::string::npos && b <= e) {
        std::string kind = volatile_kind(std::string_view(word).substr(b, e - b + 1));
        if (!kind.empty()) word = word.substr(0, b) + kind + word.substr(e + 1);
      }
      normal += (normal.empty() ? "" : " ") + word;
    }
    out += normal + "\n";
  }
  return out;
}

TEST(Quickstart, EveryCommandShowsTheOutputThePageShows) {
  std::string page = read_file(kPage);
  std::vector<Step> steps = console_steps(page);
  ASSERT_GE(steps.size(), 10u) << "docs/quickstart.md has too few console steps";

  // The page's sandbox ports and example folder, and what this run uses.
  TempDir dir;
  std::vector<std::pair<std::string, std::string>> substitutions = {
      {"8701", std::to_string(free_port())},
      {"8702", std::to_string(free_port())},
      {"/usr/share/doc/crmsync/examples", std::string(CRMSYNC_SOURCE_DIR) + "/examples"},
  };
  std::string script = "set -u\nexport PATH='" +
                       std::filesystem::path(CRMSYNC_BINARY).parent_path().string() +
                       "':\"$PATH\" NO_COLOR=1\ntrap 'kill $(jobs -p) 2>/dev/null; wait' EXIT\n";
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string command = steps[i].command;
    for (const auto& [from, to] : substitutions) command = replace_all(command, from, to);
    script += "printf '@@step " + std::to_string(i) + "\\n'\n" + command + " 2>&1\n";
  }
  TempDir scratch;
  scratch.write("quickstart.sh", script);
  // On a terminal, as the reader runs them (script(1) gives one): no JSON
  // summary line for log collectors, and the progress line's last state.
  auto r = run_command("cd '" + dir.path().string() + "' && script -qec \"bash '" +
                       scratch.file("quickstart.sh") + "'\" /dev/null");

  // The output of each step, the run's ports and paths put back as the page has them.
  std::vector<std::string> outputs(steps.size());
  std::istringstream lines(r.output);
  std::string line;
  int current = -1;
  while (std::getline(lines, line)) {
    // What the terminal shows of a redrawn line: the text after the last
    // carriage return, without the erase-line sequence.
    while (!line.empty() && line.back() == '\r') line.pop_back();
    if (size_t cr = line.rfind('\r'); cr != std::string::npos) line = line.substr(cr + 1);
    line = replace_all(line, "\033[K", "");
    if (line.rfind("@@step ", 0) == 0) {
      current = std::stoi(line.substr(7));
      continue;
    }
    if (current < 0) continue;
    for (const auto& [from, to] : substitutions) line = replace_all(line, to, from);
    line = replace_all(line, dir.path().string(), "/home/you");
    outputs[current] += line + "\n";
  }

  if (std::getenv("CRMSYNC_UPDATE_QUICKSTART") != nullptr) {
    for (size_t i = steps.size(); i-- > 0;) {
      page.replace(steps[i].shown_begin, steps[i].shown_end - steps[i].shown_begin, outputs[i]);
    }
    std::ofstream(kPage, std::ios::binary | std::ios::trunc) << page;
    GTEST_SKIP() << "wrote the real output into docs/quickstart.md";
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(normalized(outputs[i]), normalized(steps[i].shown))
        << "docs/quickstart.md, `$ " << steps[i].command
        << "`: the page shows other output than the command prints (CRMSYNC_UPDATE_QUICKSTART=1 "
           "rewrites the page)";
  }
}

}  // namespace
}  // namespace crmsync::testing
