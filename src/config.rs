//! `SessionConfig`: how to reach a server and who to be there (docs/interfaces.md).

use crate::error::{Error, Result};
use crate::secret::Secret;
use serde::Deserialize;

/// The server kind asked for; `Auto` probes the server once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KindChoice {
    Immich,
    Jim,
    Truenas,
    Auto,
}

/// TrueNAS transport. Defaults to `Auto` (probe `GET /api/versions`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportChoice {
    #[default]
    Auto,
    Rest,
    Websocket,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TlsConfig {
    /// Verify the server's certificate chain and name. Defaults to `true`.
    #[serde(default = "default_true")]
    pub verify: bool,
    /// A PEM file with an extra CA to trust. Defaults to none.
    #[serde(default)]
    pub ca_file: Option<String>,
}

impl Default for TlsConfig {
    fn default() -> Self {
        TlsConfig {
            verify: true,
            ca_file: None,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionConfig {
    pub kind: KindChoice,
    /// `http://` or `https://` URL of the server, without `/api`.
    pub base_url: String,
    /// The API key to authenticate with. Defaults to none.
    #[serde(default)]
    pub api_key: Option<Secret>,
    /// Immich: log in with email + password instead of a key. Defaults to none.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub password: Option<Secret>,
    /// TrueNAS: the key's owner, or the user of a password login. Defaults to none.
    #[serde(default)]
    pub username: Option<String>,
    /// Defaults to verifying with the system's trust store.
    #[serde(default)]
    pub tls: TlsConfig,
    /// Whole-request timeout. Defaults to 30000 ms.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Retries of idempotent calls on 429/502/503/504 and dropped connections. Defaults to 2.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// Defaults to `apikeys/<version>`.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// TrueNAS transport. Defaults to `auto`.
    #[serde(default)]
    pub truenas_transport: TransportChoice,
    /// Allow sending a key over plain http/ws to a non-loopback host. Defaults to `false`.
    #[serde(default)]
    pub allow_insecure_key_transport: bool,
}

fn default_true() -> bool {
    true
}
fn default_timeout_ms() -> u64 {
    30_000
}
fn default_retries() -> u32 {
    2
}

impl SessionConfig {
    /// Parses and checks a config; errors name the field.
    pub fn from_json(text: &str) -> Result<Self> {
        let config: SessionConfig = serde_json::from_str(text)
            .map_err(|e| Error::invalid("config", crate::json::describe_serde_error(&e)))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<()> {
        let url = self.base_url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::invalid(
                "baseUrl",
                "must start with http:// or https://",
            ));
        }
        if url.contains('?') || url.contains('#') || url.contains('@') {
            return Err(Error::invalid(
                "baseUrl",
                "must not contain a query, a fragment or credentials",
            ));
        }
        if url.len() <= "https://".len() {
            return Err(Error::invalid("baseUrl", "has no host"));
        }
        if self.timeout_ms == 0 || self.timeout_ms > 600_000 {
            return Err(Error::invalid("timeoutMs", "must be between 1 and 600000"));
        }
        if self.retries > 10 {
            return Err(Error::invalid("retries", "must be at most 10"));
        }
        if self.api_key.as_ref().is_some_and(|k| k.is_empty()) {
            return Err(Error::invalid("apiKey", "must not be empty"));
        }
        let has_password = self.password.is_some();
        if self.api_key.is_none() && !has_password {
            return Err(Error::invalid(
                "apiKey",
                "give an API key, or a password login (email/username + password)",
            ));
        }
        if self.api_key.is_some() && has_password {
            return Err(Error::invalid(
                "password",
                "give either an API key or a password login, not both",
            ));
        }
        if let Some(key) = &self.api_key {
            if key.expose().chars().any(|c| c.is_control()) {
                return Err(Error::invalid("apiKey", "contains control characters"));
            }
        }
        Ok(())
    }

    /// The base URL without trailing slashes.
    pub fn base(&self) -> &str {
        self.base_url.trim().trim_end_matches('/')
    }

    pub fn user_agent(&self) -> String {
        self.user_agent
            .clone()
            .unwrap_or_else(|| format!("apikeys/{}", env!("CARGO_PKG_VERSION")))
    }
}
