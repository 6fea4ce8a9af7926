//! Cache keys: an operation plus its parameters, sorted, so the same request
//! always finds the same entry whatever order the caller named them in; a
//! plugin's keys also carry the plugin's own name for the entry, verbatim.

use super::Operation;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A request's identity in the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    pub operation: Operation,
    /// Parameters sorted by name: the entry's scope.
    pub params: Vec<(String, String)>,
    /// A name within the scope, stored verbatim after it so that names
    /// sharing a prefix share a byte prefix (a plugin's keys); empty for
    /// API answers.
    pub name: String,
}

impl Key {
    /// A key for `operation` with `params` in any order.
    pub fn new(operation: Operation, params: &[(&str, &str)]) -> Self {
        let mut params: Vec<(String, String)> = params
            .iter()
            .map(|(name, value)| ((*name).into(), (*value).into()))
            .collect();
        params.sort();
        Self {
            operation,
            params,
            name: String::new(),
        }
    }

    /// Plugin `plugin`'s entry `name` (`azlin:host/cache`): scoped by the
    /// plugin's name, so no plugin reaches another's entries.
    pub fn plugin(plugin: &str, name: &str) -> Self {
        Self::new(Operation::Plugin, &[("plugin", plugin)]).named(name)
    }

    /// This key with `name` within its scope.
    pub fn named(mut self, name: &str) -> Self {
        self.name = name.into();
        self
    }

    /// The stored key: `<operation>/<sha256 of the sorted parameters>`, then
    /// `/<name>` for a named entry.
    pub fn bytes(&self) -> Vec<u8> {
        if self.name.is_empty() {
            let mut bytes = self.scope_prefix();
            bytes.pop();
            return bytes;
        }
        self.prefix(&self.name)
    }

    /// The stored keys of every entry in this key's scope whose name starts
    /// with `name_prefix` begin with these bytes. The scope has a fixed
    /// width, so no scope's keys begin with another scope's prefix.
    pub fn prefix(&self, name_prefix: &str) -> Vec<u8> {
        let mut bytes = self.scope_prefix();
        bytes.extend_from_slice(name_prefix.as_bytes());
        bytes
    }

    /// `<operation>/<sha256 of the sorted parameters>/`.
    fn scope_prefix(&self) -> Vec<u8> {
        let mut hasher = Sha256::new();
        for (name, value) in &self.params {
            hasher.update(name.as_bytes());
            hasher.update([0]);
            hasher.update(value.as_bytes());
            hasher.update([0]);
        }
        format!(
            "{}/{}/",
            self.operation.name(),
            hex::encode(&hasher.finalize()[..16])
        )
        .into_bytes()
    }
}

/// Which entries to invalidate: one operation, and parameters they must
/// have; parameters not named match anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pattern {
    pub operation: Operation,
    pub params: Vec<(String, String)>,
}

impl Pattern {
    /// Entries of `operation` whose parameters include all of `params`.
    pub fn new(operation: Operation, params: &[(&str, &str)]) -> Self {
        let params = params
            .iter()
            .map(|(name, value)| ((*name).into(), (*value).into()))
            .collect();
        Self { operation, params }
    }

    /// Whether an entry with `params` matches.
    pub fn matches(&self, params: &[(String, String)]) -> bool {
        self.params.iter().all(|wanted| params.contains(wanted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_order_does_not_change_the_key() {
        let a = Key::new(
            Operation::VmList,
            &[("subscription", "s"), ("resource_group", "rg")],
        );
        let b = Key::new(
            Operation::VmList,
            &[("resource_group", "rg"), ("subscription", "s")],
        );
        assert_eq!(a.bytes(), b.bytes());
    }

    #[test]
    fn different_values_or_operations_give_different_keys() {
        let a = Key::new(Operation::VmList, &[("resource_group", "rg1")]);
        let b = Key::new(Operation::VmList, &[("resource_group", "rg2")]);
        let c = Key::new(Operation::PowerState, &[("resource_group", "rg1")]);
        assert_ne!(a.bytes(), b.bytes());
        assert_ne!(a.bytes(), c.bytes());
    }

    #[test]
    fn a_plugins_names_are_verbatim_under_a_fixed_width_scope() {
        let key = Key::plugin("top", "hosts/web-1");
        let scope = Key::new(Operation::Plugin, &[("plugin", "top")]);
        assert_eq!(key.params, scope.params);
        assert!(key.bytes().starts_with(&scope.prefix("hosts/")));
        assert!(key.bytes().ends_with(b"/hosts/web-1"));
        assert!(
            !Key::plugin("top", "other")
                .bytes()
                .starts_with(&scope.prefix("hosts/"))
        );
        // Another plugin whose name extends this one's shares no prefix.
        let longer = Key::plugin("top2", "hosts/web-1").bytes();
        assert!(!longer.starts_with(&scope.prefix("")));
        assert_eq!(
            key.bytes().len() - "hosts/web-1".len(),
            longer.len() - "hosts/web-1".len()
        );
    }

    #[test]
    fn unnamed_keys_keep_their_layout() {
        let key = Key::new(Operation::VmList, &[("resource_group", "rg")]);
        let bytes = String::from_utf8(key.bytes()).expect("text");
        let (operation, hash) = bytes.split_once('/').expect("a slash");
        assert_eq!(operation, "vm_list");
        assert_eq!(hash.len(), 32);
        assert!(hash.bytes().all(|byte| byte.is_ascii_hexdigit()));
    }

    #[test]
    fn a_pattern_matches_entries_with_more_parameters() {
        let pattern = Pattern::new(Operation::PowerState, &[("subscription", "s")]);
        let key = Key::new(
            Operation::PowerState,
            &[("subscription", "s"), ("resource_group", "rg")],
        );
        assert!(pattern.matches(&key.params));
        assert!(
            !pattern.matches(&Key::new(Operation::PowerState, &[("subscription", "t")]).params)
        );
    }
}
