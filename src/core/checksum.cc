#include "core/checksum.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace crmsync {
namespace {

void put_u64(uint64_t v, std::string& out) {
  char b[8];
  std::memcpy(b, &v, 8);  // little-endian on every platform we build for
  out.append(b, 8);
}

void put_str(std::string_view s, std::string& out) {
  put_u64(s.size(), out);
  out.append(s);
}

// Normalized decimal without going through a string for the common case.
void put_number(const Value& v, std::string& out) {
  out.push_back('n');
  if (v.is_int()) {
    // Same bytes as a Decimal with scale 0 and the same coefficient.
    __int128 c = v.as_int();
    out.append(reinterpret_cast<const char*>(&c), sizeof c);
    out.push_back(0);
    return;
  }
  Decimal d = v.as_decimal().normalized();
  __int128 c = d.coefficient();
  out.append(reinterpret_cast<const char*>(&c), sizeof c);
  out.push_back(static_cast<char>(d.scale()));
}

}  // namespace

void append_canonical(const Value& v, std::string& out) {
  switch (v.type()) {
    case ValueType::null:
      out.push_back('0');
      return;
    case ValueType::boolean:
      out.push_back(v.as_bool() ? 'T' : 'F');
      return;
    case ValueType::integer:
    case ValueType::decimal:
      put_number(v, out);
      return;
    case ValueType::string:
      out.push_back('s');
      put_str(v.as_string(), out);
      return;
    case ValueType::date:
      out.push_back('d');
      put_u64(static_cast<uint64_t>(static_cast<int64_t>(v.as_date().days)), out);
      return;
    case ValueType::datetime:
      out.push_back('t');
      put_u64(static_cast<uint64_t>(v.as_datetime().micros), out);
      return;
    case ValueType::array:
      out.push_back('[');
      put_u64(v.as_array().size(), out);
      for (const Value& e : v.as_array()) append_canonical(e, out);
      return;
    case ValueType::object: {
      const Object& o = v.as_object();
      std::vector<const Member*> sorted;
      sorted.reserve(o.size());
      for (const Member& m : o) sorted.push_back(&m);
      std::sort(sorted.begin(), sorted.end(),
                [](const Member* a, const Member* b) { return a->key < b->key; });
      out.push_back('{');
      put_u64(o.size(), out);
      for (const Member* m : sorted) {
        put_str(m->key, out);
        append_canonical(m->value, out);
      }
      return;
    }
  }
}

void append_canonical(const Record& r, std::string& out) {
  const auto& order = r.names()->sorted_order();
  out.push_back('R');
  put_u64(r.size(), out);
  for (uint32_t i : order) {
    put_str(r.name(i), out);
    append_canonical(r.value(i), out);
  }
}

uint64_t checksum(const Record& record) {
  thread_local std::string buf;
  buf.clear();
  append_canonical(record, buf);
  return XXH3_64bits(buf.data(), buf.size());
}

uint64_t checksum(const Value& value) {
  thread_local std::string buf;
  buf.clear();
  append_canonical(value, buf);
  return XXH3_64bits(buf.data(), buf.size());
}

}  // namespace crmsync
