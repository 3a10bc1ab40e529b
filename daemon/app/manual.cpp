// dunghan(1), dunghan.toml(5) and the bash completion, generated (manual.h).
#include "app/manual.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "app/app.h"
#include "config/schema.h"

namespace dunghan::app {
namespace {

// ---- the command tree, read from CLI11 ---------------------------------------------------------

struct OptionInfo {
  std::vector<std::string> names;  // "-h", "--help"; the positional's own name
  bool positional = false;
  bool takes_value = false;
  bool required = false;
  bool file = false;  // the value is a file name
  std::string placeholder;
  std::vector<std::string> choices;
  std::string description;
};

struct CommandInfo {
  std::vector<std::string> path;  // {"alerts", "explain"}; empty for the program itself
  std::string description;
  std::vector<OptionInfo> options;
  std::vector<CommandInfo> subcommands;
};

std::string upper(std::string s) {
  for (char& c : s)
    c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find(sep, start), s.size());
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

OptionInfo option_info(const CLI::Option& o) {
  OptionInfo info;
  info.positional = o.get_positional() && o.get_lnames().empty() && o.get_snames().empty();
  for (const std::string& s : o.get_snames()) info.names.push_back("-" + s);
  for (const std::string& l : o.get_lnames()) info.names.push_back("--" + l);
  if (info.positional) info.names.push_back(o.get_name(true, false));
  info.takes_value = o.get_items_expected_max() > 0;
  info.required = o.get_required();
  info.description = o.get_description();
  const std::string type = o.get_type_name();
  const std::size_t open = type.find('{');
  const std::size_t close = type.find('}', open == std::string::npos ? 0 : open);
  if (open != std::string::npos && close != std::string::npos) {
    info.choices = split(std::string_view(type).substr(open + 1, close - open - 1), ',');
  }
  const std::string text = o.get_option_text();
  const std::string long_name = o.get_lnames().empty() ? "" : o.get_lnames().front();
  info.file = text == "FILE" || text == "DIR" || type.find(":FILE") != std::string::npos ||
              type.find(":DIR") != std::string::npos || type.find(":PATH") != std::string::npos ||
              long_name.ends_with("-file") || long_name == "output";
  if (!text.empty()) {
    info.placeholder = text;
  } else if (!info.choices.empty()) {
    for (const std::string& c : info.choices) {
      info.placeholder += (info.placeholder.empty() ? "" : "|") + c;
    }
  } else if (info.positional) {
    info.placeholder = upper(o.get_name(true, false));
  } else {
    info.placeholder = upper(long_name.empty() ? "VALUE" : long_name);
  }
  return info;
}

CommandInfo command_info(const CLI::App& app, std::vector<std::string> path) {
  CommandInfo c;
  c.path = std::move(path);
  c.description = app.get_description();
  for (const CLI::Option* o :
       app.get_options([](const CLI::Option* x) { return !x->get_group().empty(); })) {
    c.options.push_back(option_info(*o));
  }
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    std::vector<std::string> p = c.path;
    p.push_back(sub->get_name());
    c.subcommands.push_back(command_info(*sub, std::move(p)));
  }
  return c;
}

std::string joined(const std::vector<std::string>& words, std::string_view sep = " ") {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += sep;
    out += w;
  }
  return out;
}

bool is_help(const OptionInfo& o) {
  return std::find(o.names.begin(), o.names.end(), "--help") != o.names.end();
}

// ---- roff --------------------------------------------------------------------------------------

/// Text for a roff line: backslashes escaped; a leading '.' or '\'' protected.
std::string roff(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') {
      out += "\\e";
    } else {
      out += c;
    }
  }
  std::string protected_lines;
  bool line_start = true;
  for (char c : out) {
    if (line_start && (c == '.' || c == '\'')) protected_lines += "\\&";
    protected_lines += c;
    line_start = c == '\n';
  }
  return protected_lines;
}

/// An option name or command word in roff: hyphens as \- (what a user types).
std::string roff_word(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-') {
      out += "\\-";
    } else if (c == '\\') {
      out += "\\e";
    } else {
      out += c;
    }
  }
  return out;
}

std::string bold(std::string_view s) {
  return "\\fB" + roff_word(s) + "\\fR";
}
std::string italic(std::string_view s) {
  return "\\fI" + roff_word(s) + "\\fR";
}

std::string option_synopsis(const OptionInfo& o) {
  if (o.positional) return italic(o.placeholder);
  std::string s;
  for (const std::string& n : o.names) s += (s.empty() ? "" : ", ") + bold(n);
  if (o.takes_value) s += " " + italic(o.placeholder);
  return s;
}

std::string usage(const CommandInfo& c) {
  std::string s = bold(c.path.empty() ? "dunghan" : "dunghan " + joined(c.path));
  bool optional_options = false;
  for (const OptionInfo& o : c.options) {
    if (is_help(o)) continue;
    if (o.positional) {
      s += " " + (o.required ? italic(o.placeholder) : "[" + italic(o.placeholder) + "]");
    } else if (o.required) {
      s += " " + bold(o.names.back()) + (o.takes_value ? " " + italic(o.placeholder) : "");
    } else {
      optional_options = true;
    }
  }
  if (optional_options) s += " [" + italic("options") + "]";
  if (!c.subcommands.empty()) s += " " + italic("COMMAND");
  return s;
}

void check_documented(const CommandInfo& c, std::vector<std::string>& problems) {
  const std::string where = "dunghan" + (c.path.empty() ? "" : " " + joined(c.path));
  if (!c.path.empty() && c.description.empty()) {
    problems.push_back("command `" + where + "` has no description");
  }
  for (const OptionInfo& o : c.options) {
    if (o.description.empty()) {
      problems.push_back("option " + joined(o.names, ",") + " of `" + where +
                         "` has no description");
    }
  }
  for (const CommandInfo& s : c.subcommands) check_documented(s, problems);
}

void write_options(std::ostream& out, const CommandInfo& c, bool skip_help) {
  for (const OptionInfo& o : c.options) {
    if (skip_help && is_help(o)) continue;
    out << ".TP\n" << option_synopsis(o) << '\n' << roff(o.description);
    if (o.required && !o.positional) out << " (required)";
    out << '\n';
  }
}

void write_command(std::ostream& out, const CommandInfo& c) {
  out << ".SS \"" << roff_word(joined(c.path)) << "\"\n";
  out << usage(c) << "\n.br\n" << roff(c.description) << ".\n";
  bool has_options = false;
  for (const OptionInfo& o : c.options) has_options = has_options || !is_help(o);
  if (has_options) {
    out << ".RS\n";
    write_options(out, c, true);
    out << ".RE\n";
  }
  for (const CommandInfo& s : c.subcommands) write_command(out, s);
}

/// `dunghan …` command lines shown in EXAMPLES, each checked against the app.
struct Example {
  std::string_view command;
  std::string_view explanation;
};
constexpr std::array kExamples = {
    Example{"dunghan check-config --config /etc/dunghan/dunghan.toml",
            "Validate the configuration; every problem is listed with file, line, column and key."},
    Example{"dunghan run --once",
            "One cycle of the daemon: read the store, plan, send what is due, and exit."},
    Example{"dunghan import --dossiers dossiers.csv --events events.csv",
            "Load dossiers and their events into the embedded store."},
    Example{"dunghan status --state overdue",
            "The open dossiers that are late, most urgent first."},
    Example{"dunghan report --from 2026-07-01 --to 2026-09-30",
            "Form 6a (Biểu II.06a/VPCP/KSTT) for the third quarter of 2026."},
    Example{"dunghan alerts preview --at 2026-12-01T08:00",
            "What would be sent at that instant, without sending or writing anything."},
    Example{"dunghan alerts test --channel email --to nguyenvana", "Send one test message now."},
    Example{"dunghan outbox list --state dead", "Alerts that could not be delivered."},
    Example{"dunghan outbox retry --dead", "Send every dead alert again."},
    Example{"dunghan deadline --received 2026-02-12T09:00 --duration \"15 ngày làm việc\"",
            "The due date of a dossier received before Tết 2026."},
    Example{"dunghan calendar --year 2026", "The working calendar of 2026."},
    Example{"systemctl reload dunghan",
            "Reload the configuration of the running service (SIGHUP); an invalid file is "
            "refused and the old one keeps running."},
};

/// Splits a shell-like line: words, with "double quotes" grouping.
std::vector<std::string> words_of(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  bool any = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) out.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += c;
      any = true;
    }
  }
  if (any) out.push_back(cur);
  return out;
}

/// Checks that an example's commands and options exist in the tree.
void check_example(const CommandInfo& root, std::string_view line,
                   std::vector<std::string>& problems) {
  const std::vector<std::string> words = words_of(line);
  if (words.empty() || words[0] != "dunghan") return;  // systemctl and such
  const CommandInfo* c = &root;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.starts_with("-")) {
      const OptionInfo* found = nullptr;
      for (const OptionInfo& o : c->options) {
        if (std::find(o.names.begin(), o.names.end(), w) != o.names.end()) found = &o;
      }
      if (found == nullptr) {
        problems.push_back("example `" + std::string(line) + "`: no option " + w + " in `dunghan " +
                           joined(c->path) + "`");
        return;
      }
      if (found->takes_value) ++i;
      continue;
    }
    const auto sub = std::find_if(c->subcommands.begin(), c->subcommands.end(),
                                  [&](const CommandInfo& s) { return s.path.back() == w; });
    if (sub != c->subcommands.end()) {
      c = &*sub;
    } else if (c->subcommands.empty()) {
      continue;  // a positional argument
    } else {
      problems.push_back("example `" + std::string(line) + "`: no command " + w);
      return;
    }
  }
}

constexpr std::string_view kVersion = DUNGHAN_VERSION;

// ---- the configuration's keys ------------------------------------------------------------------

/// The parent table of a dotted key path ("calendar.season[].from" → "calendar.season[]").
std::string_view parent_of(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
}

/// How a table is written in a file: "[calendar]", "[[calendar.season]]", "[channel.NAME]".
std::string table_heading(const config::KeyDoc& t) {
  std::string p(t.path);
  std::string out;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p.compare(i, 2, "[]") == 0) {
      ++i;
    } else if (p.compare(i, 6, "<name>") == 0) {
      out += "NAME";
      i += 5;
    } else {
      out += p[i];
    }
  }
  if (t.type == "array of tables") return "[[" + out + "]]";
  if (t.type == "named tables") return "[" + out + ".NAME]";
  return "[" + out + "]";
}

/// The keys of one file format, a subsection per table (man(7) roff).
void write_keys(std::ostream& out, std::span<const config::KeyDoc> docs) {
  std::string current_table;
  std::string current_when;
  for (const config::KeyDoc& k : docs) {
    const bool is_table =
        k.type == "table" || k.type == "array of tables" || k.type == "named tables";
    if (is_table) {
      out << ".SS \"" << roff(table_heading(k)) << "\"\n" << roff(k.description) << '\n';
      current_table = std::string(k.path);
      if (k.type == "named tables") current_table += ".<name>";
      if (k.type == "array of tables") current_table += "[]";
      current_when.clear();
      continue;
    }
    if (k.when != current_when) {
      current_when = std::string(k.when);
      if (!current_when.empty()) {
        const std::size_t eq = current_when.find('=');
        out << ".PP\nWith \\fB" << roff_word(current_when.substr(0, eq)) << " = \""
            << roff_word(current_when.substr(eq + 1)) << "\"\\fR:\n";
      }
    }
    const std::string_view parent = parent_of(k.path);
    const std::string name(parent == current_table ? k.path.substr(parent.size() + 1) : k.path);
    out << ".TP\n" << bold(name);
    if (k.type == "secret") out << ", " << bold(name + "_file");
    out << " (" << roff(k.type);
    if (k.default_value.starts_with('(') && k.default_value.ends_with(')')) {
      out << "; " << roff(k.default_value.substr(1, k.default_value.size() - 2));
    } else if (!k.default_value.empty()) {
      out << "; default " << roff(k.default_value);
    }
    out << ")\n" << roff(k.description);
    if (!k.choices.empty()) {
      out << " One of: " << roff(joined(split(k.choices, ' '), ", ")) << '.';
    }
    if (!k.example.empty()) {
      std::string short_name(k.path.substr(k.path.rfind('.') + 1));
      out << "\n.br\nExample: \\fB" << roff_word(short_name) << " = " << roff(k.example) << "\\fR";
    }
    out << '\n';
  }
}

}  // namespace

std::span<const ExitCodeDoc> exit_code_docs() {
  static constexpr ExitCodeDoc kCodes[] = {
      {kOk, "success"},
      {kUsageOrConfig,
       "usage error, or an invalid or missing configuration, or an invalid input value"},
      {kPartial,
       "partial failure: some input was rejected (each rejection is reported), the rest was "
       "processed"},
  };
  return kCodes;
}

std::string cli_man_page(const CLI::App& app, std::vector<std::string>& problems) {
  const CommandInfo root = command_info(app, {});
  check_documented(root, problems);
  for (const Example& e : kExamples) check_example(root, e.command, problems);

  std::ostringstream out;
  out << ".\\\" Generated by `dunghan help --man 1` from the program's own command table.\n"
      << ".TH DUNGHAN 1 \"\" \"dunghan " << kVersion << "\" \"User Commands\"\n"
      << ".SH NAME\n"
      << "dunghan \\- deadline alerts for administrative dossiers of Vietnamese one-stop shops\n"
      << ".SH SYNOPSIS\n"
      << usage(root) << "\n.br\n"
      << bold("dunghan --version") << "\n.br\n"
      << bold("dunghan help") << "\n"
      << ".SH DESCRIPTION\n"
      << roff(root.description) << ".\n.PP\n"
      << "dunghan polls a store of administrative dossiers (hồ sơ thủ tục hành chính), computes "
         "each dossier's legal deadline in working days on the agency's calendar (weekends, "
         "lunar-calendar holidays, decreed day swaps and make-up Saturdays), alerts the staff in "
         "charge by e-mail, Zalo or signed webhooks before a dossier goes late, escalates when "
         "it does, never loses or repeats an alert, and reports form 6a.\n.PP\n"
      << bold("dunghan run") << " is the daemon (a systemd service, or a Windows service); "
      << "every other command is a short-lived tool over the same code. The configuration is "
         "one TOML file, described in \\fBdunghan.toml\\fR(5).\n"
      << ".SH OPTIONS\n"
      << "These come before the command. Every command also takes " << bold("-h") << ", "
      << bold("--help") << ".\n";
  write_options(out, root, false);
  out << ".SH COMMANDS\n";
  for (const CommandInfo& c : root.subcommands) write_command(out, c);
  out << ".SH EXIT STATUS\n";
  for (const ExitCodeDoc& e : exit_code_docs()) {
    out << ".TP\n.B " << e.code << '\n' << roff(e.meaning) << ".\n";
  }
  out << ".SH ENVIRONMENT\n"
      << ".TP\n.B DUNGHAN_CONFIG\nThe configuration file when " << bold("--config")
      << " is not given (default: /etc/dunghan/dunghan.toml; on Windows "
         "%ProgramData%\\edunghan\\edunghan.toml). Commands other than "
      << bold("check-config") << " and " << bold("run")
      << " use the built-in defaults when there is no file at the default path.\n"
      << ".TP\n.B JOURNAL_STREAM\nSet by systemd: the log goes to the journal instead of "
         "standard error.\n"
      << ".TP\n.BR NOTIFY_SOCKET \", \" WATCHDOG_USEC\nSet by systemd for "
         "\\fBType=notify\\fR: "
      << bold("dunghan run")
      << " reports readiness, reloads and stopping, and feeds the watchdog.\n"
      << ".TP\n.I NAME\nA secret written as \\fB\"env:NAME\"\\fR in the configuration is read "
         "from the environment variable NAME.\n"
      << ".SH FILES\n"
      << ".TP\n.I /etc/dunghan/dunghan.toml\nThe configuration (\\fBdunghan.toml\\fR(5)).\n"
      << ".TP\n.I /var/lib/dunghan/state.db\nThe alert ledger: every alert's key, state and "
         "attempts. Back it up (see /usr/share/doc/dunghan/operations.md).\n"
      << ".TP\n.I /var/lib/dunghan/dossiers.db\nThe embedded dossier store (when the "
         "configuration maps no other database).\n"
      << ".TP\n.I /var/lib/dunghan/zalo-token.json\nThe Zalo OA token pair, rewritten at each "
         "refresh.\n"
      << ".TP\n.I /usr/share/dunghan/templates/\nThe default message templates (compiled into "
         "the program; copies to start from for [alerts] templates_dir).\n"
      << ".TP\n.I /usr/share/dunghan/holidays/vn.toml\nThe official holiday schedules (compiled "
         "into the program as \\fBbuiltin:vn\\fR).\n"
      << ".TP\n.I /usr/lib/systemd/system/dunghan.service\nThe systemd unit.\n"
      << ".TP\n.I /usr/share/doc/dunghan/\nThe design, the rules with their legal sources, the "
         "channels' wire contracts and the operations guide.\n"
      << ".SH EXAMPLES\n";
  for (const Example& e : kExamples) {
    out << ".TP\n" << bold(e.command) << '\n' << roff(e.explanation) << '\n';
  }
  out << ".SH SEE ALSO\n"
      << "\\fBdunghan.toml\\fR(5), \\fBsystemctl\\fR(1), \\fBjournalctl\\fR(1), "
         "/usr/share/doc/dunghan/operations.md\n";
  return out.str();
}

std::string config_man_page() {
  std::ostringstream out;
  out << ".\\\" Generated by `dunghan help --man 5` from the configuration's key table.\n"
      << ".TH DUNGHAN.TOML 5 \"\" \"dunghan " << kVersion << "\" \"File Formats\"\n"
      << ".SH NAME\n"
      << "dunghan.toml \\- configuration file of the dunghan deadline-alert service\n"
      << ".SH SYNOPSIS\n"
      << ".I /etc/dunghan/dunghan.toml\n"
      << ".SH DESCRIPTION\n"
      << "One TOML file configures \\fBdunghan\\fR(1): /etc/dunghan/dunghan.toml on Linux, "
         "%ProgramData%\\edunghan\\edunghan.toml on Windows; \\fB\\-\\-config\\fR "
         "\\fIFILE\\fR or the environment variable DUNGHAN_CONFIG choose another. Every key has "
         "a default: write only what differs. Relative paths resolve against the file's own "
         "folder. Texts are UTF\\-8 (Vietnamese is kept in Unicode NFC).\n.PP\n"
      << bold("dunghan check-config")
      << " validates the file and lists every problem with file, line, column and key, and "
         "suggests the closest key for a mistyped one. The running service re-reads the file on "
         "SIGHUP (\\fBsystemctl reload dunghan\\fR): an invalid file is refused and the old one "
         "keeps running.\n"
      << ".SS Secrets\n"
      << "A key of type \\fIsecret\\fR is written in one of three ways: \\fBKEY = \"value\"\\fR "
         "(inline), \\fBKEY = \"env:NAME\"\\fR (the environment variable NAME), or "
         "\\fBKEY_file = \"/etc/dunghan/KEY\"\\fR (a file; trailing newlines are dropped). "
         "Secret values never appear in logs, errors or reports.\n"
      << ".SS Durations\n"
      << "Durations are an amount and a unit: \\fB\"15 working days\"\\fR / \\fB\"15 ngày làm "
         "việc\"\\fR, \\fB\"4 working hours\"\\fR / \\fB\"4 giờ làm việc\"\\fR, "
         "\\fB\"30 days\"\\fR / \\fB\"30 ngày\"\\fR (calendar days).\n"
      << ".SH KEYS\n";
  write_keys(out, config::key_docs());
  out << ".SH EXAMPLE\n.PP\n.nf\n"
      << roff(config::example_config()) << ".fi\n"
      << ".SH HOLIDAY SCHEDULE FILES\n"
      << "calendar.schedules names files of official days off and make-up days, in the format "
         "of the shipped /usr/share/dunghan/holidays/vn.toml. When the Prime Minister approves "
         "a new year's schedule, write it in a file of your own, list the year under years, add "
         "one [[day]] per date, and add the file to calendar.schedules.\n";
  write_keys(out, config::schedule_key_docs());
  out << ".SH FILES\n"
      << ".TP\n.I /etc/dunghan/dunghan.toml\nThe configuration.\n"
      << ".TP\n.I /usr/share/dunghan/dunghan.toml.sample\nThe annotated sample (comments in "
         "Vietnamese and English).\n"
      << ".TP\n.I /usr/share/dunghan/holidays/vn.toml\nThe shipped holiday schedules: the "
         "format of a schedule file for calendar.schedules.\n"
      << ".SH SEE ALSO\n"
      << "\\fBdunghan\\fR(1), /usr/share/doc/dunghan/rules.md\n";
  return out.str();
}

std::string bash_completion(const CLI::App& app) {
  const CommandInfo root = command_info(app, {});
  std::vector<const CommandInfo*> all;
  const auto collect = [&all](const auto& self, const CommandInfo& c) -> void {
    all.push_back(&c);
    for (const CommandInfo& s : c.subcommands) self(self, s);
  };
  collect(collect, root);

  std::ostringstream out;
  out << "# bash completion for dunghan " << kVersion
      << " (generated by `dunghan help --completion bash`)\n"
      << "_dunghan_commands() {\n  case \"$1\" in\n";
  for (const CommandInfo* c : all) {
    if (c->subcommands.empty()) continue;
    std::vector<std::string> names;
    for (const CommandInfo& s : c->subcommands) names.push_back(s.path.back());
    out << "    \"" << joined(c->path) << "\") echo \"" << joined(names) << "\" ;;\n";
  }
  out << "  esac\n}\n_dunghan_options() {\n  case \"$1\" in\n";
  for (const CommandInfo* c : all) {
    std::vector<std::string> names;
    for (const OptionInfo& o : c->options) {
      if (o.positional) continue;
      for (const std::string& n : o.names) names.push_back(n);
    }
    out << "    \"" << joined(c->path) << "\") echo \"" << joined(names) << "\" ;;\n";
  }
  out << "  esac\n}\n# _dunghan_value COMMAND OPTION: the option's values (\"@file\" for a file "
         "name); fails when it takes none.\n"
      << "_dunghan_value() {\n  case \"$1|$2\" in\n";
  for (const CommandInfo* c : all) {
    for (const OptionInfo& o : c->options) {
      if (o.positional || !o.takes_value) continue;
      std::vector<std::string> patterns;
      for (const std::string& n : o.names)
        patterns.push_back("\"" + joined(c->path) + "|" + n + "\"");
      out << "    " << joined(patterns, "|") << ") echo \""
          << (o.file ? std::string("@file") : joined(o.choices)) << "\" ;;\n";
    }
  }
  out << "    *) return 1 ;;\n  esac\n}\n"
      << R"sh(_dunghan() {
  local cur=${COMP_WORDS[COMP_CWORD]} path="" i w subs values
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == -* ]]; then
      [[ $w != *=* ]] && _dunghan_value "$path" "$w" >/dev/null && ((i++))
      continue
    fi
    subs=" $(_dunghan_commands "$path") "
    [[ $subs == *" $w "* ]] && path=${path:+$path }$w
  done
  if ((COMP_CWORD > 1)) && values=$(_dunghan_value "$path" "${COMP_WORDS[COMP_CWORD - 1]}"); then
    if [[ $values == @file ]]; then
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
    fi
    return 0
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_dunghan_options "$path")" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -W "$(_dunghan_commands "$path")" -- "$cur")
  fi
}
complete -o filenames -F _dunghan dunghan
)sh";
  return out.str();
}

}  // namespace dunghan::app
