//! Command names no third-party plugin may take, as its name or an alias:
//! the built-ins and their aliases, azlin's own commands, and the names of
//! existing azlin's commands that are still to come as built-ins.

/// Every reserved command name, sorted.
pub const RESERVED_COMMANDS: &[&str] = &[
    "agent",
    "ask",
    "auth",
    "autopilot",
    "bastion",
    "batch",
    "cache",
    "cleanup",
    "clone",
    "code",
    "completions",
    "compose",
    "config",
    "connect",
    "context",
    "cost",
    "costs",
    "cp",
    "create",
    "delete",
    "destroy",
    "disk",
    "do",
    "doctor",
    "env",
    "fleet",
    "github-runner",
    "gui",
    "health",
    "help",
    "history",
    "keys",
    "kill",
    "killall",
    "list",
    "logs",
    "new",
    "os-update",
    "perf",
    "plugin",
    "ps",
    "restore",
    "run-command",
    "session",
    "sessions",
    "show",
    "snapshot",
    "start",
    "status",
    "stop",
    "storage",
    "sync",
    "tag",
    "template",
    "top",
    "tunnel",
    "version",
    "w",
];

/// Whether `name` is kept for azlin's own commands.
pub fn is_reserved(name: &str) -> bool {
    RESERVED_COMMANDS.binary_search(&name).is_ok()
}

/// Why a third-party plugin describing itself as `name` with `aliases`
/// cannot be used, if it cannot.
pub fn check(name: &str, aliases: &[String]) -> Result<(), String> {
    if is_reserved(name) {
        return Err(format!(
            "'{name}' is a built-in or reserved command name; a plugin cannot take it (rename the command)"
        ));
    }
    match aliases.iter().find(|alias| is_reserved(alias)) {
        Some(alias) => Err(format!(
            "its alias '{alias}' is a built-in or reserved command name; a plugin cannot take it (drop the alias)"
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_so_lookups_find_every_name() {
        let mut sorted = RESERVED_COMMANDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, RESERVED_COMMANDS);
        assert!(RESERVED_COMMANDS.iter().all(|name| is_reserved(name)));
    }

    #[test]
    fn every_builtin_name_is_reserved() {
        for builtin in super::super::builtin::BUILTINS {
            assert!(is_reserved(builtin.name), "{}", builtin.name);
        }
    }

    #[test]
    fn names_and_aliases_are_both_checked() {
        assert!(check("kill", &[]).is_err());
        assert!(
            check("mine", &["kill".into()])
                .unwrap_err()
                .contains("alias 'kill'")
        );
        assert!(check("mine", &["mine-too".into()]).is_ok());
    }
}
