#pragma once
// HTML escaping for text and attribute values (the office page, HTML reports, email bodies).

#include <string>
#include <string_view>

namespace dunghan::text {

/// `s` with & < > " ' replaced by &amp; &lt; &gt; &quot; &#39;, safe inside element text and in
/// single- or double-quoted attribute values. Other bytes (UTF-8 included) pass unchanged.
std::string html_escape(std::string_view s);

}  // namespace dunghan::text
