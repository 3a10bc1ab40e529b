#include "channels/email.h"

#include <curl/curl.h>

#include <spdlog/spdlog.h>

#include "channels/http.h"
#include "log/logging.h"

namespace dunghan::channels {
namespace {

/// `text` with every line ending (LF, CR or CRLF) turned into CRLF.
std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string mailbox_header(const std::string& display_name, const std::string& address) {
  if (display_name.empty()) return "<" + address + ">";
  return encode_header_words(display_name) + " <" + address + ">";
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;
struct MimeDeleter {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
using Mime = std::unique_ptr<curl_mime, MimeDeleter>;

void append(Slist& list, const std::string& line) {
  curl_slist* l = curl_slist_append(list.get(), line.c_str());
  if (l == nullptr) throw std::bad_alloc();
  (void)list.release();
  list.reset(l);
}

std::string code_text(long code) {
  return code > 0 ? " (SMTP " + std::to_string(code) + ")" : "";
}

}  // namespace

EmailChannel::EmailChannel(std::string name, SendWindow window, EmailOptions options,
                           const calendar::Clock& clock, calendar::UtcOffset offset)
    : name_(std::move(name)),
      window_(window),
      options_(std::move(options)),
      clock_(clock),
      offset_(offset),
      handles_(std::make_unique<HandlePool>()) {
  auto mb = parse_mailbox(options_.from);
  if (!mb) throw ChannelError("channel " + name_ + ": `from` is not a valid mailbox");
  from_ = *mb;
  from_domain_ = from_.address.substr(from_.address.find('@') + 1);
  auto url = parse_url(options_.url);
  if (!url || (url->scheme != "smtp" && url->scheme != "smtps")) {
    throw ChannelError("channel " + name_ + ": `url` must start with smtp:// or smtps://");
  }
  implicit_tls_ = url->scheme == "smtps";
  if (!options_.tls_verify) {
    spdlog::warn("event=tls_verification_off channel={} url={}", log::kv_value(name_),
                 log::kv_value(options_.url));
  }
  if (!implicit_tls_ && !options_.starttls) {
    spdlog::warn("event=smtp_plaintext channel={} url={}", log::kv_value(name_),
                 log::kv_value(options_.url));
  }
}

EmailChannel::~EmailChannel() = default;

void EmailChannel::end_batch() {
  handles_->clear();
}

Outcome EmailChannel::send(const Message& message, const Address& to) {
  if (!valid_email_address(to.email)) {
    return Outcome::unreachable_recipient(
        to.email.empty() ? "recipient " + to.recipient_id + " has no email address"
                         : "recipient " + to.recipient_id + " has an invalid email address");
  }
  std::unique_ptr<CurlHandle> handle = handles_->take();
  CURL* h = handle->get();
  curl_easy_reset(h);  // keeps the open connection

  Slist headers;
  append(headers, "Date: " + rfc5322_date(clock_.now(), offset_));
  append(headers, "Message-ID: <" + derive_id(message.key, "k", 64) + "@" + from_domain_ + ">");
  append(headers, "From: " + mailbox_header(from_.display_name, from_.address));
  append(headers, "To: " + mailbox_header(to.name, to.email));
  append(headers, "Subject: " + encode_header_words(message.subject));
  append(headers, "Auto-Submitted: auto-generated");
  Slist rcpt;
  append(rcpt, "<" + to.email + ">");

  const std::string text = to_crlf(message.text);
  const std::string html = to_crlf(message.html);
  Mime mime(curl_mime_init(h));
  curl_mime* alt = curl_mime_init(h);
  curl_mimepart* part = curl_mime_addpart(alt);
  curl_mime_data(part, text.data(), text.size());
  curl_mime_type(part, "text/plain; charset=UTF-8");
  curl_mime_encoder(part, "quoted-printable");
  if (!html.empty()) {
    part = curl_mime_addpart(alt);
    curl_mime_data(part, html.data(), html.size());
    curl_mime_type(part, "text/html; charset=UTF-8");
    curl_mime_encoder(part, "base64");
  }
  part = curl_mime_addpart(mime.get());
  curl_mime_subparts(part, alt);  // `mime` now owns `alt`
  curl_mime_type(part, "multipart/alternative");
  curl_mime_headers(part, curl_slist_append(nullptr, "Content-Disposition: inline"), 1);

  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(
      h, CURLOPT_USE_SSL,
      static_cast<long>(implicit_tls_ || options_.starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
  if (!options_.tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  const std::string mail_from = "<" + from_.address + ">";
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

  const CURLcode rc = curl_easy_perform(h);
  long smtp = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &smtp);
  // Nothing of this send may outlive it inside the handle.
  curl_easy_setopt(h, CURLOPT_MIMEPOST, nullptr);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  const std::string err = errbuf[0] != '\0' ? std::string(errbuf) : curl_easy_strerror(rc);

  if (rc == CURLE_OK) {
    mime.reset();  // nothing of this send stays tied to the handle once another send may take it
    handles_->give_back(std::move(handle));
    if (smtp == 250 || smtp == 0) return Outcome::sent_ok("250 accepted");
    return Outcome::retry_later("unexpected final reply" + code_text(smtp));
  }
  const std::string detail =
      "curl " + std::to_string(static_cast<int>(rc)) + ": " + excerpt(err) + code_text(smtp);
  // A failed transfer may leave the connection in any state: start afresh next time (the handle
  // is dropped here).
  switch (rc) {
    case CURLE_LOGIN_DENIED:
      return Outcome::failure("SMTP authentication refused: " + detail);
    case CURLE_USE_SSL_FAILED:
      return Outcome::failure("STARTTLS not offered or refused: " + detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ISSUER_ERROR:
      return Outcome::failure("TLS failure: " + detail);
    case CURLE_REMOTE_ACCESS_DENIED:
      return Outcome::failure("SMTP server refused the session: " + detail);
    default:
      break;
  }
  if (smtp == 421) return Outcome::channel_unavailable("SMTP service not available: " + detail);
  if (smtp >= 400 && smtp < 500) return Outcome::retry_later("temporary SMTP failure: " + detail);
  if (smtp >= 500 && smtp < 600) {
    if (err.find("RCPT") != std::string::npos) {
      return Outcome::unreachable_recipient("recipient refused: " + detail);
    }
    return Outcome::failure("permanent SMTP failure: " + detail);
  }
  if (is_transient_transport_error(rc) || rc == CURLE_WEIRD_SERVER_REPLY) {
    return Outcome::channel_unavailable("network error: " + detail);
  }
  return Outcome::failure("SMTP send failed: " + detail);
}

}  // namespace dunghan::channels
