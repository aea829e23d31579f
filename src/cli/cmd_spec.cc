#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "config/loader.h"
#include "config/spec.h"
#include "connectors/registry.h"

namespace crmsync::cli {

// `crmsync spec` prints the JSON Schema of the config file (for editors);
// `crmsync spec TYPE` the reference of one connector, in Markdown.
int cmd_spec(const Args& args) {
  const ConnectorRegistry& reg = ConnectorRegistry::instance();
  if (args.positional.empty()) {
    std::vector<ComponentSpec> specs;
    for (const ConnectorFactory& f : reg.all()) specs.push_back(f.spec);
    outf("%s\n", render_json_schema(specs).c_str());
    return kExitOk;
  }
  const ConnectorFactory* f = reg.find(args.positional[0]);
  if (f == nullptr) {
    std::string hint = did_you_mean(args.positional[0], reg.types());
    return fail(kExitUsage, "no connector type '" + args.positional[0] + "'" +
                                (hint.empty() ? "" : "; " + hint));
  }
  outf("%s", render_markdown(f->spec).c_str());
  return kExitOk;
}

}  // namespace crmsync::cli
