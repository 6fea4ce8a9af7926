//! `--size` tiers, `--vm-family` and `--vm-size`: existing azlin's ways to
//! choose a VM size.

use azlin_sdk::Failure;

/// Existing azlin's tiers: vCPUs, and the SKU a tier means without `--vm-family`.
const TIERS: [(&str, u32, &str); 6] = [
    ("xs", 2, "Standard_D2s_v5"),
    ("s", 4, "Standard_D4s_v5"),
    ("m", 8, "Standard_D8s_v5"),
    ("l", 16, "Standard_E16as_v5"),
    ("xl", 32, "Standard_E32as_v5"),
    ("xxl", 64, "Standard_E64as_v5"),
];

/// The families `--vm-family` chooses from: general purpose or memory-optimised.
pub const FAMILIES: [&str; 2] = ["d", "e"];

/// The SKU of `size` (a tier or a SKU) in `family`, if one is given.
pub fn sku(size: &str, family: Option<&str>) -> Result<String, Failure> {
    let Some((_, vcpus, sku)) = TIERS
        .iter()
        .find(|(tier, _, _)| tier.eq_ignore_ascii_case(size))
    else {
        if size.contains('_') {
            return Ok(size.to_string());
        }
        let tiers: Vec<&str> = TIERS.iter().map(|(tier, _, _)| *tier).collect();
        return Err(Failure::usage(format!(
            "--size {size} is neither a tier ({}) nor a SKU like Standard_D2s_v5",
            tiers.join(", ")
        )));
    };
    Ok(match family {
        Some("d") => format!("Standard_D{vcpus}s_v5"),
        Some("e") => format!("Standard_E{vcpus}as_v5"),
        _ => sku.to_string(),
    })
}

/// The SKU `--vm-family` alone means: the family at the default tier (l).
pub fn family_default(family: &str) -> Result<String, Failure> {
    sku("l", Some(family))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_follow_the_family() {
        assert_eq!(sku("m", None).expect("m"), "Standard_D8s_v5");
        assert_eq!(sku("m", Some("e")).expect("m e"), "Standard_E8as_v5");
        assert_eq!(sku("xl", Some("d")).expect("xl d"), "Standard_D32s_v5");
        assert_eq!(
            sku("Standard_B2ms", Some("e")).expect("a SKU"),
            "Standard_B2ms"
        );
        assert!(sku("huge", None).is_err());
    }
}

/// Azure's quota key of a size's family: `Standard_D4s_v5` →
/// `standardDSv5Family`, `Standard_E16as_v5` → `standardEASv5Family`.
pub fn family_quota(sku: &str) -> String {
    let rest = sku.strip_prefix("Standard_").unwrap_or(sku);
    let (series, version) = rest.split_once('_').unwrap_or((rest, ""));
    let letters: String = series.chars().filter(|c| !c.is_ascii_digit()).collect();
    format!("standard{}{version}Family", letters.to_ascii_uppercase())
}

/// vCPUs of `sku`, read from its name (`Standard_E16as_v5`: 16).
pub fn vcpus(sku: &str) -> Option<u64> {
    let rest = sku.strip_prefix("Standard_").unwrap_or(sku);
    let digits: String = rest
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod quota_tests {
    use super::*;

    #[test]
    fn skus_name_their_family_and_vcpus() {
        assert_eq!(family_quota("Standard_E32as_v5"), "standardEASv5Family");
        assert_eq!(family_quota("Standard_D2s_v5"), "standardDSv5Family");
        assert_eq!(vcpus("Standard_E32as_v5"), Some(32));
        assert_eq!(vcpus("Standard_B2ms"), Some(2));
        assert_eq!(vcpus("custom"), None);
    }
}
