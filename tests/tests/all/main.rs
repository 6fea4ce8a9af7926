//! azlin's integration tests: the built binary and the runtime, against
//! fixture plugins. One module per area.

mod agent;
mod arm_answers;
mod arm_client;
mod arm_fixtures;
mod azure_e2e;
mod bad_input;
mod boundary;
mod cache;
mod cli;
mod compat;
mod connect;
mod connect_limit;
mod contract;
mod cp;
mod executor;
mod exit_codes;
mod fleet_commands;
mod hostile_output;
mod install;
mod inventory;
mod layers;
mod lifecycle;
mod limits;
mod list_columns;
mod names;
mod no_panic;
mod output;
mod perf;
mod plugin_cache;
mod precompiled;
mod sandbox;
mod settings;
mod sim;
mod ssh;
mod vetting;
