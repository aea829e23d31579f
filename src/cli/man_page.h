#pragma once

#include <string>

namespace crmsync::cli {

// crmsync(1) in roff (man -l renders it), generated from the command table
// like --help and the completions. The build writes it to crmsync.1 with
// `crmsync __man` and `cmake --install` puts it in share/man/man1.
std::string man_page(const std::string& version);

}  // namespace crmsync::cli
