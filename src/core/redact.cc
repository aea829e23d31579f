#include "core/redact.h"

#include <algorithm>
#include <mutex>

#include "core/base64.h"
#include "core/json.h"
#include "core/utf8.h"

namespace crmsync {
namespace {

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view s, bool lower_hex, bool space_plus) {
  const char* hex = lower_hex ? "0123456789abcdef" : "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ' && space_plus) {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string json_escaped(std::string_view s) {
  std::string out;
  append_json_string(s, out);
  return out.substr(1, out.size() - 2);
}

std::string without_padding(std::string s) {
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

// Where a text may have been cut short: its end, and before each "..." or
// "…" (U+2026).
std::vector<size_t> cut_points(std::string_view text) {
  std::vector<size_t> out;
  for (size_t at = text.find("..."); at != std::string_view::npos; at = text.find("...", at + 3))
    out.push_back(at);
  for (size_t at = text.find("\xE2\x80\xA6"); at != std::string_view::npos;
       at = text.find("\xE2\x80\xA6", at + 3))
    out.push_back(at);
  out.push_back(text.size());
  return out;
}

}  // namespace

Redactor& Redactor::process() {
  static Redactor instance;
  return instance;
}

void Redactor::add_form(std::string form) {
  if (form.size() < kMinSecretLength) return;
  if (std::find(forms_.begin(), forms_.end(), form) != forms_.end()) return;
  auto at = std::find_if(forms_.begin(), forms_.end(),
                         [&](const std::string& f) { return f.size() < form.size(); });
  forms_.insert(at, std::move(form));
}

void Redactor::add(std::string_view secret, const std::vector<std::string>& users) {
  if (secret.empty()) return;
  std::unique_lock lock(mu_);
  add_form(std::string(secret));
  add_form(percent_encode(secret, false, false));
  add_form(percent_encode(secret, true, false));
  add_form(percent_encode(secret, false, true));
  add_form(percent_encode(secret, true, true));
  std::string json = json_escaped(secret);
  add_form(json);
  std::string slashes;  // some encoders also escape '/'
  for (char c : json) slashes += c == '/' ? std::string("\\/") : std::string(1, c);
  add_form(slashes);
  if (secret.size() >= kMinSecretLength) {
    add_form(base64_encode(secret));
    add_form(without_padding(base64_encode(secret)));
    add_form(base64_encode(secret, true));
  }
  // A key sent as the Basic user with an empty password.
  add_form(base64_encode(std::string(secret) + ":"));
  for (const std::string& user : users) {
    if (user.empty()) continue;
    std::string pair = user + ":" + std::string(secret);
    add_form(base64_encode(pair));
    add_form(without_padding(base64_encode(pair)));
    add_form(base64_encode(pair, true));
  }
}

std::string Redactor::redact(std::string_view text) const {
  std::shared_lock lock(mu_);
  if (forms_.empty() || text.empty()) return std::string(text);
  std::string out(text);
  for (const std::string& form : forms_) {
    for (size_t at = out.find(form); at != std::string::npos; at = out.find(form, at)) {
      out.replace(at, form.size(), kMask);
      at += kMask.size();
    }
  }
  // A secret cut short by an excerpt limit still leaks its first part.
  // Cut points are re-found after each replacement (offsets move).
  for (const std::string& form : forms_) {
    std::vector<size_t> cuts = cut_points(out);
    for (auto cut = cuts.rbegin(); cut != cuts.rend(); ++cut) {
      size_t longest = std::min(form.size() - 1, *cut);
      for (size_t len = longest; len >= kMinSecretLength; --len) {
        if (out.compare(*cut - len, len, form, 0, len) == 0) {
          out.replace(*cut - len, len, kMask);
          break;
        }
      }
    }
  }
  return out;
}

size_t Redactor::form_count() const {
  std::shared_lock lock(mu_);
  return forms_.size();
}

void Redactor::clear() {
  std::unique_lock lock(mu_);
  forms_.clear();
}

void register_secret(std::string_view secret, const std::vector<std::string>& users) {
  Redactor::process().add(secret, users);
}

std::string redact(std::string_view text) {
  return Redactor::process().redact(text);
}

std::string scrub(std::string_view text) {
  return to_valid_utf8(Redactor::process().redact(text));
}

}  // namespace crmsync
