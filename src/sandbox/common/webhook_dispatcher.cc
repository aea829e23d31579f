#include "sandbox/common/webhook_dispatcher.h"

#include <chrono>
#include <memory>

#include "core/json.h"
#include "net/http_client.h"
#include "sandbox/common/json_object.h"

namespace crmsync::sandbox {

namespace {
int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
int64_t system_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Result<DeliveryControls> parse_delivery_controls(std::string_view json, DeliveryControls base) {
  auto parsed = parse_json(json);
  if (!parsed.ok()) return parsed.error().with_context("webhook delivery controls");
  if (!parsed->is_object())
    return Error(ErrorKind::rejected, "webhook delivery controls: expected an object");
  for (const auto& [key, value] : parsed->as_object()) {
    if (key == "paused") {
      if (!value.is_bool())
        return Error(ErrorKind::rejected,
                     "webhook delivery controls: paused must be true or false");
      base.paused = value.as_bool();
    } else if (key == "duplicate_rate") {
      double rate = value.is_number() ? std::stod(value.to_text()) : -1;
      if (rate < 0 || rate > 1)
        return Error(ErrorKind::rejected,
                     "webhook delivery controls: duplicate_rate must be a number 0..1");
      base.duplicate_rate = rate;
    } else if (key == "shuffle_window_ms") {
      if (!value.is_int() || value.as_int() < 0 || value.as_int() > 600000)
        return Error(
            ErrorKind::rejected,
            "webhook delivery controls: shuffle_window_ms must be a whole number 0..600000");
      base.shuffle_window_ms = static_cast<int>(value.as_int());
    } else if (key == "seed") {
      if (!value.is_int() || value.as_int() < 0)
        return Error(ErrorKind::rejected,
                     "webhook delivery controls: seed must be a whole number >= 0");
      base.seed = static_cast<uint64_t>(value.as_int());
    } else {
      return Error(ErrorKind::rejected, "webhook delivery controls: unknown key " + key);
    }
  }
  return base;
}

std::string to_json(const DeliveryControls& c) {
  return std::string("{\"paused\":") + (c.paused ? "true" : "false") +
         ",\"duplicate_rate\":" + std::to_string(c.duplicate_rate) +
         ",\"shuffle_window_ms\":" + std::to_string(c.shuffle_window_ms) +
         ",\"seed\":" + std::to_string(c.seed) + "}";
}

WebhookDispatcher::WebhookDispatcher(std::vector<double> retry_delays_secs, double timeout_secs,
                                     double time_scale)
    : retry_delays_secs_(std::move(retry_delays_secs)),
      timeout_secs_(timeout_secs),
      time_scale_(time_scale),
      thread_([this] { run(); }) {}

WebhookDispatcher::~WebhookDispatcher() {
  stop();
}

void WebhookDispatcher::enqueue(WebhookDelivery delivery) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  if (controls_.paused) {
    DeliveryAttempt lost;
    lost.webhook_id = delivery.webhook_id;
    lost.dropped = true;
    lost.event = delivery.event;
    attempts_.push_back(std::move(lost));
    return;
  }
  // Draws in a fixed order per delivery (copy?, delay, copy's delay), so a
  // seed gives one pattern for one sequence of changes.
  std::uniform_real_distribution<double> unit(0, 1);
  bool twice = controls_.duplicate_rate > 0 && unit(rng_) < controls_.duplicate_rate;
  auto delay = [&] {
    if (controls_.shuffle_window_ms <= 0) return int64_t{0};
    return std::uniform_int_distribution<int64_t>(0, controls_.shuffle_window_ms)(rng_);
  };
  auto shared = std::make_shared<WebhookDelivery>(std::move(delivery));
  int64_t now = steady_ms();
  queue_.push(Job{now + delay(), 1, shared});
  if (twice) queue_.push(Job{now + delay(), 1, shared, true});
  wake_.notify_one();
}

void WebhookDispatcher::set_controls(const DeliveryControls& controls) {
  std::lock_guard lock(mu_);
  if (controls.seed != controls_.seed) rng_.seed(controls.seed);
  controls_ = controls;
}

DeliveryControls WebhookDispatcher::controls() const {
  std::lock_guard lock(mu_);
  return controls_;
}

void WebhookDispatcher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

DeliveryLog WebhookDispatcher::log() const {
  std::lock_guard lock(mu_);
  return DeliveryLog{attempts_, queue_.size() + sending_};
}

void WebhookDispatcher::clear() {
  std::lock_guard lock(mu_);
  queue_ = {};
  attempts_.clear();
}

void WebhookDispatcher::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (queue_.empty()) {
      wake_.wait(lock);
      continue;
    }
    int64_t wait = queue_.top().due_ms - steady_ms();
    if (wait > 0) {
      wake_.wait_for(lock, std::chrono::milliseconds(wait));
      continue;
    }
    Job job = queue_.top();
    queue_.pop();
    ++sending_;
    lock.unlock();  // deliveries take up to the timeout; enqueue must not wait
    DeliveryAttempt result = send(job);
    lock.lock();
    --sending_;
    attempts_.push_back(result);
    size_t retry = static_cast<size_t>(job.attempt - 1);
    if (!result.delivered && retry < retry_delays_secs_.size()) {
      auto delay_ms = static_cast<int64_t>(retry_delays_secs_[retry] * time_scale_ * 1000);
      queue_.push(Job{steady_ms() + delay_ms, job.attempt + 1, job.delivery, job.duplicate});
    }
  }
}

DeliveryAttempt WebhookDispatcher::send(const Job& job) {
  // One client per attempt: subscription URLs differ and a failed peer
  // should not leave a half-dead connection for the next one.
  net::HttpClient client;
  net::HttpClientRequest req;
  req.method = job.delivery->method;
  req.url = job.delivery->url;
  req.timeout_secs = timeout_secs_;
  if (req.method == "GET") {
    req.headers.emplace("Connection", "Keep-Alive");
  } else {
    req.body = job.delivery->make_body(job.attempt);
    req.headers.emplace("Content-Type", "application/json");
  }
  if (!job.delivery->basic_user.empty())
    req.headers.emplace("Authorization", "Basic " + base64_encode(job.delivery->basic_user + ":" +
                                                                  job.delivery->basic_password));
  DeliveryAttempt attempt;
  attempt.sent_at_micros = system_micros();
  auto res = client.send(req);
  attempt.answered_at_micros = system_micros();
  attempt.webhook_id = job.delivery->webhook_id;
  attempt.attempt = job.attempt;
  attempt.duplicate = job.duplicate;
  attempt.event = job.delivery->event;
  attempt.status = res.ok() ? res->status : 0;
  attempt.delivered = res.ok() && res->status >= 200 && res->status < 300;
  return attempt;
}

}  // namespace crmsync::sandbox
