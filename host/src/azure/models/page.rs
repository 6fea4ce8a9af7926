//! One page of an ARM list, and ARM's error body.

use serde::{Deserialize, Serialize};

/// A page of a list operation; `next_link` is the URL of the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

/// ARM's error response: `{"error": {"code": …, "message": …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmError {
    pub error: ArmErrorBody,
}

/// The code and message of an ARM error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmErrorBody {
    pub code: String,
    #[serde(default)]
    pub message: String,
}
