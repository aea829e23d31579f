#include "sandbox/salesforce/sessions.h"

namespace crmsync::sandbox::salesforce {

void Sessions::set_lifetime_secs(int64_t secs) {
  std::lock_guard lock(mutex_);
  lifetime_secs_ = secs;
}

void Sessions::set_expire_every_secs(int64_t secs) {
  std::lock_guard lock(mutex_);
  expire_every_secs_ = secs;
}

std::string Sessions::random_text(size_t n) {
  static const char* k = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._";
  std::string out;
  for (size_t i = 0; i < n; ++i) out += k[rng_() % 64];
  return out;
}

std::string Sessions::issue(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  std::string token = org_id_.substr(0, 15) + "!AQ" + random_text(96);
  access_[token] = Session{user_id, clock_()};
  return token;
}

std::string Sessions::issue_refresh(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  std::string token = "5Aep" + random_text(83);
  refresh_[token] = user_id;
  return token;
}

std::optional<std::string> Sessions::user_of(const std::string& token) {
  std::lock_guard lock(mutex_);
  auto it = access_.find(token);
  if (it == access_.end()) return std::nullopt;
  int64_t now = clock_();
  int64_t issued = it->second.issued_micros;
  bool expired = now - issued >= lifetime_secs_ * 1000000;
  if (expire_every_secs_ > 0) {
    int64_t period = expire_every_secs_ * 1000000;
    expired = expired || now / period != issued / period;
  }
  if (expired) {
    access_.erase(it);
    return std::nullopt;
  }
  return it->second.user_id;
}

std::optional<std::string> Sessions::user_of_refresh(const std::string& token) {
  std::lock_guard lock(mutex_);
  auto it = refresh_.find(token);
  if (it == refresh_.end()) return std::nullopt;
  return it->second;
}

std::string Sessions::issue_code(AuthCode code) {
  std::lock_guard lock(mutex_);
  code.issued_micros = clock_();
  // Real codes look like "aPrx..." and end in "==".
  std::string text = "aPrx" + random_text(80) + "==";
  codes_[text] = std::move(code);
  return text;
}

std::optional<Sessions::AuthCode> Sessions::take_code(const std::string& code) {
  std::lock_guard lock(mutex_);
  auto it = codes_.find(code);
  if (it == codes_.end()) return std::nullopt;
  AuthCode out = std::move(it->second);
  codes_.erase(it);
  return out;
}

bool Sessions::revoke(const std::string& token) {
  std::lock_guard lock(mutex_);
  return access_.erase(token) + refresh_.erase(token) > 0;
}

void Sessions::clear() {
  std::lock_guard lock(mutex_);
  access_.clear();
  refresh_.clear();
  codes_.clear();
}

}  // namespace crmsync::sandbox::salesforce
