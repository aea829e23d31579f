#include "service/dashboard_sessions.h"

#include <algorithm>

#include "net/crypto.h"
#include "service/api_http.h"

namespace crmsync::service {
namespace {

std::string random_hex_of(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

DashboardSessions::Created DashboardSessions::create() {
  Created c{random_hex_of(net::random_bytes(32)), random_hex_of(net::random_bytes(32))};
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = clock_.now_micros();
  while (sessions_.size() >= max_sessions_ && !sessions_.empty()) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    sessions_.erase(oldest);
  }
  sessions_[net::sha256(c.id)] = Entry{c.csrf, now};
  return c;
}

std::optional<std::string> DashboardSessions::touch(std::string_view id) {
  std::string key = net::sha256(id);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  int64_t now = clock_.now_micros();
  if (now - it->second.last_used >= idle_micros_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second.csrf;
}

void DashboardSessions::end(std::string_view id) {
  std::string key = net::sha256(id);
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(key);
}

size_t DashboardSessions::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

std::optional<std::string> session_cookie(const net::HttpRequest& request) {
  auto [first, last] = request.headers.equal_range("Cookie");
  for (auto it = first; it != last; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = trim_blanks(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (trim_blanks(pair.substr(0, eq)) == kSessionCookie)
        return std::string(trim_blanks(pair.substr(eq + 1)));
    }
  }
  return std::nullopt;
}

std::string session_set_cookie(std::string_view id, bool secure) {
  std::string out =
      std::string(kSessionCookie) + "=" + std::string(id) + "; Path=/; HttpOnly; SameSite=Strict";
  if (id.empty()) out += "; Max-Age=0";
  if (secure) out += "; Secure";
  return out;
}

bool changes_state(const net::HttpRequest& request) {
  return request.method != "GET" && request.method != "HEAD";
}

SessionVerdict check_session(DashboardSessions& sessions, const net::HttpRequest& request) {
  if (request.header("Authorization")) return {};
  auto id = session_cookie(request);
  if (!id) return {};
  SessionVerdict v;
  v.handled = true;
  auto csrf = sessions.touch(*id);
  if (!csrf) {
    net::HttpResponse r;
    answer_error(r, request_error(401, "session_expired",
                                  "the dashboard session ended (12 h idle, or logged out): log in "
                                  "again"));
    v.refusal = std::move(r);
    return v;
  }
  if (changes_state(request)) {
    auto given = request.header(kCsrfHeader);
    if (!given || !net::equal_in_constant_time(*given, *csrf)) {
      net::HttpResponse r;
      answer_error(r, request_error(403, "csrf_failed",
                                    "a state-changing request from the dashboard needs the "
                                    "session's X-CSRF-Token header"));
      v.refusal = std::move(r);
    }
  }
  return v;
}

}  // namespace crmsync::service
