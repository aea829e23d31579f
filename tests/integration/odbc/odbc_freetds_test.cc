#include <gtest/gtest.h>

#include "connectors/registry.h"
#include "support/odbc_test_drivers.h"

namespace crmsync::testing {
namespace {

// There is no SQL Server here. What can be proven: the FreeTDS driver
// loads by its odbcinst.ini name, speaks TDS to the given host and port,
// and a refused connection is a retryable error that names the server and
// never the password.
TEST(OdbcFreeTds, DriverLoadsAndARefusedConnectionIsRetryableWithoutThePassword) {
  use_test_odbc_drivers();
  const std::string secret = "Sql-Server-Secret-9";
  ConnectionConfig c;
  c.name = "mssql";
  c.type = "odbc";
  c.options.values = Value(Object{{"driver", Value("FreeTDS")},
                                  {"dialect", Value("sqlserver")},
                                  {"host", Value("127.0.0.1")},
                                  {"port", Value(int64_t{free_loopback_port()})},
                                  {"database", Value("crm")},
                                  {"user", Value("sa")},
                                  {"password", Value(secret)},
                                  {"connect_timeout_secs", Value(int64_t{5})}});
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{});
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  Status s = (*conn)->check();
  ASSERT_FALSE(s.ok());
  const std::string& m = s.error().message;
  EXPECT_EQ(s.error().kind, ErrorKind::retryable) << m;
  EXPECT_EQ(m.find(secret), std::string::npos) << m;
  EXPECT_NE(m.find("odbc sqlserver 127.0.0.1"), std::string::npos) << m;
  // The driver manager found the driver: a load failure would be IM002/IM003.
  EXPECT_EQ(m.find("IM00"), std::string::npos) << m;
}

// A driver name that is not registered is a setup error (fatal), not a retry.
TEST(OdbcFreeTds, UnknownDriverIsFatal) {
  use_test_odbc_drivers();
  ConnectionConfig c;
  c.name = "x";
  c.type = "odbc";
  c.options.values = Value(Object{{"driver", Value("No Such Driver")}, {"database", Value("x")}});
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{});
  ASSERT_TRUE(conn.ok());
  Status s = (*conn)->check();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::fatal) << s.error().message;
}

}  // namespace
}  // namespace crmsync::testing
