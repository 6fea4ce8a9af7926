//! Azure Resource Graph query results (`POST /providers/Microsoft.ResourceGraph/resources`),
//! the route for listing across many subscriptions.

use serde::{Deserialize, Serialize};

/// One page of a Resource Graph query; `skip_token` asks for the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphResponse {
    pub total_records: u64,
    pub count: u64,
    #[serde(default)]
    pub data: serde_json::Value,
    #[serde(default, rename = "$skipToken")]
    pub skip_token: Option<String>,
}
