#include "net/route_pattern.h"

#include <bitset>
#include <utility>

namespace crmsync::net {

// Outside any anonymous namespace: in a unity build this file is included
// into another, and GCC then warns about a named type with such fields.
struct RoutePattern::Node {
  struct Item {
    std::shared_ptr<const Node> node;
    int min = 1;
    int max = 1;  // -1: unbounded
  };
  bool is_set = true;
  std::bitset<256> chars;                       // is_set: the characters it takes
  int capture = -1;                             // group: its number, -1 when (?: )
  std::vector<std::vector<Item>> alternatives;  // group
};

namespace {

using Item = RoutePattern::Node::Item;
using Sequence = std::vector<Item>;

// A non-owning callable, so the matcher's continuations allocate nothing.
template <typename Sig>
class FunctionRef;
template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
 public:
  template <typename F>
  FunctionRef(const F& f)  // NOLINT: implicit on purpose, like std::function
      : object_(&f), call_([](const void* o, Args... a) -> R {
          return (*static_cast<const F*>(o))(std::forward<Args>(a)...);
        }) {}
  R operator()(Args... a) const { return call_(object_, std::forward<Args>(a)...); }

 private:
  const void* object_;
  R (*call_)(const void*, Args...);
};
using Continue = FunctionRef<bool(size_t)>;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<std::shared_ptr<RoutePattern::Node>> parse(int& groups) {
    auto root = std::make_shared<RoutePattern::Node>();
    root->is_set = false;
    root->capture = 0;
    if (!alternatives(*root)) return error();
    if (pos_ != text_.size()) return error("unbalanced ')'");
    groups = groups_;
    return root;
  }

 private:
  Error error(std::string what = "") const {
    if (what.empty()) what = error_;
    return Error(ErrorKind::fatal, "route pattern \"" + std::string(text_) + "\": " + what +
                                       " at offset " + std::to_string(pos_));
  }

  bool alternatives(RoutePattern::Node& group) {
    group.alternatives.emplace_back();
    while (pos_ < text_.size() && text_[pos_] != ')') {
      if (text_[pos_] == '|') {
        ++pos_;
        group.alternatives.emplace_back();
        continue;
      }
      Item item;
      if (!atom(item)) return false;
      quantifier(item);
      group.alternatives.back().push_back(std::move(item));
    }
    return true;
  }

  void quantifier(Item& item) {
    if (pos_ >= text_.size()) return;
    char q = text_[pos_];
    if (q == '?')
      item = {item.node, 0, 1};
    else if (q == '*')
      item = {item.node, 0, -1};
    else if (q == '+')
      item = {item.node, 1, -1};
    else
      return;
    ++pos_;
  }

  bool atom(Item& item) {
    auto node = std::make_shared<RoutePattern::Node>();
    char ch = text_[pos_++];
    switch (ch) {
      case '(': {
        node->is_set = false;
        if (text_.substr(pos_, 2) == "?:") {
          pos_ += 2;
        } else {
          node->capture = ++groups_;
        }
        if (!alternatives(*node)) return false;
        if (pos_ >= text_.size()) return fail("unclosed '('");
        ++pos_;
        break;
      }
      case '[':
        if (!char_class(node->chars)) return false;
        break;
      case '\\':
        if (pos_ >= text_.size()) return fail("trailing '\\'");
        escape(text_[pos_++], node->chars);
        break;
      case '.':
        node->chars.set();
        node->chars.reset('\n');
        break;
      case '?':
      case '*':
      case '+':
      case '{':
      case '^':
      case '$':
        --pos_;
        return fail(std::string("unsupported '") + ch + "'");
      default:
        node->chars.set(static_cast<unsigned char>(ch));
    }
    item.node = std::move(node);
    return true;
  }

  static void escape(char ch, std::bitset<256>& chars) {
    auto range = [&](char lo, char hi) {
      for (int c = lo; c <= hi; ++c) chars.set(static_cast<unsigned char>(c));
    };
    if (ch == 'd') {
      range('0', '9');
    } else if (ch == 'w') {
      range('0', '9'), range('a', 'z'), range('A', 'Z'), chars.set('_');
    } else if (ch == 's') {
      for (char c : {' ', '\t', '\n', '\r', '\f', '\v'}) chars.set(static_cast<unsigned char>(c));
    } else {
      chars.set(static_cast<unsigned char>(ch));
    }
  }

  bool char_class(std::bitset<256>& chars) {
    bool negate = pos_ < text_.size() && text_[pos_] == '^';
    if (negate) ++pos_;
    bool first = true;
    while (pos_ < text_.size() && (text_[pos_] != ']' || first)) {
      first = false;
      char lo = text_[pos_++];
      if (lo == '\\' && pos_ < text_.size()) {
        escape(text_[pos_++], chars);
        continue;
      }
      if (pos_ + 1 < text_.size() && text_[pos_] == '-' && text_[pos_ + 1] != ']') {
        char hi = text_[pos_ + 1];
        pos_ += 2;
        for (int c = static_cast<unsigned char>(lo); c <= static_cast<unsigned char>(hi); ++c)
          chars.set(static_cast<size_t>(c));
        continue;
      }
      chars.set(static_cast<unsigned char>(lo));
    }
    if (pos_ >= text_.size()) return fail("unclosed '['");
    ++pos_;
    if (negate) chars.flip();
    return true;
  }

  bool fail(std::string what) {
    error_ = std::move(what);
    return false;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int groups_ = 0;
  std::string error_;
};

// Backtracking over the pattern's tree; each step hands the position it
// reached to a continuation that matches the rest. Paths are short and the
// patterns small, so the depth stays small.
class Matcher {
 public:
  Matcher(std::string_view path, int groups) : path_(path), spans_(groups + 1, {npos, npos}) {}

  bool run(const RoutePattern::Node& root) {
    return node(root, 0, [&](size_t end) { return end == path_.size(); });
  }
  void captures(std::vector<std::string>& out) const {
    out.clear();
    for (auto [begin, end] : spans_)
      out.emplace_back(begin == npos ? std::string()
                                     : std::string(path_.substr(begin, end - begin)));
  }

 private:
  static constexpr size_t npos = std::string_view::npos;

  bool node(const RoutePattern::Node& n, size_t pos, Continue next) {
    if (n.is_set)
      return pos < path_.size() && n.chars.test(static_cast<unsigned char>(path_[pos])) &&
             next(pos + 1);
    for (const Sequence& alternative : n.alternatives) {
      bool matched = sequence(alternative, 0, pos, [&](size_t end) {
        if (n.capture < 0) return next(end);
        auto saved = spans_[n.capture];
        spans_[n.capture] = {pos, end};
        if (next(end)) return true;
        spans_[n.capture] = saved;
        return false;
      });
      if (matched) return true;
    }
    return false;
  }

  bool sequence(const Sequence& seq, size_t i, size_t pos, Continue next) {
    if (i == seq.size()) return next(pos);
    return item(seq[i], 0, pos, [&](size_t end) { return sequence(seq, i + 1, end, next); });
  }

  // Greedy: one more repetition first, then what follows.
  bool item(const Item& it, int count, size_t pos, Continue next) {
    if (it.max < 0 || count < it.max) {
      bool matched = node(*it.node, pos, [&](size_t end) {
        if (end == pos && count >= it.min) return false;  // an empty repetition never ends
        return item(it, count + 1, end, next);
      });
      if (matched) return true;
    }
    return count >= it.min && next(pos);
  }

  std::string_view path_;
  std::vector<std::pair<size_t, size_t>> spans_;
};

std::vector<std::string> literal_runs(const RoutePattern::Node& root) {
  std::vector<std::string> out;
  if (root.alternatives.size() != 1) return out;
  std::string run;
  auto flush = [&] {
    if (run.size() > 1) out.push_back(run);
    run.clear();
  };
  for (const Item& it : root.alternatives[0]) {
    if (it.node->is_set && it.min == 1 && it.max == 1 && it.node->chars.count() == 1) {
      for (size_t c = 0; c < 256; ++c)
        if (it.node->chars.test(c)) run += static_cast<char>(c);
      continue;
    }
    flush();
  }
  flush();
  return out;
}

}  // namespace

Result<RoutePattern> RoutePattern::compile(std::string_view pattern) {
  RoutePattern out;
  auto root = Parser(pattern).parse(out.groups_);
  if (!root) return root.error();
  out.text_ = std::string(pattern);
  out.literals_ = literal_runs(**root);
  out.root_ = std::move(*root);
  return out;
}

bool RoutePattern::match(std::string_view path, std::vector<std::string>& captures) const {
  for (const std::string& literal : literals_)
    if (path.find(literal) == std::string_view::npos) return false;
  Matcher matcher(path, groups_);
  if (!matcher.run(*root_)) return false;
  matcher.captures(captures);
  return true;
}

}  // namespace crmsync::net
