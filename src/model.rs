//! The unified key model every backend maps to, and the inputs of each operation.
//! JSON shapes: docs/interfaces.md section 1 (camelCase; absent vs null kept apart).

use crate::field::Field;
use crate::secret::Secret;
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which server a session talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServerKind {
    Immich,
    Jim,
    Truenas,
}

impl ServerKind {
    pub fn product(self) -> &'static str {
        match self {
            ServerKind::Immich => "Immich",
            ServerKind::Jim => "JIM",
            ServerKind::Truenas => "TrueNAS",
        }
    }
}

/// A JIM role as the server describes it (contracts-jim.md section 3, RoleDto).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    pub id: i64,
    pub name: String,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub built_in: Field<bool>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub created: Field<Timestamp>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub static_member_count: Field<i64>,
}

/// One API key, without its secret. Fields a server does not have are `Absent`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub kind: ServerKind,
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub created_at: Field<Timestamp>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub updated_at: Field<Timestamp>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub prefix: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub expires_at: Field<Timestamp>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub last_used_at: Field<Timestamp>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub last_used_from: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub enabled: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub permissions: Field<Vec<String>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub roles: Field<Vec<Role>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub allowlist: Field<Vec<Value>>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub username: Field<String>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub revoked: Field<bool>,
    #[serde(skip_serializing_if = "Field::is_absent")]
    pub revoked_reason: Field<String>,
}

impl ApiKey {
    /// A key with only the fields every server has; backends fill in the rest.
    pub fn new(kind: ServerKind, id: String, name: String) -> Self {
        ApiKey {
            kind,
            id,
            name,
            created_at: Field::Absent,
            updated_at: Field::Absent,
            description: Field::Absent,
            prefix: Field::Absent,
            expires_at: Field::Absent,
            last_used_at: Field::Absent,
            last_used_from: Field::Absent,
            enabled: Field::Absent,
            permissions: Field::Absent,
            roles: Field::Absent,
            allowlist: Field::Absent,
            username: Field::Absent,
            revoked: Field::Absent,
            revoked_reason: Field::Absent,
        }
    }
}

/// The result of a create or rotate: the only place a secret is ever handed out.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedKey {
    pub secret: Secret,
    pub key: ApiKey,
    /// Rotate: the id of the key that was replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_id: Option<String>,
    /// Rotate: set when the new key exists but the old one could not be removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// What to create. `name` is required; the rest depends on the server kind, and a field the
/// server does not know is refused before anything is sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewKey {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
    #[serde(default)]
    pub role_ids: Option<Vec<i64>>,
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    #[serde(default)]
    pub allowlist: Option<Vec<Value>>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub change_reason: Option<String>,
}

/// What to change. A field not given is kept; `expiresAt: null` clears the expiry.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Field<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
    #[serde(default)]
    pub role_ids: Option<Vec<i64>>,
    #[serde(default)]
    pub expires_at: Field<Timestamp>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub allowlist: Option<Vec<Value>>,
    #[serde(default)]
    pub change_reason: Option<String>,
}

impl KeyUpdate {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.description.is_absent()
            && self.permissions.is_none()
            && self.role_ids.is_none()
            && self.expires_at.is_absent()
            && self.enabled.is_none()
            && self.allowlist.is_none()
    }
}

/// Which keys a list returns. Empty = all.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyFilter {
    /// PowerShell wildcard on the name, case-insensitive.
    #[serde(default)]
    pub name: Option<String>,
    /// Only keys whose expiry is in the past.
    #[serde(default)]
    pub expired: Option<bool>,
    /// Only keys expiring between now and now + this many seconds.
    #[serde(default)]
    pub expiring_within_seconds: Option<u64>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    pub kind: ServerKind,
    pub product: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthy: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Whoami {
    pub kind: ServerKind,
    /// `apiKey` or `password`.
    pub auth_method: String,
    pub key: Option<ApiKey>,
    pub user: Option<Value>,
}

/// What a server lets a key be given: Immich permissions for its version, JIM roles.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    pub kind: ServerKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<Role>>,
}
