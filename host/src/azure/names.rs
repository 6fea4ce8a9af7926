//! Azure resource names checked against Azure's naming rules and turned
//! into percent-encoded ARM path segments, so a name can never add, remove
//! or climb path segments of the request it goes into.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What stays as it is in a path segment: unreserved characters and the
/// parentheses resource group names may hold.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'(')
    .remove(b')');

/// `name` as one ARM path segment.
pub fn segment(name: &str) -> String {
    utf8_percent_encode(name, SEGMENT).to_string()
}

/// Azure's rule for resource group names: 1–90 letters, digits, `_`, `-`,
/// `.`, `(` and `)`, not ending with `.`.
pub fn check_group(name: &str) -> Result<(), String> {
    let allowed = name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')'));
    if name.is_empty() || name.chars().count() > 90 || !allowed || name.ends_with('.') {
        return Err(format!(
            "'{}' is not a valid resource group name: use 1 to 90 letters, digits, '_', '-', '.', '(' and ')', not ending with '.'",
            name.escape_default()
        ));
    }
    Ok(())
}

/// A region's name as ARM spells it: lower-case letters and digits.
pub fn check_region(name: &str) -> Result<(), String> {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !name.is_empty() && name.len() <= 40 && plain {
        return Ok(());
    }
    Err(format!(
        "'{}' is not a region name (lower-case letters and digits, e.g. westus2)",
        segment(name)
    ))
}

/// Azure's rule for the names of existing Linux VMs: 1–64 letters, digits,
/// `-`, `_` and `.`, not starting with `_` or `.`, not ending with `.` or `-`.
pub fn check_vm(name: &str) -> Result<(), String> {
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let ends = !name.starts_with(['_', '.']) && !name.ends_with(['.', '-']);
    if name.is_empty() || name.len() > 64 || !allowed || !ends {
        return Err(format!(
            "'{}' is not a valid VM name: use 1 to 64 letters, digits, '-', '_' and '.', not starting with '_' or '.' or ending with '-' or '.'",
            name.escape_default()
        ));
    }
    Ok(())
}

/// Azure's rule for the names of new Linux VMs: 1–64 letters, digits, `-`
/// and `.`, not starting with `-` or ending with `.` or `-`.
pub fn check_new_vm(name: &str) -> Result<(), String> {
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    let ends = !name.starts_with('-') && !name.ends_with(['.', '-']);
    if name.is_empty() || name.len() > 64 || !allowed || !ends {
        return Err(format!(
            "'{name}' is not a valid VM name: use 1 to 64 letters, digits, '-' and '.', not starting with '-' or ending with '-' or '.'"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_refused() {
        for name in [
            "..",
            ".",
            "a/b",
            "rg/../other",
            "%2e%2e",
            "a?b",
            "a#b",
            "",
            "a b",
            "x\u{1b}",
        ] {
            assert!(check_vm(name).is_err(), "vm {name:?}");
            assert!(check_group(name).is_err(), "group {name:?}");
        }
        assert!(check_group(&"a".repeat(91)).is_err());
        assert!(check_vm(&"a".repeat(65)).is_err());
    }

    #[test]
    fn azure_names_pass_and_encode_to_one_segment() {
        for name in ["vm-0001", "My.VM_2", "A"] {
            assert!(check_vm(name).is_ok(), "{name}");
        }
        for name in ["rg-0", "RG_(dev).x", "grüppe"] {
            assert!(check_group(name).is_ok(), "{name}");
        }
        assert_eq!(segment("RG_(dev).x"), "RG_(dev).x");
        assert_eq!(segment("a/b%2e"), "a%2Fb%252e");
        assert_eq!(segment("grüppe"), "gr%C3%BCppe");
    }
}
