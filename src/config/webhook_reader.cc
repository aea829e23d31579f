#include "config/webhook_reader.h"

#include <algorithm>

#include "config/duration.h"
#include "core/redact.h"

namespace crmsync {
namespace {

// A path secret sits in a URL and in access logs of proxies in front of
// serve: long enough not to be guessed, and only characters that need no
// escaping.
constexpr size_t kMinPathSecret = 16;

bool url_safe(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
  });
}

void read_place(YamlReader& r, const YAML::Node& n, const std::string& key, std::string& out) {
  auto t = r.text(n, key);
  if (!t) return;
  if (t->rfind("query.", 0) != 0 && t->rfind("header.", 0) != 0 && t->rfind("body.", 0) != 0) {
    r.error(n, key,
            "expected where the delivery names it: query.NAME, header.NAME or body.PATH, found '" +
                *t + "'");
    return;
  }
  if (t->find('.') + 1 == t->size()) {
    r.error(n, key, "'" + *t + "' names no parameter, header or field after the dot");
    return;
  }
  out = *t;
}

void read_name_map(YamlReader& r, const YAML::Node& n, const std::string& key, bool actions,
                   std::map<std::string, std::string>& out) {
  if (!r.expect_map(n, key, {})) return;
  for (const auto& kv : n) {
    std::string from = kv.first.as<std::string>("");
    auto to = r.text(kv.second, key + "." + from);
    if (!to) continue;
    if (actions && *to != "create" && *to != "update" && *to != "delete") {
      r.error(kv.second, key + "." + from,
              "expected create, update or delete, found '" + *to + "'");
      continue;
    }
    out[from] = *to;
  }
}

}  // namespace

void read_webhooks(YamlReader& r, const YAML::Node& n, const std::string& key, WebhookConfig& w) {
  w.location = r.where(n, key);
  if (!r.expect_map(n, key,
                    {"scheme", "user", "password", "secrets", "path_secret", "tolerance",
                     "event_id", "object", "id", "action", "actions", "objects"})) {
    return;
  }
  if (!n["scheme"]) {
    r.error(n, key + ".scheme",
            "missing required key 'scheme' (pipedrive, standard or path_secret)");
    return;
  }
  auto scheme = r.text(n["scheme"], key + ".scheme");
  if (!scheme) return;
  if (*scheme == "pipedrive") {
    w.scheme = WebhookConfig::Scheme::pipedrive;
  } else if (*scheme == "standard") {
    w.scheme = WebhookConfig::Scheme::standard;
  } else if (*scheme == "path_secret") {
    w.scheme = WebhookConfig::Scheme::path_secret;
  } else {
    r.error(n["scheme"], key + ".scheme",
            "expected pipedrive, standard or path_secret, found '" + *scheme + "'");
    return;
  }
  auto& redactor = Redactor::process();
  if (n["user"]) w.user = r.text(n["user"], key + ".user").value_or(w.user);
  if (n["password"]) {
    w.password = r.text(n["password"], key + ".password").value_or("");
    redactor.add(w.password, {w.user});
  }
  if (n["secrets"]) {
    const std::string k = key + ".secrets";
    if (n["secrets"].IsScalar()) {
      if (auto s = r.text(n["secrets"], k)) w.secrets.push_back(*s);
    } else if (n["secrets"].IsSequence()) {
      for (size_t i = 0; i < n["secrets"].size(); ++i) {
        if (auto s = r.text(n["secrets"][i], k + "[" + std::to_string(i) + "]")) {
          w.secrets.push_back(*s);
        }
      }
    } else {
      r.error(n["secrets"], k, "expected a secret or a list of secrets");
    }
    for (const std::string& s : w.secrets) redactor.add(s);
  }
  if (n["path_secret"]) {
    const std::string k = key + ".path_secret";
    if (auto s = r.text(n["path_secret"], k)) {
      redactor.add(*s);
      if (s->size() < kMinPathSecret || !url_safe(*s)) {
        r.error(n["path_secret"], k,
                "expected at least " + std::to_string(kMinPathSecret) +
                    " characters of A-Z a-z 0-9 - _ . ~ (it is part of the URL)");
      } else {
        w.path_secret = *s;
      }
    }
  }
  if (n["tolerance"]) {
    const std::string k = key + ".tolerance";
    if (auto t = r.text(n["tolerance"], k)) {
      auto d = parse_duration_micros(*t);
      if (d.ok()) {
        w.tolerance_micros = *d;
      } else {
        r.error(n["tolerance"], k, d.error().message);
      }
    }
  }
  if (n["event_id"]) read_place(r, n["event_id"], key + ".event_id", w.event_id_at);
  if (n["object"]) read_place(r, n["object"], key + ".object", w.object_at);
  if (n["id"]) read_place(r, n["id"], key + ".id", w.id_at);
  if (n["action"]) read_place(r, n["action"], key + ".action", w.action_at);
  if (n["actions"]) read_name_map(r, n["actions"], key + ".actions", true, w.actions);
  if (n["objects"]) read_name_map(r, n["objects"], key + ".objects", false, w.objects);

  switch (w.scheme) {
    case WebhookConfig::Scheme::pipedrive:
      if (w.password.empty()) {
        r.error(n, key + ".password",
                "scheme pipedrive needs 'password': the basic-auth password Pipedrive sends");
      }
      break;
    case WebhookConfig::Scheme::standard:
      if (w.secrets.empty()) {
        r.error(n, key + ".secrets", "scheme standard needs 'secrets': the signing key(s)");
      }
      break;
    case WebhookConfig::Scheme::path_secret:
      if (!n["path_secret"]) {
        r.error(n, key + ".path_secret",
                "scheme path_secret needs 'path_secret': the secret last segment of the URL");
      }
      break;
  }
}

void read_serve(YamlReader& r, const YAML::Node& n, ServeConfig& s) {
  s.location = r.where(n, "serve");
  if (!r.expect_map(n, "serve", {"public_url"})) return;
  if (n["public_url"]) {
    if (auto u = r.text(n["public_url"], "serve.public_url")) {
      if (u->rfind("https://", 0) != 0 && u->rfind("http://", 0) != 0) {
        r.error(n["public_url"], "serve.public_url",
                "expected an http:// or https:// URL, found '" + *u + "'");
      } else {
        while (!u->empty() && u->back() == '/') u->pop_back();
        s.public_url = *u;
      }
    }
  }
}

}  // namespace crmsync
