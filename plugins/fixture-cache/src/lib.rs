//! Test fixture: drives `azlin:host/cache` (capability cache) from the command
//! line — put, get, invalidate — and prints each answer, errors included, as
//! a line of text, so tests can read what the plugin saw.

use azlin_sdk::HostError;
use azlin_sdk::prelude::*;

/// Values longer than this are reported by size only.
const SHOWN: usize = 64;

struct CacheUser;

impl Command for CacheUser {
    fn describe() -> Info {
        Info::new("cache-user", "0.1.0", "Fixture: drives azlin:host/cache")
            .alias("cache-user-alias")
            .subcommand(
                Sub::new("put", "store a value under a key")
                    .positional(Positional::new("key", "KEY", "the key").required())
                    .positional(Positional::new("value", "VALUE", "the value (text)"))
                    .option(Opt::value("ttl", "SECONDS", "time to live in seconds").default("3600"))
                    .option(Opt::value(
                        "size",
                        "BYTES",
                        "store this many bytes of 'x' instead of VALUE",
                    ))
                    .option(Opt::value(
                        "copies",
                        "N",
                        "store under KEY-1 … KEY-N instead, stopping at the first error",
                    )),
            )
            .subcommand(
                Sub::new("get", "print the value under a key")
                    .positional(Positional::new("key", "KEY", "the key").required()),
            )
            .subcommand(
                Sub::new(
                    "invalidate",
                    "remove the entries whose keys start with a prefix",
                )
                .positional(Positional::new(
                    "prefix",
                    "PREFIX",
                    "the prefix (all if absent)",
                )),
            )
    }

    fn run(args: Args) -> Result<(), Failure> {
        let line = match args.subcommand() {
            Some("put") => {
                for line in put(&args)? {
                    output::text(&line);
                }
                return Ok(());
            }
            Some("get") => get(args.value("key").unwrap_or_default()),
            Some("invalidate") => {
                let prefix = args.value("prefix").unwrap_or_default();
                match cache::invalidate(prefix) {
                    Ok(removed) => format!("removed {removed}"),
                    Err(error) => described(&error),
                }
            }
            other => return Err(Failure::usage(format!("unknown subcommand {other:?}"))),
        };
        output::text(&line);
        Ok(())
    }
}

/// One line per key stored, or for the error that stopped it.
fn put(args: &Args) -> Result<Vec<String>, Failure> {
    let key = args.value("key").unwrap_or_default();
    let ttl: u32 = args.parse("ttl")?.unwrap_or(3600);
    let value = match args.parse::<usize>("size")? {
        Some(size) => vec![b'x'; size],
        None => args.value("value").unwrap_or_default().as_bytes().to_vec(),
    };
    let keys = match args.parse::<u32>("copies")? {
        Some(copies) => (1..=copies).map(|copy| format!("{key}-{copy}")).collect(),
        None => vec![key.to_string()],
    };
    let mut lines = Vec::new();
    for key in keys {
        match cache::put(&key, &value, ttl) {
            Ok(()) => lines.push(format!("stored {key}")),
            Err(error) => {
                lines.push(described(&error));
                break;
            }
        }
    }
    Ok(lines)
}

fn get(key: &str) -> String {
    match cache::get(key) {
        Ok(Some(value)) if value.len() <= SHOWN => {
            format!("found {key}: {}", String::from_utf8_lossy(&value))
        }
        Ok(Some(value)) => format!("found {key}: {} bytes", value.len()),
        Ok(None) => format!("missing {key}"),
        Err(error) => described(&error),
    }
}

/// `error <case>: <message>`, the case named as in the WIT.
fn described(error: &HostError) -> String {
    let (case, message) = match error {
        HostError::NotFound(message) => ("not-found", message.clone()),
        HostError::AccessDenied(message) => ("access-denied", message.clone()),
        HostError::Throttled(seconds) => ("throttled", format!("{seconds} s")),
        HostError::Unavailable(message) => ("unavailable", message.clone()),
        HostError::Timeout(message) => ("timeout", message.clone()),
        HostError::InvalidInput(message) => ("invalid-input", message.clone()),
        HostError::Remote(message) => ("remote", message.clone()),
    };
    format!("error {case}: {message}")
}

azlin_sdk::export_command!(CacheUser);
