#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "net/http_server.h"
#include "service/control.h"

namespace crmsync::service {

// Feeds every open GET /runs/{id}/events stream (Server-Sent Events) from one
// thread: the handler hands its stream over and returns, so 100 open streams
// hold no handler thread. The thread wakes on each progress change
// (ServiceControl::watch_progress) and once a second (a `tick`), and writes:
//   - `event: progress` with `id:` = the progress version, for every version
//     newer than what the client has seen (on this connection or, through
//     Last-Event-ID, an earlier one);
//   - while the run is queued or running, at least one progress event a
//     second: the last one this connection got again (same id), or a
//     `: keep-alive` comment when it has had none yet (a reconnected client
//     is never sent a version it saw);
//   - `event: end` with the final progress once the run ended, then closes.
class ProgressPublisher {
 public:
  explicit ProgressPublisher(ServiceControl& control,
                             std::chrono::milliseconds tick = std::chrono::seconds(1));
  ~ProgressPublisher();  // closes every stream, unwatches, joins
  ProgressPublisher(const ProgressPublisher&) = delete;
  ProgressPublisher& operator=(const ProgressPublisher&) = delete;

  // Takes over `stream` for run `run_id`; `seen_version` from Last-Event-ID
  // (0: none). Any thread; returns at once.
  void add(int64_t run_id, uint64_t seen_version, std::shared_ptr<net::ResponseStream> stream);
  size_t open_streams() const { return inbox_->open.load(); }

 private:
  using Steady = std::chrono::steady_clock;
  struct Stream {
    int64_t run_id = 0;
    uint64_t seen_version = 0;     // newest version the client has
    std::string last_event;        // the last progress event sent on this connection
    Steady::time_point last_sent;  // of anything (event or comment)
    bool fresh = true;             // nothing sent yet beyond the preamble
    std::shared_ptr<net::ResponseStream> out;
  };

  // What the service's listener and the handlers hand to the thread. Shared
  // with the listener, so that a change reported while unwatch_progress
  // returns touches this and never a destroyed publisher.
  struct Inbox {
    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    std::vector<Stream> arrivals;            // added since the last wake
    std::map<int64_t, int> watched;          // open streams per run: others' changes are dropped
    std::map<int64_t, RunProgress> changed;  // latest change per watched run since the last wake
    std::atomic<size_t> open = 0;
  };
  static void on_progress(Inbox& inbox, const RunProgress& progress);

  void loop();
  // Writes what `stream` needs given its run's progress (nullopt: the run
  // vanished); false when the stream is done (ended, or the client left).
  bool serve(Stream& stream, const std::optional<RunProgress>& progress, Steady::time_point now,
             bool tick);

  ServiceControl& control_;
  std::chrono::milliseconds tick_;
  std::shared_ptr<Inbox> inbox_;
  int64_t watch_handle_ = 0;
  std::thread thread_;
};

}  // namespace crmsync::service
