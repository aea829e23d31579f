#include "connectors/file/file_config.h"

#include <filesystem>

#include "connectors/file/file_connection.h"
#include "connectors/option_values.h"

namespace crmsync {

FileFormat FileConfig::format_of(const std::string& object) const {
  if (format == "csv") return FileFormat::csv;
  if (format == "jsonl") return FileFormat::jsonl;
  std::string ext = std::filesystem::path(object).extension().string();
  return ext == ".jsonl" || ext == ".ndjson" ? FileFormat::jsonl : FileFormat::csv;
}

std::string FileConfig::path_of(const std::string& object) const {
  return (std::filesystem::path(dir) / object).string();
}

ComponentSpec file_spec() {
  ComponentSpec s;
  s.type = "file";
  s.summary =
      "CSV and JSON Lines files in a directory. Each file is an object (`customers.csv`). "
      "Reads stream the file; writes append new records and rewrite the file atomically "
      "(temporary file + rename) when records change or are deleted.";
  using T = OptionSpec::Type;
  s.options = {
      {"dir",
       T::path,
       false,
       Value("."),
       "directory of the files, relative to the config file",
       "data",
       false,
       {}},
      {"format",
       T::enumeration,
       false,
       Value("auto"),
       "file format; auto picks by extension (.jsonl/.ndjson = JSON Lines, else CSV)",
       "csv",
       false,
       {"auto", "csv", "jsonl"}},
      {"delimiter",
       T::string,
       false,
       Value(","),
       "CSV field delimiter (one character)",
       ";",
       false,
       {}},
      {"empty_as_null",
       T::boolean,
       false,
       Value(true),
       "read empty CSV cells as null",
       "false",
       false,
       {}},
      {"encoding",
       T::enumeration,
       false,
       Value("utf-8"),
       "text encoding of the files read: utf-8, latin1, cp1252, utf-16 (by its byte order "
       "mark), utf-16le, utf-16be. A UTF-16 byte order mark is always honoured. Bytes not "
       "valid in the encoding make their row an error (file:line and byte offset); files are "
       "written as UTF-8",
       "cp1252",
       false,
       {"utf-8", "latin1", "cp1252", "utf-16", "utf-16le", "utf-16be"}},
      {"create_dirs",
       T::boolean,
       false,
       Value(true),
       "create the directory when a target file is first written",
       "true",
       false,
       {}},
  };
  return s;
}

void register_file_connector(ConnectorRegistry& registry) {
  registry.add(ConnectorFactory{
      file_spec(),
      [](const ConnectionConfig& cfg, const OptionSet& o,
         const ConnectorContext& ctx) -> Result<std::unique_ptr<Connection>> {
        FileConfig c;
        c.dir = option_path(o, "dir", ctx.config_dir, ".");
        c.format = option_text(o, "format", "auto");
        std::string d = option_text(o, "delimiter", ",");
        if (d.size() != 1) {
          return Error(ErrorKind::fatal, cfg.name + ": delimiter must be one character");
        }
        c.delimiter = d[0];
        c.empty_as_null = option_bool(o, "empty_as_null", true);
        c.create_dirs = option_bool(o, "create_dirs", true);
        auto enc = parse_text_encoding(option_text(o, "encoding", "utf-8"));
        if (!enc) return Error(ErrorKind::fatal, cfg.name + ": unknown encoding");
        c.encoding = *enc;
        return std::unique_ptr<Connection>(new FileConnection(std::move(c)));
      }});
}

}  // namespace crmsync
