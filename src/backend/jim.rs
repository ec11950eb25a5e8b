//! JIM (Junctional Identity Manager), `/api/v1/apikeys`. Facts: contracts-jim.md.

use super::{kind_for_status, refuse_field, require_guid, require_name, status_error, Backend};
use crate::config::SessionConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::field::Field;
use crate::http::{HttpClient, Response};
use crate::json::{required_str, str_field};
use crate::model::{
    ApiKey, Catalog, CreatedKey, KeyUpdate, NewKey, Role, ServerInfo, ServerKind, Whoami,
};
use crate::secret::Secret;
use crate::timestamp::Timestamp;
use reqwest::Method;
use serde_json::{json, Map, Value};

const KEYS: &str = "/api/v1/apikeys";
/// JIM's `[StringLength(1000)]` on `changeReason` (contracts-jim.md section 1).
const MAX_CHANGE_REASON: usize = 1000;

pub struct Jim {
    http: HttpClient,
    /// The first 12 characters of our own key: JIM's `keyPrefix`, used by whoami.
    own_prefix: Option<String>,
}

impl Jim {
    pub fn open(config: &SessionConfig) -> Result<Self> {
        let http = HttpClient::new(config)?;
        let key = config
            .api_key
            .as_ref()
            .ok_or_else(|| Error::invalid("apiKey", "JIM sessions need an API key (X-API-Key)"))?;
        http.set_auth("x-api-key", key)?;
        let own_prefix = key.expose().get(..12).map(str::to_owned);
        Ok(Jim { http, own_prefix })
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        what: &str,
        by_id: bool,
    ) -> Result<Value> {
        let r = self.http.call(method, path, body)?;
        ok_json(&r, what, by_id)
    }

    fn get_raw(&self, id: &str) -> Result<Value> {
        require_guid(id)?;
        self.request(
            Method::GET,
            &format!("{KEYS}/{id}"),
            None,
            &format!("get key {id}"),
            true,
        )
    }
}

impl Backend for Jim {
    fn list(&self, name_equals: Option<&str>) -> Result<Vec<ApiKey>> {
        super::collect_keys(self, name_equals)
    }

    /// JIM has no server-side filter or paging (contracts-jim.md section 1): one plain array.
    fn list_each(
        &self,
        _name_equals: Option<&str>,
        each: &mut dyn FnMut(ApiKey) -> Result<()>,
    ) -> Result<()> {
        let what = "list keys";
        let r = self.http.call(Method::GET, KEYS, None)?;
        check_answer(&r, what, false)?;
        super::stream_keys(r, what, key_from_json, each)
    }

    fn get(&self, id: &str) -> Result<ApiKey> {
        key_from_json(&self.get_raw(id)?)
    }

    fn create(&self, new: &NewKey) -> Result<CreatedKey> {
        let body = create_body(new)?;
        let what = format!("create key '{}'", super::printable(&new.name));
        let r = self.http.call(Method::POST, KEYS, Some(&body))?;
        let answer = ok_json(&r, &what, false)?;
        let secret = Secret::new(required_str(&answer, "key", &what)?);
        Ok(CreatedKey {
            secret,
            key: key_from_json(&answer)?,
            replaced_id: None,
            warning: None,
        })
    }

    /// JIM's PUT replaces the whole key: a field left out is reset (`isEnabled` to false,
    /// roles to none). So: GET, merge what the caller gave, PUT everything (contracts-jim.md
    /// sections 1 and 5).
    fn update(&self, id: &str, update: &KeyUpdate) -> Result<ApiKey> {
        require_guid(id)?;
        check_update(update)?;
        let current = self.get_raw(id)?;
        let body = Value::Object(put_body(&current, update));
        key_from_json(&self.request(
            Method::PUT,
            &format!("{KEYS}/{id}"),
            Some(&body),
            &format!("update key {id}"),
            true,
        )?)
    }

    fn delete(&self, id: &str, change_reason: Option<&str>) -> Result<()> {
        require_guid(id)?;
        check_change_reason(change_reason)?;
        let mut path = format!("{KEYS}/{id}");
        if let Some(reason) = change_reason.filter(|r| !r.is_empty()) {
            path.push_str("?changeReason=");
            path.push_str(&percent_encode(reason));
        }
        let what = format!("delete key {id}");
        let r = self.http.call(Method::DELETE, &path, None)?;
        if r.is_success() && !r.is_html() {
            Ok(())
        } else {
            Err(jim_error(&r, &what, true))
        }
    }

    fn rotate(&self, id: &str) -> Result<CreatedKey> {
        // JIM has no rotate endpoint: replace the key, keeping name, description, roles, expiry.
        super::rotate_by_replacement(self, id, |old| NewKey {
            name: old.name.clone(),
            description: old.description.as_option().cloned(),
            role_ids: Some(
                old.roles
                    .as_option()
                    .map(|rs| rs.iter().map(|r| r.id).collect())
                    .unwrap_or_default(),
            ),
            expires_at: old.expires_at.as_option().copied(),
            change_reason: Some(format!("rotation of key {}", old.id)),
            ..NewKey::default()
        })
    }

    /// JIM has no "current key" route; our key is the one whose `keyPrefix` is the first 12
    /// characters of the key we authenticate with.
    fn whoami(&self) -> Result<Whoami> {
        // Streamed: only the first key with our prefix is kept, not the whole list.
        let mut key = None;
        let own = self.own_prefix.as_ref();
        self.list_each(None, &mut |k| {
            if key.is_none() && own.is_some() && k.prefix.as_option() == own {
                key = Some(k);
            }
            Ok(())
        })?;
        Ok(Whoami {
            kind: ServerKind::Jim,
            auth_method: "apiKey".into(),
            key,
            user: None,
        })
    }

    fn server_info(&self) -> Result<ServerInfo> {
        let v = self.request(
            Method::GET,
            "/api/v1/health/version",
            None,
            "get the server version",
            false,
        )?;
        if str_field(&v, "product") != Some("JIM") {
            return Err(Error::protocol(
                "get the server version: the server does not say it is JIM",
            ));
        }
        let version = required_str(&v, "version", "get the server version")?;
        // Health is anonymous: it says the server runs, not that the key is valid.
        let healthy = self
            .request(
                Method::GET,
                "/api/v1/health",
                None,
                "get the server health",
                false,
            )
            .ok()
            .map(|h| str_field(&h, "status") == Some("healthy"));
        Ok(ServerInfo {
            kind: ServerKind::Jim,
            product: "JIM".into(),
            version,
            healthy,
            transport: Some("rest".into()),
            generation: None,
        })
    }

    fn catalog(&self) -> Result<Catalog> {
        let roles = match self.request(
            Method::GET,
            "/api/v1/security/roles",
            None,
            "list roles",
            false,
        )? {
            Value::Array(items) => items
                .iter()
                .map(role_from_json)
                .collect::<Result<Vec<_>>>()?,
            _ => {
                return Err(Error::protocol(
                    "list roles: the answer is not a JSON array",
                ))
            }
        };
        Ok(Catalog {
            kind: ServerKind::Jim,
            permissions: None,
            roles: Some(roles),
        })
    }
}

/// The POST body for a new key, after checking every field (nothing is sent on a bad one).
pub(crate) fn create_body(new: &NewKey) -> Result<Value> {
    require_name("name", &new.name)?;
    refuse_field(new.permissions.is_some(), "permissions", "JIM")?;
    refuse_field(new.allowlist.is_some(), "allowlist", "JIM")?;
    refuse_field(new.username.is_some(), "username", "JIM")?;
    let role_ids = new.role_ids.clone().unwrap_or_default();
    check_role_ids(&role_ids)?;
    check_change_reason(new.change_reason.as_deref())?;
    let mut body = Map::new();
    body.insert("name".into(), json!(new.name));
    body.insert("roleIds".into(), json!(role_ids));
    // JIM's module sends a description only when it is not empty (contracts-jim.md 5).
    if let Some(d) = new.description.as_deref().filter(|d| !d.is_empty()) {
        body.insert("description".into(), json!(d));
    }
    if let Some(t) = new.expires_at {
        body.insert("expiresAt".into(), json!(t.to_string()));
    }
    if let Some(reason) = &new.change_reason {
        body.insert("changeReason".into(), json!(reason));
    }
    Ok(Value::Object(body))
}

/// Checks an update before anything is sent.
pub(crate) fn check_update(update: &KeyUpdate) -> Result<()> {
    refuse_field(update.permissions.is_some(), "permissions", "JIM")?;
    refuse_field(update.allowlist.is_some(), "allowlist", "JIM")?;
    if let Some(name) = &update.name {
        require_name("name", name)?;
    }
    if let Some(ids) = &update.role_ids {
        check_role_ids(ids)?;
    }
    check_change_reason(update.change_reason.as_deref())?;
    if update.is_empty() {
        return Err(Error::invalid(
            "update",
            "give at least one field to change",
        ));
    }
    Ok(())
}

/// The full PUT body: the current key (as the server sent it) merged with the update.
/// JIM's PUT replaces everything, so every field is always sent (contracts-jim.md 1 and 5).
pub(crate) fn put_body(current: &Value, update: &KeyUpdate) -> Map<String, Value> {
    let keep = |name: &str| current.get(name).cloned().unwrap_or(Value::Null);
    let mut body = Map::new();
    body.insert(
        "name".into(),
        update
            .name
            .as_ref()
            .map_or_else(|| keep("name"), |n| json!(n)),
    );
    body.insert(
        "description".into(),
        match &update.description {
            Field::Absent => keep("description"),
            Field::Null => Value::Null,
            Field::Present(d) => json!(d),
        },
    );
    let role_ids: Vec<i64> = match &update.role_ids {
        Some(ids) => ids.clone(),
        None => match current.get("roles") {
            Some(Value::Array(roles)) => {
                roles.iter().filter_map(|r| r.get("id")?.as_i64()).collect()
            }
            _ => Vec::new(),
        },
    };
    body.insert("roleIds".into(), json!(role_ids));
    body.insert(
        "expiresAt".into(),
        match &update.expires_at {
            // The server's own text, so an untouched expiry keeps its full precision.
            Field::Absent => keep("expiresAt"),
            Field::Null => Value::Null,
            Field::Present(t) => json!(t.to_string()),
        },
    );
    body.insert(
        "isEnabled".into(),
        update
            .enabled
            .map_or_else(|| keep("isEnabled"), |e| json!(e)),
    );
    if let Some(reason) = &update.change_reason {
        body.insert("changeReason".into(), json!(reason));
    }
    body
}

fn check_role_ids(ids: &[i64]) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        if *id < 1 || *id > i64::from(i32::MAX) {
            return Err(Error::invalid(
                "roleIds",
                format!("{id} is not a valid role id (1 to 2147483647)"),
            ));
        }
        if ids[..i].contains(id) {
            return Err(Error::invalid(
                "roleIds",
                format!("role {id} is listed twice"),
            ));
        }
    }
    Ok(())
}

fn check_change_reason(reason: Option<&str>) -> Result<()> {
    match reason {
        Some(r) if r.chars().count() > MAX_CHANGE_REASON => Err(Error::invalid(
            "changeReason",
            "must be at most 1000 characters",
        )),
        _ => Ok(()),
    }
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A success answer passes; any other is the error it means, and so is JIM's web page (200
/// text/html), which it serves where no API route matched.
fn check_answer(r: &Response, what: &str, by_id: bool) -> Result<()> {
    if r.is_success() && !r.is_html() {
        Ok(())
    } else {
        Err(jim_error(r, what, by_id))
    }
}

fn ok_json(r: &Response, what: &str, by_id: bool) -> Result<Value> {
    check_answer(r, what, by_id)?;
    r.json(what)
}

/// Maps a JIM error answer: ApiErrorResponse `{code: "", message, validationErrors}`,
/// the framework's validation problem `{title, errors: {field: [..]}}`, 401 `{error, message}`,
/// 403 with an empty body, and the web UI's HTML page (HTTP 200) where no API route matched.
pub(crate) fn jim_error(r: &Response, what: &str, by_id: bool) -> Error {
    if r.is_html() {
        // JIM's Blazor fallback answers unknown routes with its page and 200
        // (contracts-jim.md section 1): on a key route that means "no such key route".
        let kind = if by_id {
            ErrorKind::NotFound
        } else {
            ErrorKind::Protocol
        };
        return status_error(
            r,
            what,
            kind,
            Some("no API route answered; JIM served its web page instead (is the id a GUID and the URL a JIM server?)".into()),
        );
    }
    let body: Option<Value> = serde_json::from_slice(&r.body).ok();
    let message = body.as_ref().and_then(|b| {
        let main = str_field(b, "message")
            .or_else(|| str_field(b, "title"))?
            .to_owned();
        let errors = b.get("validationErrors").or_else(|| b.get("errors"));
        let mut details = Vec::new();
        if let Some(Value::Object(map)) = errors {
            for (field, msgs) in map {
                if let Value::Array(list) = msgs {
                    for m in list.iter().filter_map(Value::as_str) {
                        details.push(format!("{field}: {m}"));
                    }
                }
            }
        }
        Some(if details.is_empty() {
            main
        } else {
            format!("{main} {}", details.join("; "))
        })
    });
    let kind = if r.is_success() {
        ErrorKind::Protocol
    } else {
        kind_for_status(r.status)
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

fn nullable_str(v: &Value, name: &str) -> Field<String> {
    match v.get(name) {
        None => Field::Absent,
        Some(Value::String(s)) => Field::Present(s.clone()),
        Some(_) => Field::Null,
    }
}

fn role_from_json(v: &Value) -> Result<Role> {
    Ok(Role {
        id: v
            .get("id")
            .and_then(Value::as_i64)
            .ok_or_else(|| Error::protocol("read a JIM role: no numeric 'id'"))?,
        name: required_str(v, "name", "read a JIM role")?,
        built_in: v
            .get("builtIn")
            .and_then(Value::as_bool)
            .map_or(Field::Absent, Field::Present),
        created: timestamp(v, "created"),
        static_member_count: v
            .get("staticMemberCount")
            .and_then(Value::as_i64)
            .map_or(Field::Absent, Field::Present),
    })
}

/// An `ApiKeyDto` (contracts-jim.md section 1, JSON shapes).
pub(crate) fn key_from_json(v: &Value) -> Result<ApiKey> {
    let mut key = ApiKey::new(
        ServerKind::Jim,
        required_str(v, "id", "read a JIM key")?,
        required_str(v, "name", "read a JIM key")?,
    );
    key.created_at = timestamp(v, "createdAt");
    key.description = nullable_str(v, "description");
    key.prefix = nullable_str(v, "keyPrefix");
    key.expires_at = timestamp(v, "expiresAt");
    key.last_used_at = timestamp(v, "lastUsedAt");
    key.last_used_from = nullable_str(v, "lastUsedFromIp");
    key.enabled = v
        .get("isEnabled")
        .and_then(Value::as_bool)
        .map_or(Field::Absent, Field::Present);
    key.roles = match v.get("roles") {
        Some(Value::Array(items)) => {
            Field::Present(items.iter().map(role_from_json).collect::<Result<_>>()?)
        }
        _ => Field::Present(Vec::new()),
    };
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_ids_are_checked() {
        assert!(check_role_ids(&[1, 3]).is_ok());
        assert!(check_role_ids(&[0])
            .unwrap_err()
            .message
            .starts_with("roleIds:"));
        assert!(check_role_ids(&[1, 1])
            .unwrap_err()
            .message
            .contains("twice"));
        assert!(check_role_ids(&[i64::from(i32::MAX) + 1]).is_err());
    }

    #[test]
    fn change_reason_is_encoded() {
        assert_eq!(percent_encode("a b/c&d=é"), "a%20b%2Fc%26d%3D%C3%A9");
    }
}
