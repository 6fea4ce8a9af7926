//! VM sizes of a region (`…/locations/{location}/vmSizes`).

use serde::{Deserialize, Serialize};

/// One VM size: the CPU and memory behind the `CPU` and `Mem` columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VmSize {
    pub name: String,
    #[serde(default)]
    pub number_of_cores: Option<u32>,
    #[serde(default, rename = "memoryInMB")]
    pub memory_in_mb: Option<u64>,
    #[serde(default, rename = "osDiskSizeInMB")]
    pub os_disk_size_in_mb: Option<u64>,
    #[serde(default)]
    pub max_data_disk_count: Option<u32>,
}
