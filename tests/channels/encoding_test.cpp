#include "channels/encoding.h"

#include <gtest/gtest.h>

namespace dunghan::channels {
namespace {

TEST(Base64, RoundTripsEveryLength) {
  const std::string bytes = "\x00\xff\x10 Nguyễn Văn A";
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const std::string s = bytes.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(s)), s) << n;
  }
}

TEST(Base64, KnownValueAndRejectsGarbage) {
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_FALSE(base64_decode("Zm9v!").has_value());
  EXPECT_FALSE(base64_decode("Z").has_value());
}

TEST(StandardWebhooks, MatchesTheReferenceTestVector) {
  // docs/channels.md §5.2, from standard-webhooks' Python test_sign_function.
  EXPECT_EQ(standard_webhooks_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                        "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                                        "{\"test\": 2432232314}"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(StandardWebhooks, SecretThatDoesNotDecodeIsRefused) {
  EXPECT_FALSE(standard_webhooks_signature("whsec_!!!", "a", "1", "{}").has_value());
  EXPECT_FALSE(standard_webhooks_signature("whsec_", "a", "1", "{}").has_value());
}

TEST(GithubStyleHmac, MatchesTheRecomputedCheckValue) {
  // docs/channels.md §5.3.
  const std::string mac = hmac_sha256("It's a Secret to Everybody", "Hello, World!");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : mac) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 15]);
  }
  EXPECT_EQ(hex, "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
}

TEST(HeaderWords, AsciiStaysPlain) {
  EXPECT_EQ(encode_header_words("Hello world"), "Hello world");
}

TEST(HeaderWords, ControlCharactersCannotStartAHeader) {
  const std::string out = encode_header_words("Nguyen\r\nBcc: x@y");
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(out.find('\n'), std::string::npos);
}

TEST(HeaderWords, VietnameseSplitsOnCodePointsWithin36Bytes) {
  const std::string subject =
      "[Nhắc hạn] Hồ sơ H01.23-2026-00001 đến hạn Thứ Hai, 24/02/2026 — "
      "còn 2 ngày làm việc";
  const std::string out = encode_header_words(subject);
  std::string decoded;
  std::size_t pos = 0;
  int words = 0;
  while (pos < out.size()) {
    const auto start = out.find("=?UTF-8?B?", pos);
    ASSERT_NE(start, std::string::npos);
    const auto end = out.find("?=", start + 10);
    ASSERT_NE(end, std::string::npos);
    const auto raw = base64_decode(out.substr(start + 10, end - start - 10));
    ASSERT_TRUE(raw.has_value());
    EXPECT_LE(raw->size(), 36u);
    EXPECT_LE(end + 2 - start, 75u);
    // A word never ends inside a multi-byte sequence: the next byte is not a continuation byte,
    // and the word decodes to complete characters.
    const unsigned char last = static_cast<unsigned char>(raw->back());
    EXPECT_TRUE(last < 0x80 || (last & 0xC0) == 0x80);
    decoded += *raw;
    ++words;
    pos = end + 2;
    if (pos < out.size()) {
      EXPECT_EQ(out.substr(pos, 3), "\r\n ");
      pos += 3;
    }
  }
  EXPECT_GT(words, 1);
  EXPECT_EQ(decoded, subject);
}

TEST(EmailAddress, AcceptsOrdinaryAndRejectsInjection) {
  EXPECT_TRUE(valid_email_address("nguyenvana@example.gov.vn"));
  EXPECT_FALSE(valid_email_address("a@b.c\r\nRCPT TO:<x@y>"));
  EXPECT_FALSE(valid_email_address("a b@c.d"));
  EXPECT_FALSE(valid_email_address("a@@c.d"));
  EXPECT_FALSE(valid_email_address("<a@c.d>"));
  EXPECT_FALSE(valid_email_address("a@c.d,b@e.f"));
  EXPECT_FALSE(valid_email_address("nguyễn@c.d"));
  EXPECT_FALSE(valid_email_address("@c.d"));
  EXPECT_FALSE(valid_email_address(std::string(250, 'a') + "@c.d"));
}

TEST(Mailbox, ParsesDisplayNameForms) {
  auto m = parse_mailbox("Một cửa BQL KCN <motcua@example.gov.vn>");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->display_name, "Một cửa BQL KCN");
  EXPECT_EQ(m->address, "motcua@example.gov.vn");
  m = parse_mailbox("\"Quoted\" <q@x.vn>");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->display_name, "Quoted");
  m = parse_mailbox("bare@x.vn");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->display_name, "");
  EXPECT_FALSE(parse_mailbox("Name <not an address>").has_value());
}

TEST(Rfc5322Date, FormatsWithTheOffset) {
  // 2026-11-27T13:23:07Z is a Friday; at +07:00 it is 20:23:07.
  const calendar::Instant t = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} +
                              std::chrono::hours{13} + std::chrono::minutes{23} +
                              std::chrono::seconds{7};
  EXPECT_EQ(rfc5322_date(t, calendar::UtcOffset{std::chrono::minutes{420}}),
            "Fri, 27 Nov 2026 20:23:07 +0700");
}

TEST(DeriveId, KeepsSafeKeysAndHashesOthersDeterministically) {
  EXPECT_EQ(derive_id("alert-8821_2026", "t", 48), "alert-8821_2026");
  const std::string a = derive_id("H01.23-2026-00001|rule|1|0|nva|zalo", "t", 48);
  EXPECT_EQ(a, derive_id("H01.23-2026-00001|rule|1|0|nva|zalo", "t", 48));
  EXPECT_LE(a.size(), 48u);
  EXPECT_EQ(a.find_first_not_of("t0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, derive_id("H01.23-2026-00001|rule|1|1|nva|zalo", "t", 48));
}

TEST(Url, SplitsSchemeHostPort) {
  auto u = parse_url("http://[::1]:8080/hook");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "8080");
  u = parse_url("HTTPS://user@Example.VN/x");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "example.vn");
}

TEST(Phone, NormalisesToEightyFour) {
  EXPECT_EQ(normalize_vn_phone("0987654321"), "84987654321");
  EXPECT_EQ(normalize_vn_phone("+84 98-765 4321"), "84987654321");
  EXPECT_EQ(normalize_vn_phone("84987654321"), "84987654321");
  EXPECT_FALSE(normalize_vn_phone("098765432").has_value());
  EXPECT_FALSE(normalize_vn_phone("0987654321x").has_value());
  EXPECT_FALSE(normalize_vn_phone("").has_value());
}

}  // namespace
}  // namespace dunghan::channels
