// The webhook SSRF guard: address classes, the policy, and the check at connect time against a
// real HTTP server on loopback.
#include "channels/target_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include <cstring>

#include "channels/fake_server.h"
#include "channels/http.h"
#include "support/temp_dir.h"

namespace dunghan::channels {
namespace {

AddressClass of(const char* text) {
  sockaddr_storage ss{};
  if (inet_pton(AF_INET, text, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr) == 1) {
    ss.ss_family = AF_INET;
  } else if (inet_pton(AF_INET6, text, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr) == 1) {
    ss.ss_family = AF_INET6;
  } else {
    ADD_FAILURE() << "not an address: " << text;
  }
  return classify_address(reinterpret_cast<const sockaddr*>(&ss));
}

TEST(ClassifyAddress, PublicAddresses) {
  for (const char* a : {"8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255",
                        "100.128.0.1", "223.255.255.254", "2001:4860:4860::8888", "2405:4800::1"}) {
    EXPECT_EQ(of(a), AddressClass::public_internet) << a;
  }
}

TEST(ClassifyAddress, PrivateNetworks) {
  for (const char* a :
       {"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.1.10", "100.64.0.1",
        "100.127.255.255", "fc00::1", "fd12:3456::1", "::ffff:10.1.2.3", "::ffff:192.168.0.1"}) {
    EXPECT_EQ(of(a), AddressClass::private_network) << a;
  }
}

TEST(ClassifyAddress, LinkLocalIncludingCloudMetadata) {
  for (const char* a :
       {"169.254.169.254", "169.254.0.1", "fe80::1", "febf::1", "::ffff:169.254.1.1"}) {
    EXPECT_EQ(of(a), AddressClass::link_local) << a;
  }
}

TEST(ClassifyAddress, Loopback) {
  for (const char* a : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_EQ(of(a), AddressClass::loopback) << a;
  }
}

TEST(ClassifyAddress, NeverReachable) {
  for (const char* a : {"0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250", "240.0.0.1",
                        "255.255.255.255", "::", "ff02::1"}) {
    EXPECT_EQ(of(a), AddressClass::never) << a;
  }
}

TEST(ClassifyLiteral, AcceptsBracketsAndRejectsNames) {
  EXPECT_EQ(classify_literal("10.0.0.5"), AddressClass::private_network);
  EXPECT_EQ(classify_literal("[fe80::1]"), AddressClass::link_local);
  EXPECT_EQ(classify_literal("::1"), AddressClass::loopback);
  EXPECT_FALSE(classify_literal("hooks.example.vn").has_value());
  EXPECT_FALSE(classify_literal("10.0.0").has_value());
}

// One answer to "does this host name this machine", for plain-text transports and the webhook's
// loopback allowance alike.
TEST(LoopbackHost, NamesAndLiteralsOfThisMachine) {
  for (const char* h : {"localhost", "localhost.", "127.0.0.1", "127.12.0.9", "127.255.255.255",
                        "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(is_loopback_host(h)) << h;
  }
  for (const char* h : {"128.0.0.1", "126.255.255.255", "127.0.0.1.evil.com", "example.gov.vn",
                        "localhost.evil.com", "::2", "::ffff:10.0.0.1", "0.0.0.0", "", "127.0.0",
                        "127.000.0.1", "0x7f.0.0.1", "2130706433"}) {
    EXPECT_FALSE(is_loopback_host(h)) << h;  // names that resolve to 127.x are not trusted here
  }
}

TEST(TargetPolicy, DefaultAllowsOnlyPublicAndNamedLoopback) {
  const TargetPolicy pub = policy_for_url("https://hooks.example.vn/x", false);
  EXPECT_TRUE(target_allowed(AddressClass::public_internet, pub));
  EXPECT_FALSE(target_allowed(AddressClass::loopback, pub));  // a name that resolves to 127.x
  EXPECT_FALSE(target_allowed(AddressClass::private_network, pub));
  EXPECT_FALSE(target_allowed(AddressClass::link_local, pub));
  EXPECT_FALSE(target_allowed(AddressClass::never, pub));
  for (const char* url : {"http://127.0.0.1:8080/h", "http://localhost/h", "http://[::1]:9/h"}) {
    const TargetPolicy local = policy_for_url(url, false);
    EXPECT_TRUE(target_allowed(AddressClass::loopback, local)) << url;
    EXPECT_FALSE(target_allowed(AddressClass::private_network, local)) << url;
  }
}

TEST(TargetPolicy, AllowPrivateNetworkOpensPrivateLinkLocalAndLoopbackButNotTheRest) {
  const TargetPolicy p = policy_for_url("https://hooks.so-kh.local/x", true);
  EXPECT_TRUE(target_allowed(AddressClass::private_network, p));
  EXPECT_TRUE(target_allowed(AddressClass::link_local, p));
  EXPECT_TRUE(target_allowed(AddressClass::loopback, p));
  EXPECT_FALSE(target_allowed(AddressClass::never, p));
}

// The check runs inside libcurl's connect: a policy that refuses loopback never reaches the real
// server on 127.0.0.1, and the outcome is a failure for an operator (not a retry), naming the
// address and the setting; the same request with loopback allowed is answered.
TEST(TargetPolicyAtConnect, RefusedAddressNeverReachesTheServer) {
  if (std::getenv("http_proxy") || std::getenv("https_proxy") || std::getenv("all_proxy")) {
    GTEST_SKIP() << "a proxy is configured in the environment; the guard then leaves it to it";
  }
  testing::TempDir dir;
  testing::FakeServer server("http_fake.py", dir.path(), {});  // plain HTTP on 127.0.0.1
  CurlHandle handle;
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/hook";
  req.protocols = "http,https";
  req.body = "{}";
  req.headers = {"Content-Type: application/json"};
  req.target_policy = TargetPolicy{false, false};
  const HttpResponse refused = http_post(handle, req);
  EXPECT_EQ(refused.code, CURLE_COULDNT_CONNECT);
  EXPECT_EQ(refused.status, 0);
  EXPECT_EQ(refused.refused_target, "127.0.0.1 (a loopback address)");
  const auto outcome = transport_outcome(refused);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, Outcome::Kind::failed);
  EXPECT_TRUE(outcome->operator_error);
  EXPECT_NE(outcome->detail.find("allow_private_network"), std::string::npos) << outcome->detail;

  req.target_policy = policy_for_url(req.url, false);  // the URL names loopback: allowed
  const HttpResponse answered = http_post(handle, req);
  EXPECT_EQ(answered.code, CURLE_OK) << answered.error;
  EXPECT_GT(answered.status, 0);
  EXPECT_TRUE(answered.refused_target.empty());
  EXPECT_FALSE(transport_outcome(answered).has_value());
}

}  // namespace
}  // namespace dunghan::channels
