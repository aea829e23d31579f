// `crmsync discover CONNECTION [OBJECT...]`: what a connection holds (its
// tables, views, files or API objects) and each object's fields with their
// types, nullability and keys, to write a mapping against.
#include <algorithm>
#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "connectors/registry.h"

namespace crmsync::cli {
namespace {

struct Discovered {
  std::string object;
  std::optional<ObjectSchema> schema;
  std::string error;
};

Value discovered_json(const std::string& connection, const std::vector<Discovered>& found) {
  Array objects;
  for (const Discovered& d : found) {
    Object o{{"name", Value(d.object)}};
    if (!d.schema) {
      o.push_back({"error", Value(d.error)});
      objects.push_back(Value(std::move(o)));
      continue;
    }
    o.push_back({"id_field", Value(d.schema->id_field)});
    Array fields;
    for (const FieldInfo& f : d.schema->fields) {
      fields.push_back(Value(Object{{"name", Value(f.name)},
                                    {"type", Value(std::string(to_string(f.type)))},
                                    {"nullable", Value(f.nullable)},
                                    {"key", Value(f.key)}}));
    }
    o.push_back({"fields", Value(std::move(fields))});
    objects.push_back(Value(std::move(o)));
  }
  return Value(Object{{"connection", Value(connection)}, {"objects", Value(std::move(objects))}});
}

void print_discovered(const std::vector<Discovered>& found) {
  for (const Discovered& d : found) {
    if (!d.schema) {
      outf("%s: cannot describe: %s\n\n", d.object.c_str(), d.error.c_str());
      continue;
    }
    outf("%s (%zu fields, id %s)\n", d.object.c_str(), d.schema->fields.size(),
         d.schema->id_field.c_str());
    size_t width = 4;
    for (const FieldInfo& f : d.schema->fields) width = std::max(width, f.name.size());
    for (const FieldInfo& f : d.schema->fields) {
      std::string notes;
      if (f.key) notes += " key";
      if (!f.nullable) notes += " not-null";
      outf("  %-*s  %-9s%s\n", static_cast<int>(width), f.name.c_str(),
           std::string(to_string(f.type)).c_str(), notes.c_str());
    }
    outf("\n");
  }
}

}  // namespace

int cmd_discover(const Args& args) {
  if (args.positional.empty()) {
    return fail(kExitUsage,
                "discover needs a connection name: crmsync discover CONNECTION "
                "[OBJECT...]");
  }
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;
  const std::string& name = args.positional[0];
  auto cfg = std::find_if(config->connections.begin(), config->connections.end(),
                          [&](const ConnectionConfig& c) { return c.name == name; });
  if (cfg == config->connections.end()) {
    std::string known;
    for (const ConnectionConfig& c : config->connections) {
      known += (known.empty() ? "" : ", ") + c.name;
    }
    return fail(kExitUsage, "no connection named '" + name + "' (connections: " + known + ")");
  }
  auto conn = ConnectorRegistry::instance().create(*cfg, ConnectorContext{config->dir});
  if (!conn) return fail(kExitConnection, "connection " + name + ": " + conn.error().message);

  std::vector<std::string> objects(args.positional.begin() + 1, args.positional.end());
  if (objects.empty()) {
    auto listed = (*conn)->list_objects();
    if (!listed) return fail(kExitConnection, "connection " + name + ": " + listed.error().message);
    objects = std::move(*listed);
  }
  std::vector<Discovered> found;
  bool failed = false;
  for (const std::string& object : objects) {
    Discovered d{object, std::nullopt, {}};
    auto schema = (*conn)->describe(object);
    if (schema) {
      d.schema = std::move(*schema);
    } else {
      d.error = schema.error().message;
      failed = true;
    }
    found.push_back(std::move(d));
  }
  if (args.json) {
    print_json(discovered_json(name, found));
  } else if (found.empty()) {
    outf("connection %s holds no objects\n", name.c_str());
  } else {
    print_discovered(found);
  }
  return failed ? kExitConnection : kExitOk;
}

}  // namespace crmsync::cli
