#include "net/gzip_body.h"

#include <zlib.h>

namespace crmsync::net {

namespace {
bool compressible(std::string_view type) {
  if (type.rfind("text/event-stream", 0) == 0) return false;
  return type.rfind("text/", 0) == 0 || type.find("json") != std::string_view::npos ||
         type.find("xml") != std::string_view::npos ||
         type.find("javascript") != std::string_view::npos;
}
}  // namespace

std::string gzip(std::string_view data) {
  z_stream z{};
  // 15 window bits + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return "";
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : "";
}

void gzip_if_accepted(const HttpRequest& request, HttpResponse& response) {
  if (response.body.empty() || response.header("content-encoding")) return;
  auto accept = request.header("accept-encoding");
  if (!accept || accept->find("gzip") == std::string::npos) return;
  auto type = response.header("content-type").value_or(response.content_type);
  if (!compressible(type)) return;
  std::string zipped = gzip(response.body);
  if (zipped.empty()) return;
  response.body = std::move(zipped);
  response.headers.emplace("Content-Encoding", "gzip");
}

}  // namespace crmsync::net
