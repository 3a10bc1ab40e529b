#include "store/db_url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace dunghan::store {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Percent-decodes `s`; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

/// The ODBC connection string's attributes: key → value (braces kept).
std::vector<std::pair<std::string, std::string>> odbc_attributes(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key = trimmed(s.substr(i, eq - i));
    std::size_t j = eq + 1;
    std::string value;
    if (j < s.size() && s[j] == '{') {
      // {…} may hold ';' and '}}' stands for '}'.
      std::size_t k = j + 1;
      while (k < s.size()) {
        if (s[k] == '}') {
          if (k + 1 < s.size() && s[k + 1] == '}') {
            k += 2;
            continue;
          }
          break;
        }
        ++k;
      }
      value = std::string(s.substr(j, std::min(k + 1, s.size()) - j));
      j = std::min(k + 1, s.size());
      j = std::min(s.find(';', j), s.size());
    } else {
      const std::size_t end = std::min(s.find(';', j), s.size());
      value = trimmed(s.substr(j, end - j));
      j = end;
    }
    out.emplace_back(std::move(key), std::move(value));
    i = j + 1;
  }
  return out;
}

bool is_password_key(std::string_view key) {
  return iequals(key, "pwd") || iequals(key, "password");
}

/// user@host:port/database?params after the scheme.
std::variant<DbUrl, DbUrlError> parse_server(DbEngine engine, std::string_view scheme,
                                             std::string_view rest) {
  DbUrl u;
  u.engine = engine;
  const std::string example = std::string(scheme) + "://USER@HOST:PORT/DATABASE";
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 == rest.size()) {
    return DbUrlError{"the url names no database (expected " + example + ")"};
  }
  const std::string_view authority = rest.substr(0, slash);
  const auto database = percent_decode(rest.substr(slash + 1));
  if (!database || database->find('/') != std::string::npos) {
    return DbUrlError{"the database name in the url is not valid (expected " + example + ")"};
  }
  u.database = *database;
  std::string_view hostport = authority;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    if (userinfo.find(':') != std::string_view::npos) {
      return DbUrlError{
          "the url holds a password: remove it and set `password_file` or `password = "
          "\"env:NAME\"` instead (a password in the url would be shown wherever the url is)"};
    }
    const auto user = percent_decode(userinfo);
    if (!user) return DbUrlError{"the user name in the url is not valid percent-encoding"};
    u.user = *user;
    hostport = authority.substr(at + 1);
  }
  std::string_view port_text;
  if (hostport.starts_with('[')) {  // [IPv6]:port
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return DbUrlError{"the host in the url lacks a ']'"};
    u.host = std::string(hostport.substr(1, close - 1));
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return DbUrlError{"unexpected text after the host in the url"};
      port_text = after.substr(1);
    }
  } else if (const auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
    u.host = std::string(hostport.substr(0, colon));
    port_text = hostport.substr(colon + 1);
  } else {
    u.host = std::string(hostport);
  }
  if (!port_text.empty() || hostport.ends_with(':')) {
    int port = 0;
    const auto [ptr, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return DbUrlError{"the port in the url is not a number from 1 to 65535"};
    }
    u.port = port;
  }
  while (!query.empty()) {
    const std::size_t amp = std::min(query.find('&'), query.size());
    const std::string_view item = query.substr(0, amp);
    query.remove_prefix(std::min(amp + 1, query.size()));
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const auto key = percent_decode(item.substr(0, eq));
    const auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                                    : percent_decode(item.substr(eq + 1));
    if (!key || !value) return DbUrlError{"a parameter of the url is not valid percent-encoding"};
    if (is_password_key(*key)) {
      return DbUrlError{
          "the url holds a password parameter: remove it and set `password_file` "
          "or `password = \"env:NAME\"` instead"};
    }
    if (engine == DbEngine::mysql) {
      static constexpr std::string_view kMysqlParams[] = {"sslca", "sslcert", "sslkey",
                                                          "unix_socket"};
      if (std::find(std::begin(kMysqlParams), std::end(kMysqlParams), *key) ==
          std::end(kMysqlParams)) {
        return DbUrlError{"unknown parameter `" + *key +
                          "` in the url (mysql:// takes sslca, sslcert, sslkey, unix_socket)"};
      }
    }
    u.params.emplace_back(*key, *value);
  }
  return u;
}

/// A value for SOCI's MySQL connection string: single-quoted, \ and ' escaped.
std::string mysql_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string_view to_string(DbEngine e) {
  switch (e) {
    case DbEngine::sqlite:
      return "sqlite";
    case DbEngine::postgresql:
      return "postgresql";
    case DbEngine::mysql:
      return "mysql";
    case DbEngine::odbc:
      return "odbc";
  }
  return "?";
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::variant<DbUrl, DbUrlError> parse_db_url(std::string_view url) {
  const std::string text = trimmed(url);
  const std::string_view t = text;
  const auto scheme_is = [&](std::string_view scheme) {
    return t.size() >= scheme.size() && iequals(t.substr(0, scheme.size()), scheme);
  };
  if (scheme_is("postgresql://"))
    return parse_server(DbEngine::postgresql, "postgresql", t.substr(13));
  if (scheme_is("postgres://"))
    return parse_server(DbEngine::postgresql, "postgresql", t.substr(11));
  if (scheme_is("mysql://")) return parse_server(DbEngine::mysql, "mysql", t.substr(8));
  if (scheme_is("mariadb://")) return parse_server(DbEngine::mysql, "mariadb", t.substr(10));
  if (scheme_is("odbc:")) {
    DbUrl u;
    u.engine = DbEngine::odbc;
    u.odbc = trimmed(t.substr(5));
    for (const auto& [key, value] : odbc_attributes(u.odbc)) {
      if (is_password_key(key)) {
        return DbUrlError{"the ODBC connection string holds a password (" + key +
                          "=…): remove it and set `password_file` or `password = \"env:NAME\"` "
                          "instead"};
      }
    }
    if (u.odbc.empty()) return DbUrlError{"the ODBC connection string after `odbc:` is empty"};
    return u;
  }
  if (scheme_is("sqlite:")) {
    DbUrl u;
    u.engine = DbEngine::sqlite;
    std::string_view path = t.substr(7);
    if (path.starts_with("//")) {
      path.remove_prefix(2);  // sqlite:///abs → "/abs"; sqlite://rel is taken as "rel"
    }
    const auto decoded = percent_decode(path);
    if (!decoded || decoded->empty()) return DbUrlError{"the sqlite: url names no file"};
    u.file = *decoded;
#ifdef _WIN32
    // sqlite:///C:/motcua.db → "C:/motcua.db"
    if (u.file.size() > 3 && u.file[0] == '/' && u.file[2] == ':') u.file.erase(0, 1);
#endif
    return u;
  }
  return DbUrlError{"not a database url: expected postgresql://, mysql://, odbc: or sqlite:"};
}

std::string describe(const DbUrl& u) {
  std::string s(to_string(u.engine));
  switch (u.engine) {
    case DbEngine::sqlite:
      return s + " " + u.file;
    case DbEngine::odbc:
      return s + " " + u.odbc;
    case DbEngine::postgresql:
    case DbEngine::mysql:
      break;
  }
  s += " " + (u.host.empty() ? std::string("localhost") : u.host);
  if (u.port) s += ":" + std::to_string(*u.port);
  s += "/" + u.database;
  if (!u.user.empty()) s += " (user " + u.user + ")";
  return s;
}

std::string soci_connect_string(const DbUrl& u, const ConnectOptions& o) {
  const std::string timeout = std::to_string(std::max<std::int64_t>(1, o.connect_timeout.count()));
  switch (u.engine) {
    case DbEngine::postgresql: {
      // A libpq URI: SOCI re-joins its key=value pairs, which would break a quoted value holding
      // a blank; a URI has no blank and everything is percent-encoded.
      std::string s = "postgresql://";
      if (!u.user.empty() || o.password) {
        s += percent_encode(u.user);
        if (o.password) s += ":" + percent_encode(*o.password);
        s += "@";
      }
      if (u.host.find(':') != std::string::npos) {
        s += "[" + u.host + "]";
      } else {
        s += percent_encode(u.host);
      }
      if (u.port) s += ":" + std::to_string(*u.port);
      s += "/" + percent_encode(u.database);
      s += "?connect_timeout=" + timeout + "&keepalives=1&keepalives_idle=30";
      s += "&keepalives_interval=10&keepalives_count=3&application_name=dunghan";
      for (const auto& [k, v] : u.params) s += "&" + percent_encode(k) + "=" + percent_encode(v);
      return s;
    }
    case DbEngine::mysql: {
      std::string s = "dbname=" + mysql_quote(u.database);
      if (!u.host.empty()) s += " host=" + mysql_quote(u.host);
      if (u.port) s += " port=" + std::to_string(*u.port);
      if (!u.user.empty()) s += " user=" + mysql_quote(u.user);
      if (o.password) s += " password=" + mysql_quote(*o.password);
      s += " charset='utf8mb4' connect_timeout=" + timeout;
      // Network reads and writes: a server that stopped answering is noticed.
      s += " read_timeout=" +
           std::to_string(std::max<std::int64_t>(1, o.query_timeout.count()) + 30);
      s += " write_timeout=" + timeout;
      for (const auto& [k, v] : u.params) s += " " + k + "=" + mysql_quote(v);
      return s;
    }
    case DbEngine::odbc: {
      std::string s = u.odbc;
      if (o.password) {
        if (!s.empty() && s.back() != ';') s += ';';
        std::string escaped;
        for (char c : *o.password) {
          escaped += c;
          if (c == '}') escaped += '}';
        }
        s += "PWD={" + escaped + "}";
      }
      return s;
    }
    case DbEngine::sqlite:
      break;
  }
  return {};
}

}  // namespace dunghan::store
