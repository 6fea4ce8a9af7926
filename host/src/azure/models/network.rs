//! Network interfaces and public IP addresses: where a VM's IPs come from.

use serde::{Deserialize, Serialize};

/// A reference to another resource by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubResource {
    pub id: String,
}

/// A network interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkInterface {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub properties: NicProperties,
}

/// The NIC properties azlin reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NicProperties {
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub ip_configurations: Vec<IpConfiguration>,
    /// The VM the NIC is attached to.
    #[serde(default)]
    pub virtual_machine: Option<SubResource>,
    #[serde(default)]
    pub primary: Option<bool>,
}

/// One IP configuration of a NIC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IpConfiguration {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub properties: IpConfigurationProperties,
}

/// Private address and public IP reference of an IP configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IpConfigurationProperties {
    #[serde(default, rename = "privateIPAddress")]
    pub private_ip_address: Option<String>,
    #[serde(default, rename = "publicIPAddress")]
    pub public_ip_address: Option<SubResource>,
    #[serde(default)]
    pub primary: Option<bool>,
}

/// A public IP address resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicIpAddress {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub properties: PublicIpProperties,
}

/// The address itself (absent while unallocated).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicIpProperties {
    #[serde(default)]
    pub ip_address: Option<String>,
    #[serde(default)]
    pub ip_configuration: Option<SubResource>,
}

impl NetworkInterface {
    /// The primary IP configuration (or the first one).
    pub fn primary_ip_configuration(&self) -> Option<&IpConfigurationProperties> {
        let configurations = &self.properties.ip_configurations;
        configurations
            .iter()
            .find(|configuration| configuration.properties.primary == Some(true))
            .or_else(|| configurations.first())
            .map(|configuration| &configuration.properties)
    }
}
