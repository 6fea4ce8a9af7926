//! Azure Resource Manager: the wire models of the operations azlin uses.
//! (The client, credentials and retries come with the rest of issue 9.)

pub mod models;
