#pragma once

#include <cstddef>
#include <functional>

namespace crmsync::net {

// Runs task(0) .. task(count - 1) with at most `max_parallel` running at
// once (the calling thread is one of them) and returns when all are done.
// Tasks start in index order; each writes its own result slot, so callers
// keep results in order without locks. Tasks must not throw.
// For sending a connection's independent calls concurrently (Salesforce
// collection chunks) while keeping under the connection's parallel limit.
void run_bounded_parallel(size_t count, size_t max_parallel,
                          const std::function<void(size_t)>& task);

}  // namespace crmsync::net
