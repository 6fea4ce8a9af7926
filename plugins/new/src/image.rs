//! `--os`: existing azlin's image shorthands (`24.04`, `ubuntu-26.04-lts`,
//! `2204`) or a full URN.

use azlin_sdk::Failure;

/// The Ubuntu offers the shorthands name, by version.
const OFFERS: [(&[&str], &str); 6] = [
    (&["26.04-lts", "26.04", "2604"], "ubuntu-26_04-lts"),
    (&["25.10", "2510"], "ubuntu-25_10"),
    (&["24.10", "2410"], "ubuntu-24_10"),
    (&["24.04-lts", "24.04", "2404"], "ubuntu-24_04-lts"),
    (&["22.04-lts", "22.04", "2204"], "ubuntu-22_04-lts"),
    (&["20.04-lts", "20.04", "2004"], "ubuntu-20_04-lts"),
];

/// The image URN `--os SPEC` names.
pub fn from_os(spec: &str) -> Result<String, Failure> {
    if spec.split(':').count() == 4 {
        return Ok(spec.to_string());
    }
    let lower = spec.to_ascii_lowercase();
    let version = lower
        .strip_prefix("ubuntu-")
        .or_else(|| lower.strip_prefix("ubuntu"))
        .unwrap_or(&lower);
    OFFERS
        .iter()
        .find(|(names, _)| names.contains(&version))
        .map(|(_, offer)| format!("Canonical:{offer}:server:latest"))
        .ok_or_else(|| {
            Failure::usage(format!("--os {spec} is not an image azlin knows")).hint(
                "use a version such as 26.04, 24.04, 22.04 (or ubuntu-24.04-lts), or a URN PUBLISHER:OFFER:SKU:VERSION",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::from_os;

    #[test]
    fn shorthands_and_urns_name_images() {
        let noble = "Canonical:ubuntu-24_04-lts:server:latest";
        for spec in ["24.04", "2404", "ubuntu-24.04-lts", "Ubuntu2404"] {
            assert_eq!(from_os(spec).expect(spec), noble);
        }
        assert_eq!(from_os("a:b:c:d").expect("a URN"), "a:b:c:d");
        assert!(from_os("windows").is_err());
    }
}
