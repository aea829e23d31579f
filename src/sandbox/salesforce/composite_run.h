#pragma once

#include <string>
#include <vector>

#include "core/value.h"
#include "net/http_message.h"
#include "sandbox/salesforce/sandbox_state.h"

namespace crmsync::sandbox::salesforce {

// The answer to one composite subrequest.
struct SubResult {
  std::string reference_id;
  net::HttpResponse res;
  Value body;
};

// Runs composite subrequests (`{"method","url","referenceId","body"}`) in
// order through the router; later ones refer to earlier answers with
// @{referenceId.path}. With `all_or_none`, everything is undone when one
// fails and the others answer 400 PROCESSING_HALTED (composite allOrNone, and
// every graph of composite/graph).
std::vector<SubResult> run_subrequests(SandboxState& s, const std::string& user_id,
                                       const std::string& version, const Array& subs,
                                       bool all_or_none);

// `{"compositeResponse":[{"body","httpHeaders","httpStatusCode","referenceId"}]}`.
void append_composite_response(const std::vector<SubResult>& done, std::string& out);

// A request as the router sees it, from a subrequest's method, URL (path and
// query) and body.
net::HttpRequest sub_request(const std::string& method, const std::string& url, std::string body);

}  // namespace crmsync::sandbox::salesforce
