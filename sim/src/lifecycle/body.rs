//! Reading PUT bodies as ARM does: JSON objects whose required fields are
//! present and of the right type, each failure naming the field.

use std::collections::BTreeMap;

use serde_json::Value;

use super::ArmError;

/// Longest base64 `customData` ARM accepts.
const CUSTOM_DATA_MOST: usize = 87380;

/// A resource group PUT.
pub struct GroupRequest {
    pub location: String,
}

/// A public IP PUT.
pub struct PipRequest {
    pub location: String,
}

/// A NIC PUT: its first IP configuration.
pub struct NicRequest {
    pub location: String,
    pub ip_configuration: String,
    pub public_ip: Option<String>,
    pub subnet: Option<Value>,
}

/// A VM PUT.
pub struct VmRequest {
    pub location: String,
    pub size: String,
    pub image: Value,
    /// `osProfile` as it will be returned: no `customData` or `adminPassword`.
    pub os: Value,
    /// `osProfile.customData` as sent (base64), kept for tests to read.
    pub custom_data: Option<String>,
    pub ssh_keys: Vec<String>,
    pub nic: String,
    pub os_disk: Option<String>,
    /// `storageProfile.dataDisks` to create empty: LUN, name, size in GB.
    pub data_disks: Vec<(u8, String, u32)>,
    pub tags: BTreeMap<String, String>,
}

fn object(body: &[u8]) -> Result<Value, ArmError> {
    match serde_json::from_slice(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(ArmError::InvalidRequestContent(
            "the body is not a JSON object".into(),
        )),
        Err(error) => Err(ArmError::InvalidRequestContent(error.to_string())),
    }
}

/// The value at dotted `path`, if present and not null.
fn at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(value, |value, key| value.get(key))
        .filter(|value| !value.is_null())
}

fn required<'a>(value: &'a Value, path: &str) -> Result<&'a Value, ArmError> {
    at(value, path).ok_or_else(|| ArmError::MissingParameter(path.into()))
}

fn required_str(value: &Value, path: &str) -> Result<String, ArmError> {
    let found = required(value, path)?;
    match found.as_str() {
        Some(text) if !text.is_empty() => Ok(text.into()),
        Some(_) => Err(ArmError::MissingParameter(path.into())),
        None => Err(wrong_type(path, "a string")),
    }
}

fn optional_str(value: &Value, path: &str) -> Result<Option<String>, ArmError> {
    match at(value, path) {
        None => Ok(None),
        Some(found) => found
            .as_str()
            .map(|text| Some(text.to_string()))
            .ok_or_else(|| wrong_type(path, "a string")),
    }
}

fn wrong_type(path: &str, expected: &str) -> ArmError {
    ArmError::InvalidParameter(format!(
        "The value of parameter '{path}' must be {expected}."
    ))
}

/// The first entry of the non-empty array at `path`.
fn first<'a>(value: &'a Value, path: &str) -> Result<&'a Value, ArmError> {
    match required(value, path)?.as_array() {
        Some(items) if !items.is_empty() => Ok(&items[0]),
        Some(_) => Err(ArmError::MissingParameter(format!("{path}[0]"))),
        None => Err(wrong_type(path, "an array")),
    }
}

impl GroupRequest {
    pub fn parse(body: &[u8]) -> Result<Self, ArmError> {
        let body = object(body)?;
        Ok(Self {
            location: required_str(&body, "location")?,
        })
    }
}

impl PipRequest {
    pub fn parse(body: &[u8]) -> Result<Self, ArmError> {
        let body = object(body)?;
        Ok(Self {
            location: required_str(&body, "location")?,
        })
    }
}

impl NicRequest {
    pub fn parse(body: &[u8]) -> Result<Self, ArmError> {
        let body = object(body)?;
        let location = required_str(&body, "location")?;
        let configuration = first(&body, "properties.ipConfigurations")?;
        Ok(Self {
            location,
            ip_configuration: optional_str(configuration, "name")?
                .unwrap_or_else(|| "ipconfig1".into()),
            public_ip: optional_str(configuration, "properties.publicIPAddress.id")?,
            subnet: at(configuration, "properties.subnet").cloned(),
        })
    }
}

impl VmRequest {
    pub fn parse(body: &[u8]) -> Result<Self, ArmError> {
        let body = object(body)?;
        let location = required_str(&body, "location")?;
        let size = required_str(&body, "properties.hardwareProfile.vmSize")?;
        let image = required(&body, "properties.storageProfile.imageReference")?;
        if !image.is_object() {
            return Err(wrong_type(
                "properties.storageProfile.imageReference",
                "an object",
            ));
        }
        if image.get("id").is_none() {
            for part in ["publisher", "offer", "sku"] {
                required_str(image, part).map_err(|_| {
                    ArmError::MissingParameter(format!(
                        "properties.storageProfile.imageReference.{part}"
                    ))
                })?;
            }
        }
        let mut os = required(&body, "properties.osProfile")?.clone();
        required_str(&os, "computerName")
            .and(required_str(&os, "adminUsername"))
            .map_err(|error| match error {
                ArmError::MissingParameter(field) => {
                    ArmError::MissingParameter(format!("properties.osProfile.{field}"))
                }
                other => other,
            })?;
        let custom_data = optional_str(&os, "customData")?;
        if let Some(custom) = &custom_data {
            check_custom_data(custom)?;
        }
        let ssh_keys = ssh_keys(&os)?;
        if let Some(profile) = os.as_object_mut() {
            profile.remove("customData");
            profile.remove("adminPassword");
            profile
                .entry("secrets")
                .or_insert_with(|| Value::Array(Vec::new()));
        }
        let nics = required(&body, "properties.networkProfile.networkInterfaces")?
            .as_array()
            .ok_or_else(|| wrong_type("properties.networkProfile.networkInterfaces", "an array"))?;
        let nic = match nics.as_slice() {
            [] => {
                return Err(ArmError::MissingParameter(
                    "properties.networkProfile.networkInterfaces[0]".into(),
                ));
            }
            [nic] => required_str(nic, "id").map_err(|_| {
                ArmError::MissingParameter(
                    "properties.networkProfile.networkInterfaces[0].id".into(),
                )
            })?,
            _ => {
                return Err(ArmError::InvalidParameter(
                    "The simulator gives a VM one network interface, not several.".into(),
                ));
            }
        };
        Ok(Self {
            location,
            size,
            image: image.clone(),
            os,
            custom_data,
            ssh_keys,
            nic,
            os_disk: optional_str(&body, "properties.storageProfile.osDisk.name")?,
            data_disks: data_disks(&body)?,
            tags: tags(&body)?,
        })
    }
}

/// `storageProfile.dataDisks[]` created empty: each needs a LUN (0–63),
/// a name and a size (1–32767 GB), as ARM checks them.
fn data_disks(body: &Value) -> Result<Vec<(u8, String, u32)>, ArmError> {
    let path = "properties.storageProfile.dataDisks";
    let Some(disks) = at(body, "properties.storageProfile.dataDisks") else {
        return Ok(Vec::new());
    };
    let disks = disks
        .as_array()
        .ok_or_else(|| wrong_type(path, "an array"))?;
    let mut found: Vec<(u8, String, u32)> = Vec::new();
    for (index, disk) in disks.iter().enumerate() {
        let field = |name: &str| format!("{path}[{index}].{name}");
        let lun = disk["lun"]
            .as_u64()
            .and_then(|lun| u8::try_from(lun).ok())
            .filter(|lun| *lun <= 63)
            .ok_or_else(|| {
                ArmError::InvalidParameter(format!("{} must be 0 to 63.", field("lun")))
            })?;
        let size = disk["diskSizeGB"]
            .as_u64()
            .and_then(|size| u32::try_from(size).ok())
            .filter(|size| (1..=32767).contains(size))
            .ok_or_else(|| {
                ArmError::InvalidParameter(format!("{} must be 1 to 32767.", field("diskSizeGB")))
            })?;
        let name = disk["name"]
            .as_str()
            .ok_or_else(|| ArmError::MissingParameter(field("name")))?
            .to_string();
        if found.iter().any(|(taken, _, _)| *taken == lun) {
            return Err(ArmError::InvalidParameter(format!(
                "Two data disks use LUN {lun}."
            )));
        }
        found.push((lun, name, size));
    }
    Ok(found)
}

/// `linuxConfiguration.ssh.publicKeys[].keyData` of an `osProfile`.
fn ssh_keys(os: &Value) -> Result<Vec<String>, ArmError> {
    let path = "properties.osProfile.linuxConfiguration.ssh.publicKeys";
    let Some(keys) = at(os, "linuxConfiguration.ssh.publicKeys") else {
        return Ok(Vec::new());
    };
    let keys = keys
        .as_array()
        .ok_or_else(|| wrong_type(path, "an array"))?;
    keys.iter()
        .enumerate()
        .map(|(i, key)| {
            optional_str(key, "path")
                .and_then(|_| required_str(key, "keyData"))
                .map_err(|_| ArmError::MissingParameter(format!("{path}[{i}].keyData")))
        })
        .collect()
}

fn tags(body: &Value) -> Result<BTreeMap<String, String>, ArmError> {
    let Some(tags) = at(body, "tags") else {
        return Ok(BTreeMap::new());
    };
    tags.as_object()
        .and_then(|tags| {
            tags.iter()
                .map(|(key, value)| Some((key.clone(), value.as_str()?.to_string())))
                .collect()
        })
        .ok_or_else(|| wrong_type("tags", "an object of strings"))
}

/// ARM's check of `osProfile.customData`: base64, at most 87380 characters.
fn check_custom_data(custom: &str) -> Result<(), ArmError> {
    let body = custom.trim_end_matches('=');
    let padding = custom.len() - body.len();
    let base64 = custom.len().is_multiple_of(4)
        && padding <= 2
        && body
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'+' || byte == b'/');
    if base64 && custom.len() <= CUSTOM_DATA_MOST {
        return Ok(());
    }
    Err(ArmError::InvalidParameter(format!(
        "Custom data in OSProfile must be in Base64 encoding and with a maximum length of {CUSTOM_DATA_MOST} characters."
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_data_must_be_base64() {
        assert!(check_custom_data("I2Nsb3VkLWNvbmZpZwo=").is_ok());
        assert!(check_custom_data("#cloud-config").is_err());
        assert!(check_custom_data("abc").is_err());
        assert!(check_custom_data("ab===").is_err());
    }

    #[test]
    fn a_missing_field_is_named_from_the_root() {
        let error = VmRequest::parse(br#"{"location":"eastus","properties":{}}"#)
            .err()
            .expect("refused");
        assert_eq!(
            error.to_string(),
            "Required parameter 'properties.hardwareProfile.vmSize' is missing (null)."
        );
    }
}
