#pragma once
// Internal to the config module: readers of the sections that live in their own files.

#include "config/config.h"
#include "config/suggest.h"
#include "config/table_reader.h"

namespace dunghan::config {

/// [alerts], [[recipient]] and [[rule]]. Rules are checked against the channels already read
/// (Config::channels when present) and the recipients: a rule naming an unknown channel, role or
/// recipient is an error.
/// [channel.NAME] tables → Config::channels (channels_section.cpp). Call after [calendar] (the
/// channels take its UTC offset).
void read_channels(TableReader& top, Config& config);

void read_alerting(TableReader& top, Config& config, const std::vector<std::string>& channel_names);

}  // namespace dunghan::config
