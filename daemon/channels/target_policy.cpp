#include "channels/target_policy.h"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "channels/encoding.h"

namespace dunghan::channels {
namespace {

AddressClass classify_v4(std::uint32_t a) {  // host byte order
  const auto in = [a](std::uint32_t net, int bits) {
    const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    return (a & mask) == net;
  };
  if (in(0x00000000, 8)) return AddressClass::never;  // "this network", 0.0.0.0
  if (in(0x7F000000, 8)) return AddressClass::loopback;
  if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) || in(0x64400000, 10)) {
    return AddressClass::private_network;  // RFC 1918, RFC 6598
  }
  if (in(0xA9FE0000, 16)) return AddressClass::link_local;
  if (in(0xE0000000, 4) || in(0xF0000000, 4)) return AddressClass::never;  // multicast, reserved
  return AddressClass::public_internet;
}

AddressClass classify_v6(const std::array<std::uint8_t, 16>& b) {
  static constexpr std::array<std::uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0,    0,
                                                                 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), b.begin())) {
    return classify_v4(static_cast<std::uint32_t>(b[12]) << 24 |
                       static_cast<std::uint32_t>(b[13]) << 16 |
                       static_cast<std::uint32_t>(b[14]) << 8 | b[15]);
  }
  const bool zero_prefix = std::all_of(b.begin(), b.begin() + 15, [](auto x) { return x == 0; });
  if (zero_prefix && b[15] == 0) return AddressClass::never;                   // ::
  if (zero_prefix && b[15] == 1) return AddressClass::loopback;                // ::1
  if ((b[0] & 0xFE) == 0xFC) return AddressClass::private_network;             // fc00::/7
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressClass::link_local;  // fe80::/10
  if (b[0] == 0xFF) return AddressClass::never;                                // multicast
  return AddressClass::public_internet;
}

}  // namespace

AddressClass classify_address(const sockaddr* addr) {
  if (addr == nullptr) return AddressClass::never;
  if (addr->sa_family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, addr, sizeof v4);
    return classify_v4(ntohl(v4.sin_addr.s_addr));
  }
  if (addr->sa_family == AF_INET6) {
    sockaddr_in6 v6;
    std::memcpy(&v6, addr, sizeof v6);
    std::array<std::uint8_t, 16> b;
    std::memcpy(b.data(), &v6.sin6_addr, 16);
    return classify_v6(b);
  }
  return AddressClass::never;
}

std::optional<AddressClass> classify_literal(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string h(host);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return classify_v4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    std::array<std::uint8_t, 16> b;
    std::memcpy(b.data(), &v6, 16);
    return classify_v6(b);
  }
  return std::nullopt;
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "localhost.") return true;
  return classify_literal(host) == AddressClass::loopback;
}

std::string_view describe(AddressClass c) {
  switch (c) {
    case AddressClass::public_internet:
      return "a public internet address";
    case AddressClass::loopback:
      return "a loopback address";
    case AddressClass::private_network:
      return "a private network address";
    case AddressClass::link_local:
      return "a link-local address";
    case AddressClass::never:
      return "an unspecified, multicast or reserved address";
  }
  return "an address of unknown kind";
}

bool target_allowed(AddressClass c, const TargetPolicy& p) {
  switch (c) {
    case AddressClass::public_internet:
      return true;
    case AddressClass::loopback:
      return p.allow_loopback || p.allow_private_network;
    case AddressClass::private_network:
    case AddressClass::link_local:
      return p.allow_private_network;
    case AddressClass::never:
      return false;
  }
  return false;
}

TargetPolicy policy_for_url(std::string_view url, bool allow_private_network) {
  TargetPolicy p;
  p.allow_private_network = allow_private_network;
  const auto parts = parse_url(url);
  p.allow_loopback = parts && is_loopback_host(parts->host);
  return p;
}

std::string address_text(const sockaddr* addr) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr == nullptr) return "?";
  if (addr->sa_family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, addr, sizeof v4);
    inet_ntop(AF_INET, &v4.sin_addr, buf, sizeof buf);
  } else if (addr->sa_family == AF_INET6) {
    sockaddr_in6 v6;
    std::memcpy(&v6, addr, sizeof v6);
    inet_ntop(AF_INET6, &v6.sin6_addr, buf, sizeof buf);
  } else {
    return "?";
  }
  return buf;
}

}  // namespace dunghan::channels
