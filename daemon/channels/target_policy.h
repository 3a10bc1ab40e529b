#pragma once
// Which network addresses a webhook may connect to (docs/channels.md §5.4: follow Standard
// Webhooks' SSRF advice, refuse private and link-local targets unless configured).
//
// A webhook URL names a host; DNS can point that name anywhere, including at the agency's own
// network or at a cloud metadata service (169.254.169.254). So the check is made on every address
// libcurl is about to connect to, not on the URL text: a name that resolves to a private address
// is refused like the address itself.
//   - public internet addresses: always allowed;
//   - loopback (127/8, ::1): allowed when the URL itself names this machine (127.0.0.1, [::1],
//     localhost: a local relay, the tests), or with allow_private_network;
//   - private networks (10/8, 172.16/12, 192.168/16, 100.64/10 shared address space, fc00::/7)
//     and link-local (169.254/16, fe80::/10): only with allow_private_network, for a receiver on
//     the office network;
//   - unspecified (0.0.0.0/8, ::), multicast, broadcast and reserved (240/4): never.
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are judged as the IPv4 address.

#include <optional>
#include <string>
#include <string_view>

struct sockaddr;  // <sys/socket.h>; declared here so that the header is portable

namespace dunghan::channels {

enum class AddressClass {
  public_internet,
  loopback,
  private_network,
  link_local,
  never,  // unspecified, multicast, broadcast, reserved, or not IPv4/IPv6
};

/// The class of `addr` (AF_INET or AF_INET6; any other family is `never`).
AddressClass classify_address(const sockaddr* addr);

/// The class of an IP literal ("10.0.0.1", "::1", "[fe80::1]"); nullopt when `host` is not one.
std::optional<AddressClass> classify_literal(std::string_view host);

/// Whether `host` (a URL's host, with or without IPv6 brackets) names this machine: "localhost",
/// or an IP literal of class loopback (127.0.0.0/8, ::1, ::ffff:127.x.y.z). Plain-text HTTP and
/// SMTP are allowed to such hosts, and a webhook may connect to loopback addresses. Literals are
/// read as inet_pton reads them: "127.000.0.1" and "0x7f.1" are no literals, hence not loopback.
bool is_loopback_host(std::string_view host);

/// "a private network address" etc., for error messages.
std::string_view describe(AddressClass c);

struct TargetPolicy {
  bool allow_private_network = false;  // private and link-local addresses, and loopback
  bool allow_loopback = false;         // loopback only
};

/// Whether a connection to an address of class `c` is allowed under `p`.
bool target_allowed(AddressClass c, const TargetPolicy& p);

/// The policy for `url`: allow_loopback when the URL's host is a loopback literal or
/// "localhost"; allow_private_network as configured.
TargetPolicy policy_for_url(std::string_view url, bool allow_private_network);

/// The numeric text of `addr` ("10.0.0.1", "fe80::1").
std::string address_text(const sockaddr* addr);

}  // namespace dunghan::channels
