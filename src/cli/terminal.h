#pragma once

#include <string>

namespace crmsync::cli {

// Colour on crmsync's output: only on a terminal, never with NO_COLOR set
// (https://no-color.org: any non-empty value) or --no-color. main() decides
// once before any output; the commands ask.
void configure_colour(bool no_colour_flag);
bool colour_on_stderr();

// "error: <message>" (red and bold where colour is on), then "hint: ..."
// when a hint is given, on stderr. Every command-line error goes through it.
void print_error(const std::string& message, const std::string& hint = "");

}  // namespace crmsync::cli
