#include "sandbox/common/webhook_dispatcher.h"

#include <chrono>
#include <memory>

#include "net/http_client.h"
#include "sandbox/common/json_object.h"

namespace crmsync::sandbox {

namespace {
int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

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
  queue_.push(Job{steady_ms(), 1, std::make_shared<WebhookDelivery>(std::move(delivery))});
  wake_.notify_one();
}

void WebhookDispatcher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

std::vector<DeliveryAttempt> WebhookDispatcher::attempts() const {
  std::lock_guard lock(mu_);
  return attempts_;
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
    lock.unlock();  // deliveries take up to the timeout; enqueue must not wait
    DeliveryAttempt result = send(job);
    lock.lock();
    attempts_.push_back(result);
    size_t retry = static_cast<size_t>(job.attempt - 1);
    if (!result.delivered && retry < retry_delays_secs_.size()) {
      auto delay_ms = static_cast<int64_t>(retry_delays_secs_[retry] * time_scale_ * 1000);
      queue_.push(Job{steady_ms() + delay_ms, job.attempt + 1, job.delivery});
    }
  }
}

DeliveryAttempt WebhookDispatcher::send(const Job& job) {
  // One client per attempt: subscription URLs differ and a failed peer
  // should not leave a half-dead connection for the next one.
  net::HttpClient client;
  net::HttpClientRequest req;
  req.method = "POST";
  req.url = job.delivery->url;
  req.body = job.delivery->make_body(job.attempt);
  req.timeout_secs = timeout_secs_;
  req.headers.emplace("Content-Type", "application/json");
  if (!job.delivery->basic_user.empty())
    req.headers.emplace("Authorization", "Basic " + base64_encode(job.delivery->basic_user + ":" +
                                                                  job.delivery->basic_password));
  auto res = client.send(req);
  DeliveryAttempt attempt;
  attempt.webhook_id = job.delivery->webhook_id;
  attempt.attempt = job.attempt;
  attempt.status = res.ok() ? res->status : 0;
  attempt.delivered = res.ok() && res->status >= 200 && res->status < 300;
  return attempt;
}

}  // namespace crmsync::sandbox
