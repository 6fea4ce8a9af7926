//! CPU and memory of VM sizes, for the `CPU` and `Mem` columns: a built-in
//! table of common sizes, so most fleets need no lookup at all.

/// Common sizes: name, vCPUs, memory in MiB.
const KNOWN: &[(&str, u32, u64)] = &[
    ("Standard_B1s", 1, 1024),
    ("Standard_B1ms", 1, 2048),
    ("Standard_B2s", 2, 4096),
    ("Standard_B2ms", 2, 8192),
    ("Standard_B4ms", 4, 16384),
    ("Standard_B8ms", 8, 32768),
    ("Standard_D2s_v3", 2, 8192),
    ("Standard_D4s_v3", 4, 16384),
    ("Standard_D8s_v3", 8, 32768),
    ("Standard_D16s_v3", 16, 65536),
    ("Standard_D2s_v5", 2, 8192),
    ("Standard_D4s_v5", 4, 16384),
    ("Standard_D8s_v5", 8, 32768),
    ("Standard_D16s_v5", 16, 65536),
    ("Standard_D32s_v5", 32, 131072),
    ("Standard_D2as_v5", 2, 8192),
    ("Standard_D4as_v5", 4, 16384),
    ("Standard_D8as_v5", 8, 32768),
    ("Standard_D16as_v5", 16, 65536),
    ("Standard_E2as_v5", 2, 16384),
    ("Standard_E4as_v5", 4, 32768),
    ("Standard_E8as_v5", 8, 65536),
    ("Standard_E16as_v5", 16, 131072),
    ("Standard_E32as_v5", 32, 262144),
    ("Standard_E2s_v5", 2, 16384),
    ("Standard_E4s_v5", 4, 32768),
    ("Standard_E8s_v5", 8, 65536),
    ("Standard_E16s_v5", 16, 131072),
];

/// vCPUs and memory (MiB) of `size`, if it is a known size.
pub fn known(size: &str) -> Option<(u32, u64)> {
    KNOWN
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(size))
        .map(|(_, vcpus, memory)| (*vcpus, *memory))
}

#[cfg(test)]
mod tests {
    use super::known;

    #[test]
    fn existing_azlins_default_size_is_known() {
        assert_eq!(known("Standard_E16as_v5"), Some((16, 131072)));
        assert_eq!(known("standard_d2s_v5"), Some((2, 8192)));
        assert_eq!(known("Standard_Made_Up"), None);
    }
}
