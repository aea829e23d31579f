#include "cli/help_text.h"

#include <sstream>

namespace crmsync::cli {
namespace {

constexpr size_t kWidth = 80;
constexpr size_t kColumn = 24;  // where descriptions start in option and command lists

std::string option_label(const OptionDef& o) {
  std::string label = o.flag;
  if (*o.value != '\0') label += std::string(" ") + o.value;
  return label;
}

// "  LABEL               description" with the description wrapped in its column.
std::string list_row(const std::string& label, const std::string& text) {
  std::string row = "  " + label;
  if (row.size() + 2 > kColumn) {
    row += "\n" + std::string(kColumn, ' ');
  } else {
    row += std::string(kColumn - row.size(), ' ');
  }
  return row + wrap(text, kWidth - kColumn, kColumn) + "\n";
}

std::string option_rows(const std::vector<OptionDef>& options) {
  std::string out;
  for (const OptionDef& o : options) out += list_row(option_label(o), o.help);
  return out;
}

}  // namespace

std::string wrap(const std::string& text, size_t width, size_t indent) {
  std::istringstream words(text);
  std::string out, line, word;
  while (words >> word) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n" + std::string(indent, ' ');
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  return out + line;
}

std::string usage_line(const CommandDef& c) {
  std::string line = std::string("crmsync ") + c.name;
  if (*c.args != '\0') line += std::string(" ") + c.args;
  return line + " [OPTIONS]";
}

std::string overview_help() {
  std::string out = std::string("crmsync: ") + kTagline +
                    "\n\nusage: crmsync [-c FILE] COMMAND [ARGS] [OPTIONS]\n\ncommands:\n";
  for (const CommandDef& c : commands()) {
    std::string label = c.name;
    if (*c.args != '\0') label += std::string(" ") + c.args;
    out += list_row(label, c.summary);
  }
  out += "\noptions (every command):\n";
  out += option_rows({global_options().begin(), global_options().end()});
  out += "\nexit codes:\n";
  for (const ExitCodeDoc& e : kExitCodeDocs) {
    out += "  " + std::to_string(e.code) + "  " + wrap(e.meaning, kWidth - 5, 5) + "\n";
  }
  out +=
      "\n`crmsync COMMAND --help` shows a command's options and an example; man crmsync has "
      "them all.\n";
  return out;
}

std::string command_help(const CommandDef& c) {
  std::string out = "usage: " + usage_line(c) + "\n\n" + wrap(c.summary, kWidth, 0) + ".\n\n" +
                    wrap(c.details, kWidth, 0) + "\n";
  if (!c.options.empty()) out += "\noptions:\n" + option_rows(c.options);
  out += "\noptions of every command:\n";
  out += option_rows({global_options().begin(), global_options().end()});
  out += "\nexample:\n";
  std::istringstream lines(c.example);
  std::string line;
  while (std::getline(lines, line)) out += "  " + line + "\n";
  return out;
}

}  // namespace crmsync::cli
