#!/usr/bin/python3
"""Parses one received message with Python's email package and prints what a reader sees as JSON:
{"subject", "from_name", "from_addr", "to", "message_id", "date", "header_names",
 "text", "html", "text_cte", "html_cte", "text_charset", "content_type"}.
"""
import email
import email.policy
import email.utils
import json
import sys

with open(sys.argv[1], "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
out = {
    "subject": str(msg["Subject"]),
    "from_name": msg["From"].addresses[0].display_name,
    "from_addr": msg["From"].addresses[0].addr_spec,
    "to": [a.addr_spec for a in msg["To"].addresses],
    "to_name": msg["To"].addresses[0].display_name,
    "message_id": msg["Message-ID"],
    "date": msg["Date"],
    "date_valid": email.utils.parsedate_to_datetime(msg["Date"]) is not None,
    "header_names": [k for k in msg.keys()],
    "text": None, "html": None,
}
for part in msg.walk():
    ct = part.get_content_type()
    if ct == "text/plain" and out["text"] is None:
        out["text"] = part.get_content()
        out["text_cte"] = part["Content-Transfer-Encoding"]
        out["text_charset"] = part.get_content_charset()
    elif ct == "text/html" and out["html"] is None:
        out["html"] = part.get_content()
        out["html_cte"] = part["Content-Transfer-Encoding"]
        out["html_charset"] = part.get_content_charset()
    elif ct == "multipart/alternative":
        out["has_alternative"] = True
json.dump(out, sys.stdout, ensure_ascii=False)
