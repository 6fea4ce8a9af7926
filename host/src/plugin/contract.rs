//! Which versions of the `azlin:host` package this host serves, so a plugin
//! built against one it does not is refused with the versions it could use,
//! not with a linker error.

/// Each interface and the line (major, minor) it came in.
const INTERFACES: [(&str, (u64, u64)); 10] = [
    ("types", (0, 1)),
    ("output", (0, 1)),
    ("host-info", (0, 1)),
    ("vms", (0, 1)),
    ("vm-control", (0, 1)),
    ("remote", (0, 1)),
    ("cache", (0, 1)),
    ("settings", (0, 2)),
    ("terminal", (0, 2)),
    ("transfer", (0, 2)),
];

/// The newest version served of each line, oldest line first: the frozen
/// 0.1 line (`wit/v0.1`) and the current package (`wit/`).
const LINES: [(u64, u64, u64); 2] = [(0, 1, 1), (0, 2, 1)];

/// The versions served, for messages: `0.1.0–0.1.1, 0.2.0–0.2.1`.
pub fn served() -> String {
    let lines: Vec<String> = LINES
        .iter()
        .map(|&(major, minor, patch)| match patch {
            0 => format!("{major}.{minor}.0"),
            _ => format!("{major}.{minor}.0–{major}.{minor}.{patch}"),
        })
        .collect();
    lines.join(", ")
}

/// Whether `interface` (`azlin:host/NAME`, no version) is one of azlin's,
/// in any line.
pub fn knows(interface: &str) -> bool {
    interface
        .strip_prefix("azlin:host/")
        .is_some_and(|name| INTERFACES.iter().any(|(known, _)| *known == name))
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
    let Some(&(_, came_in)) = INTERFACES.iter().find(|(name, _)| *name == interface) else {
        return false;
    };
    LINES
        .iter()
        .any(|&newest| compatible(wanted, newest) && came_in <= (newest.0, newest.1))
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
        assert!(serves("azlin:host/vms@0.2.1"));
        assert!(serves("azlin:host/settings@0.2.0"));
        assert!(!serves("azlin:host/settings@0.1.1"), "0.1 has no settings");
        assert!(!serves("azlin:host/vms@0.1.2"), "newer than the 0.1 line");
        assert!(!serves("azlin:host/vms@0.2.2"), "newer than this host");
        assert!(!serves("azlin:host/vms@0.3.0"));
        assert!(!serves("azlin:host/vms@1.0.0"));
        assert!(!serves("azlin:host/vms"), "unversioned");
        assert!(!serves("azlin:host/vms@0.2"), "not semver");
        assert!(!serves("azlin:host/nope@0.2.0"));
    }

    #[test]
    fn every_interface_of_any_line_is_known_without_its_version() {
        assert!(knows("azlin:host/vms") && knows("azlin:host/transfer"));
        assert!(!knows("azlin:host/nope") && !knows("vms") && !knows("wasi:cli/stdin"));
    }

    #[test]
    fn served_names_each_line_oldest_first() {
        assert_eq!(served(), "0.1.0–0.1.1, 0.2.0–0.2.1");
    }
}
