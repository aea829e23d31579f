#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/commands.h"
#include "cli/init_files.h"
#include "cli/output.h"

namespace crmsync::cli {

namespace fs = std::filesystem;

// Writes a commented example config and the sample data it syncs, so that
// `crmsync run` works at once. Never overwrites without --force.
int cmd_init(const Args& args) {
  fs::path dir = args.positional.empty() ? fs::path(".") : fs::path(args.positional[0]);
  std::vector<InitFile> files = init_files();
  if (!args.force) {
    for (const InitFile& f : files) {
      if (fs::exists(dir / f.path)) {
        return fail(kExitUsage, (dir / f.path).string() +
                                    " already exists; use --force to overwrite the example files");
      }
    }
  }
  std::error_code ec;
  for (const InitFile& f : files) {
    fs::path p = dir / f.path;
    fs::create_directories(p.parent_path(), ec);
    if (ec)
      return fail(kExitUsage, "cannot create " + p.parent_path().string() + ": " + ec.message());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << f.content;
    out.close();
    if (!out) return fail(kExitUsage, "cannot write " + p.string());
    if (!args.json) outf("wrote %s\n", p.string().c_str());
  }
  if (!args.json) {
    std::string cfg = (dir / "crmsync.yaml").string();
    outf("\nnext:\n  crmsync -c %s validate\n  crmsync -c %s plan\n  crmsync -c %s run\n",
         cfg.c_str(), cfg.c_str(), cfg.c_str());
  }
  return kExitOk;
}

}  // namespace crmsync::cli
