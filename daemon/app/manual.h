#pragma once
// The manual pages and the shell completion, generated from the one source of each: the CLI11
// app (commands, options, their descriptions and allowed values) and config::key_docs() (the
// configuration's keys). `dunghan help --man 1|5` and `dunghan help --completion bash` print
// them; the build installs their output (cmake/Install.cmake).

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace dunghan::app {

/// One process exit code and what it means (the one list: `dunghan help` and dunghan(1)).
struct ExitCodeDoc {
  int code;
  std::string_view meaning;
};
std::span<const ExitCodeDoc> exit_code_docs();

/// dunghan(1) in man(7) roff: every visible command and option of `app` (recursively), exit
/// codes, environment, files, examples. Appends to `problems` one English line per visible
/// command or option without a description, and per built-in example that does not parse
/// against `app` (unknown command or option); the page is complete either way.
std::string cli_man_page(const CLI::App& app, std::vector<std::string>& problems);

/// dunghan.toml(5) in man(7) roff, from config::key_docs() and config::example_config().
std::string config_man_page();

/// A bash completion script for `app`: commands, options, and the values of options that take
/// a fixed set (CLI::IsMember) or a file.
std::string bash_completion(const CLI::App& app);

}  // namespace dunghan::app
