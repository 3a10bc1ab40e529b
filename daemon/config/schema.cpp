// The documented keys of dunghan.toml (see schema.h). Keep the order of the manual page: a table's
// line first, then its keys. Defaults and ranges must say what the readers (loader.cpp,
// channels_section.cpp, alerting_section.cpp) do; tests/config/schema_test.cpp checks the keys,
// the choices and the examples.
#include "config/schema.h"

namespace dunghan::config {
namespace {

constexpr KeyDoc kKeys[] = {
    // ---- [service] ----------------------------------------------------------------------------
    {"service", "table", "",
     "The running daemon: where its state lives, how often it polls, the "
     "HTTP endpoint.",
     ""},
    {"service.state_dir", "string", "\"/var/lib/dunghan\"",
     "The state directory: the alert ledger state.db, the embedded store dossiers.db (unless "
     "[store] path says otherwise) and the Zalo token file. On Windows the default is "
     "%ProgramData%\\dunghan\\state.",
     "\"/var/lib/dunghan\""},
    {"service.poll_interval", "integer", "60",
     "Seconds between two reads of the dossier store (1 to 86400). The daemon also wakes at the "
     "next alert instant and the next retry.",
     "60"},
    {"service.listen", "string", "\"127.0.0.1:9464\"",
     "Address and port of the HTTP endpoint: the office pages (/, /dossiers/CODE, /outbox), "
     "/api/v1, /healthz, /metrics and POST /-/reload. A reload binds the new address before it "
     "closes the old one. An address other than loopback is refused unless tls_cert_file, "
     "tls_key_file and users_file are set (the pages show applicants' names).",
     "\"127.0.0.1:9464\""},
    {"service.tls_cert_file", "string", "(none)",
     "PEM certificate chain: the endpoint speaks HTTPS. Needs tls_key_file. The file must exist "
     "when the configuration is loaded; check-config also parses it, and a reload reads it again "
     "(a renewed certificate is served).",
     "\"/etc/dunghan/tls/cert.pem\""},
    {"service.tls_key_file", "string", "(none)",
     "PEM private key of tls_cert_file. Readable by the service user only.",
     "\"/etc/dunghan/tls/key.pem\""},
    {"service.users_file", "string", "(none)",
     "Logins for the pages and /api/v1 (HTTP Basic, over TLS): one name:argon2id-hash:role line "
     "each, role admin (may write from the pages) or viewer. Written by dunghan user add; the "
     "daemon re-reads it when it changes.",
     "\"/etc/dunghan/users\""},
    {"service.instance_id", "string", "(host name:listen port)",
     "This instance's name when several share a PostgreSQL state (1 to 60 characters, no blanks "
     "or quotes): shown in /healthz and in the ledger rows it holds.",
     "\"may-1\""},
    {"service.reload_token", "secret", "(none)",
     "Bearer token that POST /-/reload requires. Without it the endpoint answers 403.",
     "\"env:DUNGHAN_RELOAD_TOKEN\""},

    // ---- [log] --------------------------------------------------------------------------------
    {"log", "table", "",
     "Logging: key=value lines to the journal (under systemd), to stderr "
     "otherwise, and optionally to a rotating file.",
     ""},
    {"log.level", "string", "\"info\"", "The least severe level written. --log-level overrides it.",
     "\"info\"", "trace debug info warn error off"},
    {"log.file", "string", "(none)", "Also write the log to this file, rotated by size.",
     "\"/var/log/dunghan/dunghan.log\""},
    {"log.max_size_mb", "integer", "10",
     "Size of one log file before it is rotated, in MiB "
     "(1 to 10240).",
     "10"},
    {"log.max_files", "integer", "5", "Rotated log files kept (1 to 100).", "5"},

    // ---- [calendar] ---------------------------------------------------------------------------
    {"calendar", "table", "",
     "The agency's working calendar: time zone, weekly rest days, office sessions, holiday "
     "schedules and the agency's own days (rules.md, section 1, in /usr/share/doc/dunghan).",
     ""},
    {"calendar.utc_offset", "string", "\"+07:00\"",
     "The agency's fixed UTC offset (Vietnam has no daylight saving).", "\"+07:00\""},
    {"calendar.rest_days", "array of strings", "[\"sat\", \"sun\"]",
     "Weekly rest days: mon, tue, wed, thu, fri, sat, sun (the first three letters count).",
     "[\"sat\", \"sun\"]"},
    {"calendar.sessions", "array of strings", "[\"07:00-11:30\", \"13:30-17:00\"]",
     "Office sessions of a working day, HH:MM-HH:MM, in order and not overlapping. A receipt "
     "outside them rolls to the next opening; working hours are counted inside them.",
     "[\"07:00-11:30\", \"13:30-17:00\"]"},
    {"calendar.schedules", "array of strings", "[\"builtin:vn\"]",
     "Official holiday schedules: \"builtin:vn\" (2019-2026, compiled into the program; the same "
     "file is installed as /usr/share/dunghan/holidays/vn.toml) and files of the same format. A "
     "year a schedule lists is authoritative: the statutory rules do not apply to it.",
     "[\"builtin:vn\"]"},
    {"calendar.statutory_rules", "string", "\"vn\"",
     "Years no schedule lists: \"vn\" applies the Labour Code 2019 rules and marks the year "
     "provisional; \"none\" gives them no holidays at all.",
     "\"vn\"", "vn none"},
    {"calendar.hours_per_day", "integer", "8",
     "Working hours in a working day, when durations in working days are counted in hours "
     "([deadline] working_days_as = \"hours\"); 1 to 24.",
     "8"},
    {"calendar.season", "array of tables", "",
     "Seasonal office sessions, repeated every year (e.g. winter hours from 16 October to 15 "
     "April). Outside every season, calendar.sessions applies.",
     ""},
    {"calendar.season[].from", "string", "(required)", "First day of the season, MM-DD.",
     "\"10-16\""},
    {"calendar.season[].to", "string", "(required)",
     "Last day of the season, MM-DD (included); may be earlier in the year than from.",
     "\"04-15\""},
    {"calendar.season[].sessions", "array of strings", "(required)",
     "The season's office sessions, as calendar.sessions.", "[\"07:30-11:30\", \"13:30-17:00\"]"},
    {"calendar.season[].name", "string", "(none)", "A label shown by `dunghan calendar`.",
     "\"Giờ mùa đông\""},
    {"calendar.day_off", "array of tables", "",
     "The agency's own days off (e.g. a provincial day, or a day decreed after this release). "
     "They win over every schedule and rule.",
     ""},
    {"calendar.day_off[].date", "date", "(required)", "The date, YYYY-MM-DD (1900 to 2199).",
     "2026-11-24"},
    {"calendar.day_off[].name", "string", "(none)", "Its name, shown in calendars and alerts.",
     "\"Ngày Văn hóa Việt Nam\""},
    {"calendar.day_off[].source", "string", "(none)", "Where it was decided (a document number).",
     "\"CV 123/UBND\""},
    {"calendar.working_day", "array of tables", "",
     "The agency's own working days on weekly rest days (make-up Saturdays, làm bù). They win "
     "over every schedule and rule.",
     ""},
    {"calendar.working_day[].date", "date", "(required)", "The date, YYYY-MM-DD (1900 to 2199).",
     "2026-05-09"},
    {"calendar.working_day[].name", "string", "(none)", "Its name.", "\"Làm bù\""},
    {"calendar.working_day[].source", "string", "(none)",
     "Where it was decided (a document number).", "\"CV 123/UBND\""},

    // ---- [store] ------------------------------------------------------------------------------
    {"store", "table", "", "Where the dossiers live.", ""},
    {"store.kind", "string", "\"sqlite\"",
     "The store's kind: \"sqlite\" (a file) or \"postgresql\" (dunghan's own store on a "
     "PostgreSQL server, shared by several instances; docs/operations.md, Moving to PostgreSQL).",
     "\"sqlite\"", "sqlite postgresql"},
    {"store.url", "string", "(required)",
     "postgresql://USER@HOST:PORT/DATABASE (libpq parameters after ?, e.g. ?sslmode=require); no "
     "password in it (refused there).",
     "\"postgresql://dunghan@db.example:5432/dunghan\"", "", "kind=postgresql"},
    {"store.password", "secret", "(none: libpq's own, e.g. ~/.pgpass)", "The PostgreSQL password.",
     "\"env:DUNGHAN_PG_PASSWORD\"", "", "kind=postgresql"},
    {"store.path", "string", "(dossiers.db in the state directory)",
     "The SQLite file: dunghan's own store (filled by `dunghan import`), or with [store.mapping] "
     "an agency database read through SQL.",
     "\"dossiers.db\"", "", "kind=sqlite"},
    {"store.busy_timeout_ms", "integer", "5000",
     "Milliseconds to wait for a lock another program holds on the database (0 to 600000).", "5000",
     "", "kind=sqlite"},
    {"store.mapping", "table", "",
     "Read the agency's own one-stop database instead of dunghan's own store: SQL that returns "
     "the canonical columns. Every session is read-only and nothing is ever written there.",
     "", "", "kind=sqlite"},
    {"store.mapping.url", "string", "(the SQLite file of [store] path)",
     "The agency database: postgresql://USER@HOST:PORT/DB, mysql://USER@HOST:PORT/DB (MySQL, "
     "MariaDB), odbc:CONNECTION-STRING (SQL Server, Oracle, … through an ODBC driver) or "
     "sqlite:///PATH; not together with [store] path. No password in it (refused there).",
     "\"postgresql://dunghan_ro@db.example:5432/motcua\""},
    {"store.mapping.password", "secret", "(none)", "The agency database's password.",
     "\"env:DUNGHAN_AGENCY_DB_PASSWORD\""},
    {"store.mapping.timezone", "string", "(calendar.utc_offset)",
     "The UTC offset at which timestamps stored without a zone are read, like \"+07:00\".",
     "\"+07:00\""},
    {"store.mapping.query_timeout", "integer", "30",
     "Seconds that bound every query and connection attempt (1 to 3600).", "30"},
    {"store.mapping.dossiers", "string", "(required)",
     "A SELECT returning the canonical dossier columns (code, procedure_code, …, updated_at); it "
     "may use the parameter :since (the highest updated_at read so far, as the database's own "
     "timestamp) to read only what changed.",
     "\"SELECT MaHoSo AS code, MaTTHC AS procedure_code FROM HoSo WHERE NgayCapNhat > :since\""},
    {"store.mapping.events", "string", "(none)",
     "A SELECT returning the events: code, at, kind, new_due_at, note; may use :since.",
     "\"SELECT MaHoSo AS code, ThoiDiem AS at, Loai AS kind, HenMoi AS new_due_at, GhiChu AS "
     "note FROM SuKien\""},

    // ---- [state] ------------------------------------------------------------------------------
    {"state", "table", "",
     "Where the alert ledger, the fire schedule and the office's daily counts live.", ""},
    {"state.kind", "string", "\"sqlite\"",
     "\"sqlite\": state.db in the state directory, one instance; \"postgresql\": a PostgreSQL "
     "database shared by several instances (each claims alerts under a lease, none is sent "
     "twice).",
     "\"sqlite\"", "sqlite postgresql"},
    {"state.url", "string", "(required)",
     "postgresql://USER@HOST:PORT/DATABASE, as store.url (it may be the same database).",
     "\"postgresql://dunghan@db.example:5432/dunghan\"", "", "kind=postgresql"},
    {"state.password", "secret", "(none: libpq's own, e.g. ~/.pgpass)", "The PostgreSQL password.",
     "\"env:DUNGHAN_PG_PASSWORD\"", "", "kind=postgresql"},

    // ---- [deadline] ---------------------------------------------------------------------------
    {"deadline", "table", "",
     "How due dates are computed and dossiers judged, where the law leaves a choice "
     "(rules.md, sections 2 and 3, in /usr/share/doc/dunghan).",
     ""},
    {"deadline.working_days_as", "string", "\"days\"",
     "\"days\": N working days end at the close of the N-th working day after receipt (Civil "
     "Code art. 147-148); \"hours\": N times calendar.hours_per_day office hours from the "
     "receipt, as provincial one-stop software counts.",
     "\"days\"", "days hours"},
    {"deadline.supplement", "string", "\"restart\"",
     "A supplementation request at appraisal: \"restart\" runs the full duration again from the "
     "complete dossier (Decree 61/2018 art. 19(4)); \"pause\" excludes the waiting time.",
     "\"restart\"", "restart pause"},
    {"deadline.compare", "string", "\"date\"",
     "How a resolution is compared with the appointment: by local \"date\" (on the due date is on "
     "time), or by \"instant\" (after the due instant is late).",
     "\"date\"", "date instant"},
    {"deadline.judge_against", "string", "\"current\"",
     "Judge resolutions against the \"current\" appointment (after an extension) or the "
     "\"original\" one.",
     "\"current\"", "current original"},
    {"deadline.due_soon", "string", "\"2 working days\"",
     "The due_soon window: a duration such as \"2 working days\", \"16 giờ làm việc\" or \"3 "
     "ngày\".",
     "\"2 working days\""},
    {"deadline.supplement_request_within", "string", "\"3 working days\"",
     "A request for supplementation must be made within this duration of receipt (Decree "
     "61/2018 art. 19(4)); a later request is the lateness anomaly supplement_late_request "
     "(docs/rules.md §2.4), shown in status, audit and the form 6a footer.",
     "\"3 working days\""},

    // ---- [[procedure]] ------------------------------------------------------------------------
    {"procedure", "array of tables", "",
     "The procedure catalogue: the legal duration of each procedure, used when the store gives "
     "none.",
     ""},
    {"procedure[].code", "string", "(required)", "The procedure's code (mã TTHC), unique.",
     "\"2.000046\""},
    {"procedure[].name", "string", "(none)", "The procedure's name.",
     "\"Cấp Giấy chứng nhận đăng ký đầu tư\""},
    {"procedure[].field", "string", "(none)", "The field (lĩnh vực): the rows of form 6a.",
     "\"Đầu tư\""},
    {"procedure[].duration", "string", "(required)",
     "The legal duration: \"15 working days\" / \"15 ngày làm việc\", \"4 working hours\" / \"4 "
     "giờ "
     "làm việc\", or \"30 days\" / \"30 ngày\" (calendar days).",
     "\"15 working days\""},
    {"procedure[].cutoff", "string", "(none)",
     "Intake cut-off HH:MM: a receipt at or after it counts from the next working day's opening.",
     "\"15:00\""},

    // ---- [alerts] -----------------------------------------------------------------------------
    {"alerts", "table", "", "The dispatcher's retry limits and the message templates.", ""},
    {"alerts.max_attempts", "integer", "8",
     "Attempts of one alert before it is dead (1 to 100); `dunghan outbox retry` requeues it.",
     "8"},
    {"alerts.retry_initial", "integer", "60",
     "Seconds before the first retry (1 to 86400); the wait doubles each attempt, with jitter.",
     "60"},
    {"alerts.retry_max", "integer", "3600",
     "The longest wait between two attempts, in seconds (1 to 604800; not below retry_initial).",
     "3600"},
    {"alerts.max_age_hours", "integer", "72",
     "An alert still unsent after this many hours is dead, not retried (1 to 2160).", "72"},
    {"alerts.sending_lease", "integer", "300",
     "Seconds an alert may stay in `sending` (claimed by a dispatch pass) before a later cycle "
     "puts it back to pending — the process died during the send — and it is sent again with the "
     "same key (2 to 86400).",
     "300"},
    {"alerts.batch_size", "integer", "64",
     "Due alerts taken from the ledger in one transaction; their outcomes are written in group "
     "commits while the next messages are in flight (1 to 1000; 1 sends and records one at a "
     "time).",
     "64"},
    {"alerts.max_messages_per_recipient", "integer", "10",
     "The flood guard: single messages to one recipient on one channel in one day of the agency "
     "(local midnight to midnight); beyond it, the rest of the day's alerts to that recipient go "
     "out together as one digest message (0 to 100000; 0: no limit).",
     "10"},
    {"alerts.templates_dir", "string", "(none: the built-in templates)",
     "A folder of NAME.mustache files that replace the built-in templates of the same name (the "
     "defaults are installed in /usr/share/dunghan/templates).",
     "\"/etc/dunghan/templates\""},

    // ---- [report] -----------------------------------------------------------------------------
    {"report", "table", "",
     "The printed form 6a (`dunghan report`): its header and footer, and how --quarter, --month "
     "and --year cut the dates. An empty text prints as a dotted line to fill in by hand.",
     ""},
    {"report.reporting_unit", "string", "(none)", "Đơn vị báo cáo: the reporting unit (one line).",
     "\"UBND huyện Đông Anh\""},
    {"report.receiving_unit", "string", "(none)",
     "Đơn vị nhận báo cáo: the receiving unit (one line).", "\"Văn phòng UBND thành phố Hà Nội\""},
    {"report.place", "string", "(none)",
     "The place before the date in the footer (\"Đông Anh, ngày …\").", "\"Đông Anh\""},
    {"report.signer_title", "string", "(none)", "The head's title in the signature block.",
     "\"CHỦ TỊCH\""},
    {"report.preparer", "string", "(none)", "The name under \"Người lập biểu\".",
     "\"Nguyễn Thị Lan\""},
    {"report.period", "string", "\"calendar\"",
     "\"calendar\": quarters, months and years of the calendar; \"decree09\": the data cut-off of "
     "Decree 09/2019/NĐ-CP art. 12 — a month from the 15th of the month before to the 14th, a "
     "quarter from the 15th of the month before it to the 14th of its last month, a year from "
     "15 December to 14 December.",
     "\"calendar\"", "calendar decree09"},

    // ---- [[recipient]] ------------------------------------------------------------------------
    {"recipient", "array of tables", "", "The people alerts go to.", ""},
    {"recipient[].id", "string", "(required)",
     "A unique id (letters, digits, '.', '_', '-'): what the store's handler column and the rules' "
     "`to` name.",
     "\"nguyenvana\""},
    {"recipient[].name", "string", "(none)", "The person's name, used in messages.",
     "\"Nguyễn Văn A\""},
    {"recipient[].email", "string", "(none)", "E-mail address, for email channels.",
     "\"nguyenvana@example.gov.vn\""},
    {"recipient[].zalo_user_id", "string", "(none)",
     "Zalo OA user id, for Zalo channels in mode template_uid or cs.", "\"2512523625412515\""},
    {"recipient[].phone", "string", "(none)",
     "Phone number (9 to 12 digits), for Zalo channels in mode template_phone.", "\"0987654321\""},
    {"recipient[].department", "string", "(none)",
     "Department (phòng): department_head targets the head of the dossier's department.",
     "\"Phòng Quản lý doanh nghiệp\""},
    {"recipient[].roles", "array of strings", "[]",
     "Roles: \"handler\", \"head\" (head of the department), \"leader\", or any name a rule "
     "targets as role:NAME.",
     "[\"handler\", \"head\"]"},

    // ---- [[rule]] -----------------------------------------------------------------------------
    {"rule", "array of tables", "",
     "Alert rules: at which stage of a dossier's clock, to whom, on which channels.", ""},
    {"rule[].name", "string", "(required)",
     "A unique name (letters, digits, '.', '_', '-'); part of every alert key, so renaming a rule "
     "sends its alerts again.",
     "\"nhac-truoc-2-ngay\""},
    {"rule[].when", "string", "(required)",
     "The stage: before_due (needs offset), due_today, overdue, waiting_applicant, received.",
     "\"before_due\"", "before_due due_today overdue waiting_applicant received"},
    {"rule[].offset", "string", "(required for before_due)",
     "How long before the due instant: a duration (\"2 working days\", \"4 giờ làm việc\") or a "
     "share of the dossier's duration (\"25%\").",
     "\"2 working days\""},
    {"rule[].to", "array of strings", "(required)",
     "Targets: \"handler\" (the dossier's handler), \"department_head\", \"role:NAME\", or a "
     "recipient id.",
     "[\"handler\", \"department_head\"]"},
    {"rule[].channels", "array of strings", "(required)",
     "Channel names, tried in order: when one cannot reach a recipient, the next is used.",
     "[\"email\"]"},
    {"rule[].repeat", "string", "(none: once)",
     "Repeat the stage every this long (e.g. overdue every \"1 working day\").",
     "\"1 working day\""},
    {"rule[].stop_after", "integer", "(none)",
     "At most this many messages of a repeated stage, the first included (1 to 1000).", "30"},
    {"rule[].match", "table", "",
     "Filters; a dossier must pass each one given. A rule without match applies to every "
     "dossier.",
     ""},
    {"rule[].match.procedure", "array of strings", "(any)",
     "Procedure code patterns ('*' any run, '?' one character).", "[\"2.000*\"]"},
    {"rule[].match.department", "array of strings", "(any)", "Department names (exact).",
     "[\"Phòng Quản lý doanh nghiệp\"]"},
    {"rule[].match.field", "array of strings", "(any)", "Field (lĩnh vực) names (exact).",
     "[\"Đầu tư\"]"},
    {"rule[].match.extended", "boolean", "(any)",
     "true: only dossiers whose appointment was extended; false: only the others.", "false"},
    {"rule[].digest", "string", "(none: one message per alert)",
     "Collect the rule's alerts per recipient and channel into one message at this time, HH:MM.",
     "\"16:30\""},
    {"rule[].template", "string", "(none: the default templates)",
     "A template prefix: PREFIX.email_subject.mustache and so on in alerts.templates_dir.",
     "\"khan\""},

    // ---- [channel.NAME] -----------------------------------------------------------------------
    {"channel", "named tables", "",
     "Channels, each a table [channel.NAME] (NAME: 1-64 letters, digits, '-', '_') that rules "
     "name.",
     "email"},
    {"channel.<name>.type", "string", "(required)",
     "console (standard output), file (JSON lines), email (SMTP), zalo (Zalo OA / ZBS), webhook "
     "(signed JSON POST).",
     "\"email\"", "console file email zalo webhook"},
    {"channel.<name>.send_window", "string", "\"office\"",
     "\"office\": send only in office sessions on working days (an alert due at night waits for "
     "the opening); \"always\": at any hour.",
     "\"office\"", "office always"},
    {"channel.<name>.path", "string", "(required)",
     "The file; one JSON object per line, appended and synced line by line.",
     "\"/var/lib/dunghan/alerts.jsonl\"", "", "type=file"},
    {"channel.<name>.url", "string", "(required)",
     "smtp://HOST[:PORT] (STARTTLS, port 587) or smtps://HOST[:PORT] (TLS, port 465).",
     "\"smtp://mail.example.gov.vn:587\"", "", "type=email"},
    {"channel.<name>.starttls", "boolean", "true",
     "smtp:// only: false sends in clear text, allowed only to a loopback host (a local relay).",
     "true", "", "type=email"},
    {"channel.<name>.from", "string", "(required)",
     "The sender mailbox, \"Name <user@domain>\" or \"user@domain\".",
     "\"Một cửa <motcua@example.gov.vn>\"", "", "type=email"},
    {"channel.<name>.username", "string", "(none: no AUTH)", "SMTP user name.", "\"motcua\"", "",
     "type=email"},
    {"channel.<name>.password", "secret", "(required with username)", "SMTP password.",
     "\"env:SMTP_PASSWORD\"", "", "type=email"},
    {"channel.<name>.ca_file", "string", "(the system's trust store)",
     "PEM file of the CA certificates to trust.", "\"/etc/ssl/certs/ca-certificates.crt\"", "",
     "type=email"},
    {"channel.<name>.tls_verify", "boolean", "true",
     "false turns off certificate verification (logged as a warning at every start).", "true", "",
     "type=email"},
    {"channel.<name>.connect_timeout", "integer", "10", "Seconds to connect (1 to 600).", "10", "",
     "type=email"},
    {"channel.<name>.timeout", "integer", "60", "Seconds for one whole send (1 to 3600).", "60", "",
     "type=email"},
    {"channel.<name>.connections", "integer", "4",
     "SMTP connections kept and reused, sending to several recipients at once (1 to 16).", "4", "",
     "type=email"},
    {"channel.<name>.mode", "string", "\"template_phone\"",
     "template_phone (ZBS template to the recipient's phone), template_uid (ZBS template to "
     "zalo_user_id), cs (consultation text; reaches only users who wrote to the OA in the last 7 "
     "days).",
     "\"template_phone\"", "template_phone template_uid cs", "type=zalo"},
    {"channel.<name>.app_id", "string", "(required)", "The Zalo app id.", "\"1234567890123456\"",
     "", "type=zalo"},
    {"channel.<name>.secret_key", "secret", "(required)",
     "The Zalo app secret (used to refresh tokens).", "\"env:ZALO_SECRET_KEY\"", "", "type=zalo"},
    {"channel.<name>.template_id", "string", "(required, except in mode cs)",
     "The approved ZBS template's id.", "\"7895417a7d3f9461cd2e\"", "", "type=zalo"},
    {"channel.<name>.template_params", "array of strings", "(every message parameter)",
     "The template's parameter names: only these are sent in template_data.",
     "[\"ma_ho_so\", \"han_xu_ly\"]", "", "type=zalo"},
    {"channel.<name>.token_file", "string", "\"zalo-token.json\"",
     "The OA token pair, rewritten atomically at every refresh; relative to the state directory. "
     "Seed it with `dunghan zalo set-token` or the initial_* keys. With [state] kind = "
     "\"postgresql\" the pair lives in the state database instead (table zalo_token, one refresh "
     "for all instances) and this file, when present, is imported once.",
     "\"zalo-token.json\"", "", "type=zalo"},
    {"channel.<name>.initial_access_token", "secret", "(none)",
     "Seeds the token pair (file or zalo_token row) while none is stored (with "
     "initial_refresh_token).",
     "\"env:ZALO_ACCESS_TOKEN\"", "", "type=zalo"},
    {"channel.<name>.initial_refresh_token", "secret", "(none)",
     "Seeds the token pair (file or zalo_token row) while none is stored (with "
     "initial_access_token).",
     "\"env:ZALO_REFRESH_TOKEN\"", "", "type=zalo"},
    {"channel.<name>.oauth_url", "string", "\"https://oauth.zaloapp.com\"",
     "Base URL of the token endpoint (tests point it at a local server).",
     "\"https://oauth.zaloapp.com\"", "", "type=zalo"},
    {"channel.<name>.api_url", "string", "\"https://openapi.zalo.me\"",
     "Base URL of the OA API (modes template_uid and cs).", "\"https://openapi.zalo.me\"", "",
     "type=zalo"},
    {"channel.<name>.business_api_url", "string", "\"https://business.openapi.zalo.me\"",
     "Base URL of the ZBS template API (mode template_phone).",
     "\"https://business.openapi.zalo.me\"", "", "type=zalo"},
    {"channel.<name>.allow_http", "boolean", "false",
     "Allow http:// base URLs to hosts other than loopback (never in production).", "false", "",
     "type=zalo"},
    {"channel.<name>.ca_file", "string", "(the system's trust store)",
     "PEM file of the CA certificates to trust.", "\"/etc/ssl/certs/ca-certificates.crt\"", "",
     "type=zalo"},
    {"channel.<name>.connect_timeout", "integer", "5", "Seconds to connect (1 to 600).", "5", "",
     "type=zalo"},
    {"channel.<name>.timeout", "integer", "15", "Seconds for one whole request (1 to 3600).", "15",
     "", "type=zalo"},
    {"channel.<name>.url", "string", "(required)",
     "The receiver: https://…, or http:// to a loopback host (or anywhere with allow_http).",
     "\"https://example.gov.vn/hooks/dunghan\"", "", "type=webhook"},
    {"channel.<name>.secret", "secret", "(required)",
     "The Standard Webhooks signing key \"whsec_<base64>\"; every request is signed "
     "(webhook-id, webhook-timestamp, webhook-signature).",
     "\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"", "", "type=webhook"},
    {"channel.<name>.allow_private_network", "boolean", "false",
     "Allow private, link-local and loopback addresses (a receiver on the office network). "
     "Without it only public addresses are reached (and loopback when the URL names it), checked "
     "after DNS at every connection.",
     "false", "", "type=webhook"},
    {"channel.<name>.allow_http", "boolean", "false",
     "Allow http:// to hosts other than loopback (never in production).", "false", "",
     "type=webhook"},
    {"channel.<name>.body_template", "string", "(the default body)",
     "A JSON body in which each {{name}} becomes the JSON string of a message parameter (write it "
     "without quotes).",
     "'{\"text\": {{text}}, \"code\": {{code}}}'", "", "type=webhook"},
    {"channel.<name>.ca_file", "string", "(the system's trust store)",
     "PEM file of the CA certificates to trust.", "\"/etc/ssl/certs/ca-certificates.crt\"", "",
     "type=webhook"},
    {"channel.<name>.connect_timeout", "integer", "5", "Seconds to connect (1 to 600).", "5", "",
     "type=webhook"},
    {"channel.<name>.timeout", "integer", "15", "Seconds for one whole request (1 to 3600).", "15",
     "", "type=webhook"},
    {"channel.<name>.connections", "integer", "4",
     "HTTP connections kept and reused, sending to several recipients at once (1 to 16).", "4", "",
     "type=webhook"},
};

constexpr KeyDoc kScheduleKeys[] = {
    {"schedule", "table", "", "What the file is, and which years it decides.", ""},
    {"schedule.name", "string", "(none)", "The schedule's name, shown by check-config.",
     "\"Lịch nghỉ lễ của tỉnh\""},
    {"schedule.description", "string", "(none)", "Free text.", "\"Theo Công văn số …\""},
    {"schedule.years", "array of integers", "(required)",
     "The years this file decides (1900 to 2199). A listed year is authoritative: the statutory "
     "rules do not apply to it, and a date of that year that has no [[day]] is an ordinary day.",
     "[2027]"},
    {"day", "array of tables", "", "One entry per date (each date at most once).", ""},
    {"day[].date", "date", "(required)", "The date, YYYY-MM-DD.", "2027-02-08"},
    {"day[].kind", "string", "(required)",
     "holiday (a statutory holiday, listed even on a weekend), compensatory (nghỉ bù), swap (a "
     "working day swapped off), makeup_workday (a weekend day worked in exchange).",
     "\"holiday\"", "holiday compensatory swap makeup_workday"},
    {"day[].name", "string", "(required)", "The Vietnamese name.", "\"Tết Nguyên đán\""},
    {"day[].source", "string", "(required)",
     "The official document (dispatch number), else the news source.", "\"CV 123/VPCP-KGVX\""},
    {"day[].note", "string", "(none)", "A remark.", "\"nghỉ 5 ngày\""},
};

}  // namespace

std::span<const KeyDoc> key_docs() {
  return kKeys;
}

std::span<const KeyDoc> schedule_key_docs() {
  return kScheduleKeys;
}

std::string_view example_config() {
  return R"(# /etc/dunghan/dunghan.toml: e-mail two working days before the due date and on the
# due date; the department head and the leaders every working day once a dossier is late.
[service]
poll_interval = 60

[calendar]
sessions = ["07:30-11:30", "13:30-17:00"]

[[calendar.day_off]]
date = 2026-11-24
name = "Ngày Văn hóa Việt Nam"

[[procedure]]
code = "2.000046"
name = "Cấp Giấy chứng nhận đăng ký đầu tư"
field = "Đầu tư"
duration = "15 working days"

[[recipient]]
id = "nguyenvana"
name = "Nguyễn Văn A"
email = "nguyenvana@example.gov.vn"
department = "Phòng Quản lý đầu tư"
roles = ["handler"]

[[recipient]]
id = "tranthib"
name = "Trần Thị B"
email = "tranthib@example.gov.vn"
department = "Phòng Quản lý đầu tư"
roles = ["head"]

[[recipient]]
id = "levanc"
name = "Lê Văn C"
email = "levanc@example.gov.vn"
roles = ["leader"]

[channel.email]
type = "email"
url = "smtp://mail.example.gov.vn:587"
from = "Một cửa <motcua@example.gov.vn>"
username = "motcua"
password_file = "/etc/dunghan/smtp.pass"

[[rule]]
name = "nhac-truoc-2-ngay"
when = "before_due"
offset = "2 working days"
to = ["handler"]
channels = ["email"]

[[rule]]
name = "den-han-hom-nay"
when = "due_today"
to = ["handler", "department_head"]
channels = ["email"]

[[rule]]
name = "qua-han"
when = "overdue"
to = ["department_head", "role:leader"]
channels = ["email"]
repeat = "1 working day"
stop_after = 30
)";
}

}  // namespace dunghan::config
