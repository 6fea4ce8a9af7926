//! What a create may ask for: the regions and VM sizes the simulator offers.

use super::ArmError;
use crate::templates::Templates;

/// Regions offered: the fleet's (eastus, westus2) and a handful of real ones.
pub const LOCATIONS: [&str; 12] = [
    "eastus",
    "eastus2",
    "westus",
    "westus2",
    "westus3",
    "centralus",
    "northeurope",
    "westeurope",
    "uksouth",
    "southeastasia",
    "japaneast",
    "australiaeast",
];

/// Fails unless `location` is offered for resources of `kind`.
pub fn location(location: &str, kind: &'static str) -> Result<(), ArmError> {
    if LOCATIONS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(location))
    {
        return Ok(());
    }
    Err(ArmError::LocationNotAvailableForResourceType {
        location: location.into(),
        kind,
        available: LOCATIONS.join(","),
    })
}

/// Fails unless `location` is offered for resource groups.
pub fn group_location(location: &str) -> Result<(), ArmError> {
    self::location(location, "").map_err(|_| ArmError::LocationNotAvailableForResourceGroup {
        location: location.into(),
        available: LOCATIONS.join(","),
    })
}

/// Fails unless `size` is one `vmSizes` lists (the fleet's and the example's).
pub fn size(templates: &Templates, size: &str, location: &str) -> Result<(), ArmError> {
    let sizes = templates.sizes();
    let known = sizes["value"].as_array().is_some_and(|sizes| {
        sizes
            .iter()
            .filter_map(|entry| entry["name"].as_str())
            .any(|name| name.eq_ignore_ascii_case(size))
    });
    if known {
        return Ok(());
    }
    Err(ArmError::SkuNotAvailable {
        size: size.into(),
        location: location.into(),
    })
}
