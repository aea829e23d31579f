#include "cli/terminal.h"

#include <unistd.h>

#include <cstdlib>

#include "cli/output.h"

namespace crmsync::cli {
namespace {
bool stderr_colour = false;  // set once by configure_colour() in main()
}  // namespace

void configure_colour(bool no_colour_flag) {
  const char* no_color = std::getenv("NO_COLOR");
  bool refused = no_colour_flag || (no_color != nullptr && *no_color != '\0');
  const char* term = std::getenv("TERM");
  bool dumb = term != nullptr && std::string(term) == "dumb";
  stderr_colour = !refused && !dumb && isatty(STDERR_FILENO);
}

bool colour_on_stderr() {
  return stderr_colour;
}

void print_error(const std::string& message, const std::string& hint) {
  if (stderr_colour) {
    print_err("\033[1;31merror:\033[0m " + message + "\n");
  } else {
    print_err("error: " + message + "\n");
  }
  if (!hint.empty()) print_err((stderr_colour ? "\033[2mhint:\033[0m " : "hint: ") + hint + "\n");
}

}  // namespace crmsync::cli
