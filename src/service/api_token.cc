// load_or_create_api_token (api.h): the bearer token of `crmsync serve`.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/redact.h"
#include "net/crypto.h"
#include "service/api.h"

namespace crmsync::service {
namespace {

constexpr size_t kMinTokenLength = 16;
constexpr size_t kTokenBytes = 32;

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

Error file_error(const std::string& path, const std::string& what) {
  return Error(ErrorKind::fatal, "API token file " + path + ": " + what);
}

// Reads an existing token file; refuses one that others may read.
Result<std::string> read_token_file(const std::string& path, int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return file_error(path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return file_error(path, "not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return file_error(path, std::string("readable by group or others (mode ") + mode +
                                "); run `chmod 600 " + path + "` and start again");
  }
  std::string text;
  char buf[512];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return file_error(path, std::strerror(errno));
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > 4096) return file_error(path, "longer than 4096 bytes: not a token file");
  }
  std::string token = trimmed(std::move(text));
  if (token.size() < kMinTokenLength)
    return file_error(path, "holds " + std::to_string(token.size()) +
                                " characters; a token needs at least 16 (delete the file to "
                                "have a new one generated)");
  return token;
}

// Writes a new token into a file that did not exist (O_EXCL); "" when
// another process created it first.
Result<std::string> create_token_file(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) return std::string();
  if (fd < 0) return file_error(path, std::string("cannot create: ") + std::strerror(errno));
  std::string token = hex(net::random_bytes(kTokenBytes));
  std::string line = token + "\n";
  bool ok = fchmod(fd, 0600) == 0;
  size_t written = 0;
  while (ok && written < line.size()) {
    ssize_t n = write(fd, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  int saved = errno;
  close(fd);
  if (!ok) {
    unlink(path.c_str());  // a half-written token would lock everyone out
    return file_error(path, std::string("cannot write: ") + std::strerror(saved));
  }
  return token;
}

}  // namespace

std::string api_token_path(const std::string& state_path) {
  std::filesystem::path dir = std::filesystem::path(state_path).parent_path();
  if (dir.empty()) dir = ".";
  return (dir / "api-token").string();
}

Result<std::string> load_or_create_api_token(const std::string& state_path, bool& created) {
  created = false;
  if (const char* env = std::getenv("CRMSYNC_API_TOKEN"); env && *env) {
    std::string token = trimmed(env);
    if (token.size() < kMinTokenLength)
      return Error(ErrorKind::fatal,
                   "CRMSYNC_API_TOKEN is " + std::to_string(token.size()) +
                       " characters long; an API token needs at least 16 (e.g. `openssl rand "
                       "-hex 32`)");
    register_secret(token);
    return token;
  }
  std::string path = api_token_path(state_path);
  // Two attempts: a file another process creates between our open and our
  // O_EXCL create is read on the second.
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      auto token = read_token_file(path, fd);
      close(fd);
      if (token) register_secret(*token);
      return token;
    }
    if (errno != ENOENT)
      return file_error(path, std::string("cannot open: ") + std::strerror(errno));
    auto made = create_token_file(path);
    if (!made) return made.error();
    if (!made->empty()) {
      register_secret(*made);
      created = true;
      return made;
    }
  }
  return file_error(path, "appeared and vanished while it was being read; start again");
}

}  // namespace crmsync::service
