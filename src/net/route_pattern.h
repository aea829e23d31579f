#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace crmsync::net {

// A route's path pattern: the small regex subset the routes are written in,
// matched by hand instead of the standard <regex> (slow, and GCC 12 floods the build
// with false warnings from it). Understood: literal characters, `.`, `\d`,
// `\w`, `\s`, escaped punctuation (`\.`, `\/`), classes (`[^/]`, `[A-Za-z0-9_]`),
// groups `( )` and `(?: )` with `|`, and the greedy quantifiers `?`, `*`,
// `+`. The whole path must match, as a whole-string regex match would; captures are
// filled the way std::smatch fills them ([0] the whole path, a group that
// took no part is empty).
//
// Thread-safety: compile once, then match() from any number of threads.
class RoutePattern {
 public:
  // Fatal error naming the pattern and the position it cannot read.
  static Result<RoutePattern> compile(std::string_view pattern);

  bool match(std::string_view path, std::vector<std::string>& captures) const;
  // Fixed runs of characters every matching path contains (at least 2
  // characters each): a cheap filter before match().
  const std::vector<std::string>& literals() const { return literals_; }
  const std::string& text() const { return text_; }

  struct Node;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
  int groups_ = 0;
  std::vector<std::string> literals_;
};

}  // namespace crmsync::net
