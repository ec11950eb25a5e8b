//! Immich (1.106 to 3.1, plural `/api/api-keys` routes). Facts: contracts-immich.md.

use super::immich_permissions;
use super::{kind_for_status, refuse_field, require_guid, require_name, status_error, Backend};
use crate::config::SessionConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::field::Field;
use crate::http::{HttpClient, Response, Retry};
use crate::json::{required_str, str_field};
use crate::model::{
    ApiKey, Catalog, CreatedKey, KeyUpdate, NewKey, ServerInfo, ServerKind, Whoami,
};
use crate::secret::Secret;
use crate::timestamp::Timestamp;
use once_cell::sync::OnceCell;
use reqwest::Method;
use serde_json::{json, Value};

const KEYS: &str = "/api/api-keys";

pub struct Immich {
    http: HttpClient,
    /// Set for a password login: the Bearer session to log out at close.
    login_email: Option<String>,
    version: OnceCell<(u64, u64, u64)>,
}

impl Immich {
    /// Authenticates with the key (`x-api-key`) or logs in with email + password (a Bearer
    /// session token; Immich's token is not a JWT, anchor-psimmich.md).
    pub fn open(config: &SessionConfig) -> Result<Self> {
        let http = HttpClient::new(config)?;
        let mut login_email = None;
        if let Some(key) = &config.api_key {
            http.set_auth("x-api-key", key)?;
        } else if let Some(password) = &config.password {
            let email = config
                .email
                .clone()
                .or_else(|| config.username.clone())
                .ok_or_else(|| {
                    Error::invalid("email", "is required for an Immich password login")
                })?;
            let body = json!({ "email": email, "password": password.expose() });
            let r = http.send(Method::POST, "/api/auth/login", Some(&body), Retry::Never)?;
            if !r.is_success() {
                return Err(immich_error(&r, "log in to Immich"));
            }
            let answer = r.json("log in to Immich")?;
            let token = Secret::new(required_str(&answer, "accessToken", "log in to Immich")?);
            let bearer = Secret::new(format!("Bearer {}", token.expose()));
            http.set_auth("authorization", &bearer)?;
            login_email = Some(email);
        }
        Ok(Immich {
            http,
            login_email,
            version: OnceCell::new(),
        })
    }

    /// The server version, asked once per session (`/api/server/version`, or
    /// `/api/server-info/version` before 1.107).
    fn version(&self) -> Result<Version> {
        self.version
            .get_or_try_init(|| {
                let mut r = self.http.call(Method::GET, "/api/server/version", None)?;
                if r.status == 404 {
                    r = self
                        .http
                        .call(Method::GET, "/api/server-info/version", None)?;
                }
                let v = ok_json(r, "get the server version")?;
                let n = |f: &str| v.get(f).and_then(Value::as_u64);
                match (n("major"), n("minor"), n("patch")) {
                    (Some(a), Some(b), Some(c)) => Ok((a, b, c)),
                    _ => Err(Error::protocol(
                        "get the server version: the answer has no major/minor/patch numbers",
                    )),
                }
            })
            .copied()
    }

    fn version_text(&self) -> Result<String> {
        let (a, b, c) = self.version()?;
        Ok(format!("{a}.{b}.{c}"))
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value> {
        let r = self.http.call(method, path, body)?;
        ok_json(r, what)
    }
}

impl Backend for Immich {
    fn list(&self, name_equals: Option<&str>) -> Result<Vec<ApiKey>> {
        super::collect_keys(self, name_equals)
    }

    /// Immich has no server-side filter or paging: one answer holds every key.
    fn list_each(
        &self,
        _name_equals: Option<&str>,
        each: &mut dyn FnMut(ApiKey) -> Result<()>,
    ) -> Result<()> {
        let what = "list keys";
        let r = self.http.call(Method::GET, KEYS, None)?;
        check_answer(&r, what)?;
        super::stream_keys(r, what, key_from_json, each)
    }

    fn get(&self, id: &str) -> Result<ApiKey> {
        require_guid(id)?;
        key_from_json(&self.request(
            Method::GET,
            &format!("{KEYS}/{id}"),
            None,
            &format!("get key {id}"),
        )?)
    }

    fn create(&self, new: &NewKey) -> Result<CreatedKey> {
        let body = create_body(new, self.version()?)?;
        let what = format!("create key '{}'", super::printable(&new.name));
        let r = self.http.call(Method::POST, KEYS, Some(&body))?;
        let answer = ok_json(r, &what)?;
        let secret = Secret::new(required_str(&answer, "secret", &what)?);
        let key = answer
            .get("apiKey")
            .ok_or_else(|| Error::protocol(format!("{what}: the answer has no 'apiKey'")))
            .and_then(key_from_json)?;
        Ok(CreatedKey {
            secret,
            key,
            replaced_id: None,
            warning: None,
        })
    }

    fn update(&self, id: &str, update: &KeyUpdate) -> Result<ApiKey> {
        require_guid(id)?;
        let version = self.version()?;
        let body = update_body(update, version)?;
        let major = version.0;
        // 3.x deprecates PUT in favour of an (unlisted) PATCH with the same body.
        let method = if major >= 3 {
            Method::PATCH
        } else {
            Method::PUT
        };
        key_from_json(&self.request(
            method,
            &format!("{KEYS}/{id}"),
            Some(&body),
            &format!("update key {id}"),
        )?)
    }

    fn delete(&self, id: &str, _change_reason: Option<&str>) -> Result<()> {
        require_guid(id)?;
        let what = format!("delete key {id}");
        let r = self
            .http
            .call(Method::DELETE, &format!("{KEYS}/{id}"), None)?;
        // 204 since 1.113, 200 before (contracts-immich.md, route history).
        if r.is_success() {
            Ok(())
        } else {
            Err(immich_error(&r, &what))
        }
    }

    fn rotate(&self, id: &str) -> Result<CreatedKey> {
        // Immich has no rotate endpoint in any version (contracts-immich.md, "Rotation").
        super::rotate_by_replacement(self, id, |old| NewKey {
            name: old.name.clone(),
            permissions: old.permissions.as_option().cloned(),
            ..NewKey::default()
        })
    }

    fn whoami(&self) -> Result<Whoami> {
        if let Some(email) = &self.login_email {
            return Ok(Whoami {
                kind: ServerKind::Immich,
                auth_method: "password".into(),
                key: None,
                user: Some(json!({ "email": email })),
            });
        }
        let (major, minor, _) = self.version()?;
        if (major, minor) < (1, 139) {
            return Err(Error::unsupported(format!(
                "whoami: GET /api/api-keys/me needs Immich 1.139 or later (this server is {})",
                self.version_text()?
            )));
        }
        let key = key_from_json(&self.request(
            Method::GET,
            &format!("{KEYS}/me"),
            None,
            "get the current key",
        )?)?;
        Ok(Whoami {
            kind: ServerKind::Immich,
            auth_method: "apiKey".into(),
            key: Some(key),
            user: None,
        })
    }

    fn server_info(&self) -> Result<ServerInfo> {
        Ok(ServerInfo {
            kind: ServerKind::Immich,
            product: "Immich".into(),
            version: self.version_text()?,
            healthy: Some(true),
            transport: Some("rest".into()),
            generation: None,
        })
    }

    fn catalog(&self) -> Result<Catalog> {
        let (major, minor, _) = self.version()?;
        let permissions = immich_permissions::for_version(major, minor)
            .into_iter()
            .map(str::to_owned)
            .collect();
        Ok(Catalog {
            kind: ServerKind::Immich,
            permissions: Some(permissions),
            roles: None,
        })
    }

    fn close(&self) {
        if self.login_email.is_some() {
            // Ends the login session on the server; a failure leaves only an idle session.
            let _ = self
                .http
                .send(Method::POST, "/api/auth/logout", None, Retry::Never);
        }
        self.http.clear_auth();
    }
}

/// A server version as `(major, minor, patch)`.
pub(crate) type Version = (u64, u64, u64);

/// Refuses permissions the server's version does not know, before sending.
pub(crate) fn check_permissions(permissions: &[String], version: Version) -> Result<()> {
    let (major, minor, patch) = version;
    if permissions.is_empty() {
        return Err(Error::invalid(
            "permissions",
            "must hold at least one permission",
        ));
    }
    let known = immich_permissions::for_version(major, minor);
    if known.is_empty() {
        return Err(Error::unsupported(format!(
            "permissions: Immich {major}.{minor}.{patch} keys have no permissions (added in 1.113)"
        )));
    }
    for p in permissions {
        if !known.contains(&p.as_str()) {
            return Err(Error::invalid(
                "permissions",
                format!(
                    "'{}' is not a permission of Immich {major}.{minor}.{patch}",
                    super::printable(p)
                ),
            ));
        }
    }
    Ok(())
}

/// The POST body for a new key, after checking every field (nothing is sent on a bad one).
pub(crate) fn create_body(new: &NewKey, version: Version) -> Result<Value> {
    require_name("name", &new.name)?;
    refuse_field(new.description.is_some(), "description", "Immich")?;
    refuse_field(new.role_ids.is_some(), "roleIds", "Immich")?;
    refuse_field(new.expires_at.is_some(), "expiresAt", "Immich")?;
    refuse_field(new.allowlist.is_some(), "allowlist", "Immich")?;
    refuse_field(new.username.is_some(), "username", "Immich")?;
    refuse_field(new.change_reason.is_some(), "changeReason", "Immich")?;
    if (version.0, version.1) < (1, 113) && new.permissions.is_none() {
        // Keys had no permissions before 1.113: the create DTO was just the name.
        return Ok(json!({ "name": new.name }));
    }
    // PSImmich's documented default is `all` (seed 000); the server has none and requires
    // the field from 1.113 (contracts-immich.md, "Permission enum").
    let permissions = new
        .permissions
        .clone()
        .unwrap_or_else(|| vec!["all".to_owned()]);
    check_permissions(&permissions, version)?;
    Ok(json!({ "name": new.name, "permissions": permissions }))
}

/// The PUT/PATCH body of an update: only the fields given (Immich keeps the rest).
pub(crate) fn update_body(update: &KeyUpdate, version: Version) -> Result<Value> {
    refuse_field(!update.description.is_absent(), "description", "Immich")?;
    refuse_field(update.role_ids.is_some(), "roleIds", "Immich")?;
    refuse_field(!update.expires_at.is_absent(), "expiresAt", "Immich")?;
    refuse_field(update.allowlist.is_some(), "allowlist", "Immich")?;
    refuse_field(update.change_reason.is_some(), "changeReason", "Immich")?;
    if update.enabled.is_some() {
        return Err(Error::unsupported(
            "enabled: Immich keys cannot be enabled or disabled; remove the key instead",
        ));
    }
    if update.name.is_none() && update.permissions.is_none() {
        return Err(Error::invalid(
            "update",
            "give a name and/or permissions to change",
        ));
    }
    let mut body = serde_json::Map::new();
    if let Some(name) = &update.name {
        require_name("name", name)?;
        body.insert("name".into(), json!(name));
    }
    if let Some(p) = &update.permissions {
        let (major, minor, patch) = version;
        if (major, minor) < (1, 135) {
            // Before 1.135 the name was the only, required, field (contracts-immich.md).
            return Err(Error::unsupported(format!(
                "permissions: changing a key's permissions needs Immich 1.135 or later (this server is {major}.{minor}.{patch})"
            )));
        }
        check_permissions(p, version)?;
        body.insert("permissions".into(), json!(p));
    }
    Ok(Value::Object(body))
}

/// The success body as JSON, or the error the answer means.
/// A success answer passes; any other is the error it means.
fn check_answer(r: &Response, what: &str) -> Result<()> {
    if r.is_success() {
        Ok(())
    } else {
        Err(immich_error(r, what))
    }
}

fn ok_json(r: Response, what: &str) -> Result<Value> {
    check_answer(&r, what)?;
    r.json(what)
}

/// Maps an Immich error answer. Bodies: `{message, error, statusCode, correlationId}` up to
/// 2.x, `{message}` or `{message: "Validation failed", errors}` in 3.x; `message` may be an
/// array (class-validator). An unknown id is 400 `API Key not found`, not 404.
pub(crate) fn immich_error(r: &Response, what: &str) -> Error {
    let body: Option<Value> = serde_json::from_slice(&r.body).ok();
    let mut message = body.as_ref().and_then(|b| match b.get("message") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        _ => None,
    });
    if let (Some(m), Some(Value::Array(errors))) =
        (&mut message, body.as_ref().and_then(|b| b.get("errors")))
    {
        let details: Vec<String> = errors
            .iter()
            .filter_map(|e| {
                let text = str_field(e, "message")?;
                let path = e.get("path").map(|p| match p {
                    Value::Array(parts) => parts
                        .iter()
                        .map(|x| x.to_string().trim_matches('"').to_owned())
                        .collect::<Vec<_>>()
                        .join("."),
                    other => other.to_string(),
                });
                Some(match path {
                    Some(p) if !p.is_empty() => format!("{p}: {text}"),
                    _ => text.to_owned(),
                })
            })
            .collect();
        if !details.is_empty() {
            *m = format!("{m}: {}", details.join("; "));
        }
    }
    let kind = match (r.status, message.as_deref()) {
        (400, Some("API Key not found")) => ErrorKind::NotFound,
        (400, Some("Cannot grant permissions you do not have")) => ErrorKind::Permission,
        (s, _) => kind_for_status(s),
    };
    status_error(r, what, kind, message)
}

fn timestamp(v: &Value, name: &str) -> Field<Timestamp> {
    match v.get(name) {
        None => Field::Absent,
        Some(Value::String(s)) => Timestamp::parse(s).map_or(Field::Null, Field::Present),
        Some(_) => Field::Null,
    }
}

/// An `APIKeyResponseDto` (`id, name, createdAt, updatedAt, permissions`).
pub(crate) fn key_from_json(v: &Value) -> Result<ApiKey> {
    let mut key = ApiKey::new(
        ServerKind::Immich,
        required_str(v, "id", "read an Immich key")?,
        required_str(v, "name", "read an Immich key")?,
    );
    key.created_at = timestamp(v, "createdAt");
    key.updated_at = timestamp(v, "updatedAt");
    key.permissions = match v.get("permissions") {
        Some(Value::Array(items)) => Field::Present(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        ),
        _ => Field::Absent,
    };
    Ok(key)
}
