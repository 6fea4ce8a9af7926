//! Diagnostics on stderr through `tracing`: warnings always, more with `-v`,
//! or any filter through `AZLIN_LOG`.

use tracing_subscriber::EnvFilter;

/// Installs the subscriber for `verbosity` (`-v` count).
pub fn init(verbosity: u8) {
    let default = match verbosity {
        0 => "warn",
        1 => "azlin=info,warn",
        _ => "azlin=debug,info",
    };
    let filter = EnvFilter::try_from_env("AZLIN_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(super::settings::stderr_colored())
        .with_target(false)
        .without_time()
        .try_init();
}

/// The `-v` count in raw arguments, before the command's own parser runs
/// (plugins' flags are parsed only once the plugin is loaded).
pub fn verbosity_in(args: &[std::ffi::OsString]) -> u8 {
    let mut count = 0u8;
    for arg in args.iter().skip(1).filter_map(|arg| arg.to_str()) {
        if arg == "--" {
            break;
        }
        if arg == "--verbose" {
            count = count.saturating_add(1);
        } else if let Some(shorts) = arg.strip_prefix('-').filter(|rest| !rest.starts_with('-'))
            && !shorts.is_empty()
            && shorts.chars().all(|c| c == 'v')
        {
            count = count.saturating_add(shorts.len() as u8);
        }
    }
    count
}
