// The server with TLS on: a client talking HTTPS is served; one talking
// plain HTTP to it is not.
#include <gtest/gtest.h>

#include "net/http_client.h"
#include "net/http_server.h"
#include "support/raw_http.h"
#include "support/temp_dir.h"
#include "support/test_keys.h"

namespace crmsync::net {
namespace {

TEST(HttpServerTls, ServesHttpsWithTheGivenCertificate) {
  crmsync::testing::TempDir dir;
  auto keys = crmsync::testing::make_test_key_pair();
  dir.write("cert.pem", keys.certificate_pem);
  dir.write("key.pem", keys.private_key_pem);
  HttpServerOptions options;
  options.tls_cert_file = dir.file("cert.pem");
  options.tls_key_file = dir.file("key.pem");
  options.header_timeout_ms = 500;
  HttpServer server(options);
  server.on("GET", "/hello/(\\w+)", [](const HttpRequest& req, HttpResponse& res) {
    res.body = "{\"hello\":\"" + req.matches[1] + "\"}";
  });
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  ASSERT_TRUE(server.start().ok());

  HttpClient client;
  HttpClientRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/hello/tls";
  req.verify_tls = false;  // self-signed, made just now
  req.timeout_secs = 5;
  for (int i = 0; i < 2; ++i) {
    auto res = client.send(req);
    ASSERT_TRUE(res.ok()) << res.error().to_string();
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, R"({"hello":"tls"})");
  }

  crmsync::testing::RawConnection plain(server.port());
  plain.send_all("GET /hello/x HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(crmsync::testing::RawConnection::status_of(plain.read_response()), -1);
}

TEST(HttpServerTls, MissingCertificateFailsListen) {
  HttpServerOptions options;
  options.tls_cert_file = "/nonexistent/cert.pem";
  options.tls_key_file = "/nonexistent/key.pem";
  HttpServer server(options);
  Status s = server.listen("127.0.0.1", 0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::fatal);
}

}  // namespace
}  // namespace crmsync::net
