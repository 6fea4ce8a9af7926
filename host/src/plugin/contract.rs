//! Which versions of the `azlin:host` package this host serves, so a plugin
//! built against one it does not is refused with the versions it could use,
//! not with a linker error.

/// A line of the package the host serves: its newest version and the
/// interfaces in it.
struct Line {
    newest: (u64, u64, u64),
    interfaces: &'static [&'static str],
}

/// Every interface of the current package (`wit/`).
const CURRENT: &[&str] = &[
    "types",
    "output",
    "host-info",
    "vms",
    "vm-control",
    "remote",
    "cache",
    "settings",
    "terminal",
    "transfer",
];

/// The frozen 0.1 line (`wit/v0.1`).
const V0_1: &[&str] = &[
    "types",
    "output",
    "host-info",
    "vms",
    "vm-control",
    "remote",
    "cache",
];

const LINES: [Line; 2] = [
    Line {
        newest: (0, 2, 0),
        interfaces: CURRENT,
    },
    Line {
        newest: (0, 1, 1),
        interfaces: V0_1,
    },
];

/// The versions served, for messages: `0.1.0–0.1.1, 0.2.0`.
pub fn served() -> String {
    let mut lines: Vec<String> = LINES
        .iter()
        .map(|line| match line.newest {
            (major, minor, 0) => format!("{major}.{minor}.0"),
            (major, minor, patch) => format!("{major}.{minor}.0–{major}.{minor}.{patch}"),
        })
        .collect();
    lines.reverse();
    lines.join(", ")
}

/// Whether `import` (`azlin:host/NAME@VERSION`) is one this host serves: an
/// interface of a line whose newest version is semver-compatible with and
/// not older than the one imported (within 0.x the minor version is the
/// breaking one, as the component model has it).
pub fn serves(import: &str) -> bool {
    let Some((interface, version)) = import
        .strip_prefix("azlin:host/")
        .and_then(|rest| rest.split_once('@'))
    else {
        return false;
    };
    let Some(wanted) = parse(version) else {
        return false;
    };
    LINES
        .iter()
        .any(|line| line.interfaces.contains(&interface) && compatible(wanted, line.newest))
}

fn compatible(wanted: (u64, u64, u64), newest: (u64, u64, u64)) -> bool {
    let same_line = match wanted.0 {
        0 => (wanted.0, wanted.1) == (newest.0, newest.1),
        _ => wanted.0 == newest.0,
    };
    same_line && wanted <= newest
}

fn parse(version: &str) -> Option<(u64, u64, u64)> {
    let mut parts = version.split('.').map(|part| part.parse::<u64>().ok());
    let triple = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(triple)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_serves_its_own_interfaces_up_to_its_newest_version() {
        assert!(serves("azlin:host/vms@0.1.0"));
        assert!(serves("azlin:host/vms@0.1.1"));
        assert!(serves("azlin:host/vms@0.2.0"));
        assert!(serves("azlin:host/settings@0.2.0"));
        assert!(!serves("azlin:host/settings@0.1.1"), "0.1 has no settings");
        assert!(!serves("azlin:host/vms@0.1.2"), "newer than the 0.1 line");
        assert!(!serves("azlin:host/vms@0.2.1"), "newer than this host");
        assert!(!serves("azlin:host/vms@0.3.0"));
        assert!(!serves("azlin:host/vms@1.0.0"));
        assert!(!serves("azlin:host/vms"), "unversioned");
        assert!(!serves("azlin:host/vms@0.2"), "not semver");
        assert!(!serves("azlin:host/nope@0.2.0"));
    }

    #[test]
    fn served_names_each_line_oldest_first() {
        assert_eq!(served(), "0.1.0–0.1.1, 0.2.0");
    }
}
