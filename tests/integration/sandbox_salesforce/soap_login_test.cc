// SOAP login (what jsforce's conn.login(user, pass) sends): the sandbox reads
// the credentials out of the envelope by hand, prefixed or not.
#include <gtest/gtest.h>

#include "sandbox_client.h"

namespace crmsync::sandbox::salesforce {
namespace {

std::string envelope(const std::string& user, const std::string& pass, const std::string& ns) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><soapenv:Envelope "
         "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><" +
         ns + "login xmlns" + (ns.empty() ? "" : ":" + ns.substr(0, ns.size() - 1)) +
         "=\"urn:partner.soap.sforce.com\"><" + ns + "username>" + user + "</" + ns + "username><" +
         ns + "password>" + pass + "</" + ns + "password></" + ns +
         "login></soapenv:Body></soapenv:Envelope>";
}

TEST(SalesforceSoapLogin, ReadsCredentialsWithOrWithoutAPrefix) {
  SandboxClient c;
  for (const std::string ns : {"", "n1:"}) {
    auto ok = c.send("POST", "/services/Soap/u/59.0", envelope("demo@example.com", "demo", ns),
                     false, "text/xml", {{"SOAPAction", "login"}});
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_NE(ok.body.find("<sessionId>"), std::string::npos) << ok.body;
  }
  auto wrong = c.send("POST", "/services/Soap/u/59.0", envelope("demo@example.com", "nope", ""),
                      false, "text/xml");
  EXPECT_EQ(wrong.status, 500);
  EXPECT_NE(wrong.body.find("INVALID_LOGIN"), std::string::npos) << wrong.body;
  auto missing = c.send("POST", "/services/Soap/u/59.0", "<soapenv:Envelope/>", false, "text/xml");
  EXPECT_EQ(missing.status, 500) << missing.body;
}

}  // namespace
}  // namespace crmsync::sandbox::salesforce
