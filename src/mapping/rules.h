#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/location.h"
#include "core/record.h"
#include "core/result.h"

namespace crmsync::mapping {

// The transforms, in the order of transform_names() (after `unknown`).
enum class StepOp : uint8_t {
  unknown,
  trim,
  lower,
  upper,
  split_name,
  join,
  split,
  prefix,
  suffix,
  replace,
  truncate,
  string,
  integer,
  number,
  round,
  boolean,
  date,
  datetime,
  format_date,
  format_number,
  default_value,
  uuid,
  empty_to_null,
};

// One transform step with its argument parsed at compile time.
struct Step {
  std::string name;
  // Set by check_step from `name`: applying a step runs per record and
  // field, where comparing names would cost more than most transforms.
  StepOp op = StepOp::unknown;
  Value arg;
  std::string a, b;                    // text arguments (separator, format, from/to)
  int n = 0;                           // numeric argument (decimals, length)
  std::array<unsigned char, 16> ns{};  // uuid: the namespace's bytes
};

// Applies one step; null input stays null except for `default`.
Result<Value> apply_step(const Step& step, Value in);
// The same on `v` itself; the common text steps need no copy or move.
Status apply_step_in_place(const Step& step, Value& v);
// Checks a step's name and argument at compile time; empty when fine.
std::string check_step(Step& step);
const std::vector<std::string>& transform_names();

class LuaExpression;

// A source field read through a per-FieldNames cached index.
struct FieldRef {
  std::string path;
  mutable const FieldNames* names = nullptr;
  mutable int index = -1;
  const Value* get(const Record& r) const;
};

// Lets value maps be probed with a string_view (no copy per record).
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// One compiled mapping entry.
struct Rule {
  enum class Source { copy, constant, text_template, coalesce, ref, each, lua };
  std::string target;
  Source source = Source::copy;
  FieldRef from;
  Value constant;
  struct Part {
    bool field = false;
    std::string text;
    FieldRef ref;
  };
  std::vector<Part> parts;
  std::vector<FieldRef> candidates;
  std::string ref_flow;
  std::vector<Rule> each;
  FieldNamesPtr each_names;
  std::shared_ptr<LuaExpression> lua;
  std::vector<Step> steps;
  bool has_map = false;
  std::unordered_map<std::string, Value, TextHash, std::equal_to<>> value_map;
  std::string known_keys;  // for the "no mapping" message
  std::optional<Value> default_value;
  bool keep_unmapped = false;  // `unmapped: keep`: a value not in the map passes as it is
  bool required = false;
  int max_length = -1;  // >= 0: a longer text fails the record (checked last)
};

}  // namespace crmsync::mapping
