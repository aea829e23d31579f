#include "cli/man_page.h"

#include <sstream>

#include "cli/command_table.h"
#include "cli/help_text.h"

namespace crmsync::cli {
namespace {

// Text for roff: backslashes and hyphens escaped, no line starting with a
// control character.
std::string roff(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '\\') {
      out += "\\e";
    } else if (ch == '-') {
      out += "\\-";
    } else {
      out += ch;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string option_entry(const OptionDef& o) {
  std::string out = ".TP\n\\fB" + roff(o.flag) + "\\fR";
  if (*o.value != '\0') out += " \\fI" + roff(o.value) + "\\fR";
  return out + "\n" + roff(o.help) + "\n";
}

}  // namespace

std::string man_page(const std::string& version) {
  std::string out = ".TH CRMSYNC 1 \"\" \"crmsync " + roff(version) + "\" \"User Commands\"\n";
  out += ".SH NAME\ncrmsync \\- " + roff(kTagline) + "\n";
  out +=
      ".SH SYNOPSIS\n.B crmsync\n[\\fB\\-c\\fR \\fIFILE\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR] "
      "[\\fIOPTIONS\\fR]\n";
  out +=
      ".SH DESCRIPTION\n"
      "crmsync keeps business records in step between the systems a company runs on: CRMs "
      "(Salesforce, Pipedrive, any REST CRM), finance systems and SQL databases. One binary, "
      "one YAML file (crmsync.yaml), an embedded SQLite state store. It skips what did not "
      "change, matches before it creates, never writes a child before its parent, and resumes "
      "a killed run without duplicating anything.\n"
      ".PP\n"
      "In production it runs as \\fBcrmsync serve\\fR under systemd (crmsync.service).\n";
  out += ".SH COMMANDS\n";
  for (const CommandDef& c : commands()) {
    out += ".SS \"" + roff(usage_line(c)) + "\"\n" + roff(c.summary) + ".\n.PP\n" +
           roff(c.details) + "\n";
    if (!c.options.empty()) {
      out += ".RS\n";
      for (const OptionDef& o : c.options) out += option_entry(o);
      out += ".RE\n";
    }
    out += ".PP\nExample:\n.RS\n.nf\n";
    std::istringstream lines(c.example);
    std::string line;
    while (std::getline(lines, line)) out += roff(line) + "\n";
    out += ".fi\n.RE\n";
  }
  out += ".SH OPTIONS\nEvery command takes these.\n";
  for (const OptionDef& o : global_options()) out += option_entry(o);
  out += ".SH EXIT STATUS\n";
  for (const ExitCodeDoc& e : kExitCodeDocs) {
    out += ".TP\n.B " + std::to_string(e.code) + "\n" + roff(e.meaning) + "\n";
  }
  out +=
      ".SH ENVIRONMENT\n"
      ".TP\n.B NO_COLOR\nany non-empty value: no colour (as \\fB\\-\\-no\\-color\\fR).\n"
      ".TP\n.B CRMSYNC_SECRET_KEY\nbase64 of 32 bytes: the key that encrypts stored tokens.\n"
      ".TP\n.B CRMSYNC_API_TOKEN\nthe API token of \\fBcrmsync serve\\fR (generated when "
      "unset).\n"
      ".TP\n.B CRMSYNC_LOG\n\\fBjson\\fR: a run's summary as one JSON line on stderr, on a "
      "terminal too.\n"
      ".SH FILES\n"
      ".TP\n.I ./crmsync.yaml\nthe config (\\fB\\-c\\fR names another).\n"
      ".TP\n.I /etc/crmsync/crmsync.yaml\nthe service's config; secrets in "
      "/etc/crmsync/secrets/ and /etc/crmsync/crmsync.env.\n"
      ".TP\n.I /var/lib/crmsync/\nthe service's state store and API token.\n"
      ".SH SEE ALSO\n"
      "\\fBsystemctl\\fR(1); /usr/share/doc/crmsync/ (quickstart, configuration, service, API).\n";
  return out;
}

}  // namespace crmsync::cli
