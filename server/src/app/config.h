// Configuration: defaults < optional properties file (--config / SB_CONFIG) < SB_* variables.
// Every setting is declared once in config.cpp with its validation; an unknown key or a
// wrong value fails start-up with a message naming the variable (or file and line).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "campaigns/campaign_runner.h"
#include "channels/messenger.h"
#include "events/dispatcher.h"
#include "events/scheduler.h"
#include "http/http_server.h"
#include "store/database.h"

namespace sb {

struct Config {
  HttpOptions http;
  DatabaseOptions database{.url = "sqlite:./data/switchboard.db"};
  std::optional<std::string> bootstrap_api_key;
  std::string workflows_dir = "./workflows";
  std::string plugins_dir = "./plugins";
  std::string log_level = "information";
  DispatcherOptions events;
  SchedulerOptions scheduler;
  channels::MessengerOptions messaging;
  campaigns::CampaignOptions campaigns;
  // false for a scratch server inside another process (workflow test runs): its start-up
  // lines would read as the host server's.
  bool announce = true;
};

using Environment = std::map<std::string, std::string>;
Environment process_environment();

// `file` overrides SB_CONFIG when given. Throws Error(kConfigInvalid).
Config load_config(const Environment& env, const std::optional<std::string>& file = std::nullopt);

// The settings table for --help and the README: name, variable, default, meaning.
std::string settings_help();

}  // namespace sb
