//! Compute usage of a region (`…/locations/{location}/usages`): vCPUs used
//! and allowed, in total and per VM family.

use serde::{Deserialize, Serialize};

/// One usage line, e.g. `standardDSv5Family`: 12 of 100 cores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub name: UsageName,
    #[serde(default)]
    pub current_value: i64,
    #[serde(default)]
    pub limit: i64,
    #[serde(default)]
    pub unit: Option<String>,
}

/// A usage's name as a key and as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageName {
    pub value: String,
    #[serde(default)]
    pub localized_value: Option<String>,
}
