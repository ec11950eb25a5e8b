//! TrueNAS, every generation from CORE 13 to 26 (facts: contracts-truenas.md).
//!
//! One backend, two transports, chosen when the session opens:
//! - REST v2.0 (`/api/v2.0/api_key`, [`rest`]) for CORE 13 to SCALE 24.10 (also on 25.04 and
//!   25.10 when forced; removed in 26);
//! - JSON-RPC 2.0 over one kept-open WebSocket (`/api/current`, [`rpc`]) for 25.04 and later.
//!
//! `truenasTransport: auto` probes the anonymous `GET /api/versions` (contract section 7.1): a
//! JSON array means 25.04 or later and JSON-RPC, a 404 means 24.10 or older and REST.
//!
//! The operations are written once, against [`Call`]; each transport maps a call to its route
//! or method and its answer or error to ours. The key model depends on the generation
//! (contract section 2), learned from the server's version on first need.
//!
//! The plain-transport guard (contract 5.1): from 25.04 on, the server revokes a key that logs
//! in over `ws://` (and, per the docs, `http://`) from a non-loopback address. So the session
//! refuses, before connecting, to send a key over `http://`/`ws://` to a non-loopback host
//! when the server is 25.04 or later, or when its generation cannot be told, unless
//! `allowInsecureKeyTransport` is true. The refusal is an `invalid_argument` error on
//! `baseUrl`: nothing was sent, and the fix is in the session's configuration (an https://
//! URL, or the explicit opt-in).

pub(crate) mod rest;
pub(crate) mod rpc;

use super::{printable, refuse_field, require_name, Backend};
use crate::config::{SessionConfig, TransportChoice};
use crate::error::{Error, ErrorKind, Result};
use crate::field::Field;
use crate::http::{is_loopback_url, HttpClient, Retry};
use crate::model::{
    ApiKey, Catalog, CreatedKey, KeyUpdate, NewKey, ServerInfo, ServerKind, Whoami,
};
use crate::secret::Secret;
use crate::timestamp::Timestamp;
use once_cell::sync::OnceCell;
use reqwest::Method;
use serde_json::{json, Map, Value};

/// The allowlist of a full-access key (22.02-24.10, contract 2.2): the default on create,
/// because an empty allowlist authorizes nothing and 24.10 requires the field.
const FULL_ACCESS: &str = r#"[{"method":"*","resource":"*"}]"#;
/// `AllowListItem.method` (contract 2.3).
const ALLOWLIST_METHODS: [&str; 7] = ["*", "GET", "POST", "PUT", "DELETE", "CALL", "SUBSCRIBE"];

/// The key model of a server generation (contract section 1 and 2). Ordered: each adds to
/// the one before, except that 25.04 drops the allowlist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Generation {
    /// CORE 13.x (and older): `id, name, created_at`.
    Core,
    /// SCALE 22.02-24.10: `+ allowlist`.
    Allowlist,
    /// 25.04.x: user-linked keys, `username, expires_at, revoked`; no allowlist.
    UserKeys,
    /// 25.10.x: `+ revoked_reason`.
    RevokedReason,
    /// 26 and later: as 25.10 for us (SCRAM material is not exposed); JSON-RPC only.
    Scram,
}

impl Generation {
    /// From the version's first two numbers.
    pub fn from_version(major: u32, minor: u32) -> Generation {
        match (major, minor) {
            (m, _) if m < 22 => Generation::Core,
            (m, n) if (m, n) < (25, 4) => Generation::Allowlist,
            (25, n) if n < 10 => Generation::UserKeys,
            (25, _) => Generation::RevokedReason,
            _ => Generation::Scram,
        }
    }

    fn has_allowlist(self) -> bool {
        self == Generation::Allowlist
    }

    fn has_user_keys(self) -> bool {
        self >= Generation::UserKeys
    }

    /// How the generation is named in errors.
    fn describe(self) -> &'static str {
        match self {
            Generation::Core => "TrueNAS CORE 13",
            Generation::Allowlist => "TrueNAS SCALE 22.02 to 24.10",
            Generation::UserKeys => "TrueNAS 25.04",
            Generation::RevokedReason => "TrueNAS 25.10",
            Generation::Scram => "TrueNAS 26",
        }
    }
}

/// The first `N.N[.N...]` in a version text (`TrueNAS-13.3-RELEASE`,
/// `TrueNAS-SCALE-24.10.2.4`, `25.10.7`) as (major, minor).
pub fn parse_version(text: &str) -> Option<(u32, u32)> {
    let start = version_start(text)?;
    let mut parts = text[start..].split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = leading_digits(parts.next()?).parse().ok()?;
    Some((major, minor))
}

/// Where the version number starts in a `system.version` text: the first run of digits that
/// follows no letter and reads `<digits>.<digits>`.
fn version_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&i| {
        let fresh = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let mut parts = text[i..].split('.');
        let major = parts.next().unwrap_or("");
        let minor = parts.next().map_or("", leading_digits);
        fresh && !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()) && !minor.is_empty()
    })
}

fn leading_digits(text: &str) -> &str {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    &text[..end]
}

/// How the session proves who it is.
pub(crate) enum Credentials {
    /// An API key; `username` is its owner when the caller named it (needed by 25.04+'s
    /// `auth.login_ex`, else found through `auth.login_with_api_key` and `auth.me`).
    Key {
        key: Secret,
        username: Option<String>,
    },
    /// A user's password (REST Basic, or `auth.login_ex` with `PASSWORD_PLAIN`).
    Password { username: String, password: Secret },
}

impl Credentials {
    fn from_config(config: &SessionConfig) -> Result<Credentials> {
        let username = config
            .username
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_owned);
        if let Some(u) = &username {
            if u.chars().any(char::is_control) {
                return Err(Error::invalid(
                    "username",
                    "must not contain control characters",
                ));
            }
        }
        if config.email.is_some() {
            return Err(Error::invalid(
                "email",
                "TrueNAS logs in with a username, not an email address",
            ));
        }
        match (&config.api_key, &config.password) {
            (Some(key), _) => Ok(Credentials::Key {
                key: key.clone(),
                username,
            }),
            (None, Some(password)) => Ok(Credentials::Password {
                username: username.ok_or_else(|| {
                    Error::invalid("username", "is required for a TrueNAS password login")
                })?,
                password: password.clone(),
            }),
            (None, None) => Err(Error::invalid(
                "apiKey",
                "give an API key, or a username and password",
            )),
        }
    }

    fn is_key(&self) -> bool {
        matches!(self, Credentials::Key { .. })
    }

    fn configured_username(&self) -> Option<&str> {
        match self {
            Credentials::Key { username, .. } => username.as_deref(),
            Credentials::Password { username, .. } => Some(username),
        }
    }

    /// Replaces the credential in a server's text, should a server ever echo it back.
    fn redact(&self, text: &str) -> String {
        let secret = match self {
            Credentials::Key { key, .. } => key.expose(),
            Credentials::Password { password, .. } => password.expose(),
        };
        if secret.len() >= 4 && text.contains(secret) {
            text.replace(secret, "[redacted]")
        } else {
            text.to_owned()
        }
    }
}

/// One operation, independent of the transport. Ids are the server's integer ids.
pub(crate) enum Call<'a> {
    /// `api_key.query`, with a server-side `name = x` filter when given.
    Query {
        name: Option<&'a str>,
    },
    Get(i64),
    Create(&'a Value),
    /// `api_key.update(id, body)`; `reset` marks a rotation (never repeated).
    Update {
        id: i64,
        body: &'a Value,
        reset: bool,
    },
    Delete(i64),
    Me,
    MyKeys,
    Version,
}

impl Call<'_> {
    /// Whether sending the call twice has the effect of sending it once. Only these are
    /// repeated after a dropped connection.
    fn idempotent(&self) -> bool {
        match self {
            Call::Query { .. } | Call::Get(_) | Call::Me | Call::MyKeys | Call::Version => true,
            Call::Create(_) | Call::Update { .. } | Call::Delete(_) => false,
        }
    }

    /// The HTTP retry policy: architecture.md retries PUT and DELETE too, except a reset,
    /// which makes a new secret each time.
    fn http_retry(&self) -> Retry {
        match self {
            Call::Create(_) | Call::Update { reset: true, .. } => Retry::Never,
            _ => Retry::Idempotent,
        }
    }

    /// Whether a "not found" answer is about a key id (else it is about the route).
    fn by_id(&self) -> bool {
        matches!(self, Call::Get(_) | Call::Update { .. } | Call::Delete(_))
    }

    /// What the call does, for error messages.
    fn what(&self) -> String {
        match self {
            Call::Query { .. } => "list keys".into(),
            Call::Get(id) => format!("get key {id}"),
            Call::Create(body) => format!(
                "create key '{}'",
                printable(body.get("name").and_then(Value::as_str).unwrap_or(""))
            ),
            Call::Update {
                id, reset: true, ..
            } => format!("rotate key {id}"),
            Call::Update { id, .. } => format!("update key {id}"),
            Call::Delete(id) => format!("delete key {id}"),
            Call::Me => "get the current user".into(),
            Call::MyKeys => "list the current user's keys".into(),
            Call::Version => "get the server version".into(),
        }
    }
}

enum Transport {
    Rest(rest::Rest),
    Rpc(rpc::Rpc),
}

impl Transport {
    fn call(&self, call: &Call) -> Result<Value> {
        match self {
            Transport::Rest(t) => t.call(call),
            Transport::Rpc(t) => t.call(call),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Transport::Rest(_) => "rest",
            Transport::Rpc(_) => "websocket",
        }
    }
}

/// What the server said about itself, asked once per session.
struct Facts {
    version: String,
    generation: Generation,
    label: String,
}

pub struct TrueNas {
    transport: Transport,
    facts: OnceCell<Facts>,
    /// The key model: from `facts`, or assumed (see [`TrueNas::generation`]).
    generation: OnceCell<Generation>,
    /// The id of our own key (the digits before `-` in `<id>-<secret>`), for whoami.
    own_key_id: Option<i64>,
    password_login: bool,
    /// The logged-in user's name when known without asking (a password login, or the key
    /// owner given in the config).
    configured_username: Option<String>,
}

/// What `GET /api/versions` said (contract 4.2: present from 25.04 on, anonymous).
enum Probe {
    /// 25.04 or later.
    JsonRpc,
    /// 24.10 or older: no such route.
    RestOnly,
}

impl TrueNas {
    /// Chooses the transport (probing when asked to), applies the plain-transport guard and
    /// sets up the credentials. Nothing but the anonymous probe is sent here; the JSON-RPC
    /// transport connects and logs in on its first call.
    pub fn open(config: &SessionConfig) -> Result<Self> {
        let credentials = Credentials::from_config(config)?;
        let http = HttpClient::new(config)?;
        let base = config.base();
        let plain = base.starts_with("http://");
        // The guard matters only when a key would travel in clear to another machine.
        let exposed = credentials.is_key()
            && plain
            && !is_loopback_url(base)
            && !config.allow_insecure_key_transport;
        let probe = || probe_versions(&http);
        let use_rpc = match config.truenas_transport {
            TransportChoice::Websocket => {
                // JSON-RPC exists from 25.04 on only: the guard applies without asking.
                if exposed {
                    return Err(insecure_key_error(base, "ws", None));
                }
                true
            }
            TransportChoice::Rest => {
                if exposed {
                    match probe() {
                        Ok(Probe::RestOnly) => {}
                        Ok(Probe::JsonRpc) => return Err(insecure_key_error(base, "http", None)),
                        Err(e) => return Err(insecure_key_error(base, "http", Some(&e))),
                    }
                }
                false
            }
            TransportChoice::Auto => match probe()? {
                Probe::JsonRpc if exposed => {
                    return Err(insecure_key_error(base, "ws", None));
                }
                Probe::JsonRpc => true,
                Probe::RestOnly => false,
            },
        };
        let own_key_id = match &credentials {
            Credentials::Key { key, .. } => key
                .expose()
                .split_once('-')
                .and_then(|(id, _)| parse_id(id).ok()),
            Credentials::Password { .. } => None,
        };
        let password_login = !credentials.is_key();
        let configured_username = credentials.configured_username().map(str::to_owned);
        let transport = if use_rpc {
            let scheme_end = base.find("://").map_or(0, |i| i + 3);
            let ws_scheme = if plain { "ws://" } else { "wss://" };
            let url = format!("{ws_scheme}{}/api/current", &base[scheme_end..]);
            Transport::Rpc(rpc::Rpc::new(config, url, credentials)?)
        } else {
            Transport::Rest(rest::Rest::new(http, credentials)?)
        };
        Ok(TrueNas {
            transport,
            facts: OnceCell::new(),
            generation: OnceCell::new(),
            own_key_id,
            password_login,
            configured_username,
        })
    }

    fn facts(&self) -> Result<&Facts> {
        self.facts.get_or_try_init(|| {
            let v = self.transport.call(&Call::Version)?;
            let version = v
                .as_str()
                .ok_or_else(|| {
                    Error::protocol("get the server version: the answer is not a string")
                })?
                .to_owned();
            let (major, minor) = parse_version(&version).ok_or_else(|| {
                Error::protocol(format!(
                    "get the server version: cannot tell the TrueNAS generation from '{}'",
                    printable(&version)
                ))
            })?;
            // `TrueNAS-SCALE-24.10.2.4` -> `24.10.2.4`: the product is named separately.
            let start = version_start(&version).unwrap_or(0);
            Ok(Facts {
                generation: Generation::from_version(major, minor),
                label: generation_label(major, minor),
                version: version[start..].to_owned(),
            })
        })
    }

    /// The key model to use. A REST key refused `/system/version` (HTTP 403) is taken as a
    /// 22.02-24.10 key whose allowlist leaves the route out: only those keys are refused
    /// routes (CORE 13 keys are all-powerful, 25.04+ keys have their owner's roles).
    fn generation(&self) -> Result<Generation> {
        self.generation
            .get_or_try_init(|| match self.facts() {
                Ok(f) => Ok(f.generation),
                Err(e)
                    if e.kind == ErrorKind::Permission
                        && matches!(self.transport, Transport::Rest(_)) =>
                {
                    Ok(Generation::Allowlist)
                }
                Err(e) => Err(e),
            })
            .copied()
    }

    /// The logged-in user: configured, learned at login (JSON-RPC), or asked (`auth.me`).
    fn current_username(&self) -> Result<String> {
        if let Some(u) = &self.configured_username {
            return Ok(u.clone());
        }
        if let Transport::Rpc(t) = &self.transport {
            if let Some(u) = t.logged_in_username()? {
                return Ok(u);
            }
        }
        let me = self.transport.call(&Call::Me)?;
        username_of(&me).ok_or_else(|| {
            Error::protocol("get the current user: the answer names no user (pw_name)")
        })
    }

    fn keys_from(&self, v: Value, what: &str) -> Result<Vec<ApiKey>> {
        match v {
            Value::Array(items) => items.iter().map(key_from_json).collect(),
            _ => Err(Error::protocol(format!(
                "{what}: the answer is not a JSON array"
            ))),
        }
    }

    /// Create and rotate: the new secret moves out of the answer into a [`Secret`] (no copy
    /// is left in the parsed JSON).
    fn created(
        &self,
        mut answer: Value,
        what: &str,
        replaced: Option<String>,
    ) -> Result<CreatedKey> {
        let secret = match answer.get_mut("key").map(Value::take) {
            Some(Value::String(s)) => Secret::new(s),
            _ => {
                return Err(Error::protocol(format!(
                    "{what}: the answer has no 'key' (the new secret)"
                )))
            }
        };
        let key = key_from_json(&answer)?;
        Ok(CreatedKey {
            secret,
            key,
            replaced_id: replaced,
            warning: None,
        })
    }
}

impl Backend for TrueNas {
    fn list(&self, name_equals: Option<&str>) -> Result<Vec<ApiKey>> {
        // The session hands over the case-folded text of a case-insensitive pattern, while
        // the server's `=` is case-sensitive: only a name without cased letters is filtered
        // on the server. Every other list is filtered by the session.
        let name = name_equals.filter(|n| !n.is_empty() && caseless(n));
        let v = self.transport.call(&Call::Query { name })?;
        self.keys_from(v, "list keys")
    }

    fn get(&self, id: &str) -> Result<ApiKey> {
        let id = parse_id(id)?;
        key_from_json(&self.transport.call(&Call::Get(id))?)
    }

    fn create(&self, new: &NewKey) -> Result<CreatedKey> {
        require_name("name", &new.name)?;
        refuse_field(new.description.is_some(), "description", "TrueNAS")?;
        refuse_field(new.permissions.is_some(), "permissions", "TrueNAS")?;
        refuse_field(new.role_ids.is_some(), "roleIds", "TrueNAS")?;
        refuse_field(new.change_reason.is_some(), "changeReason", "TrueNAS")?;
        let generation = self.generation()?;
        let mut body = Map::new();
        body.insert("name".into(), json!(new.name));
        if generation.has_allowlist() {
            let allowlist = match &new.allowlist {
                Some(list) => {
                    check_allowlist(list)?;
                    Value::Array(list.clone())
                }
                None => serde_json::from_str(FULL_ACCESS).expect("constant JSON"),
            };
            body.insert("allowlist".into(), allowlist);
        } else {
            refuse_generation_field(new.allowlist.is_some(), "allowlist", generation)?;
        }
        if generation.has_user_keys() {
            // 25.04+ requires the owner (contract 2.4); the default is the logged-in user.
            let username = match &new.username {
                Some(u) => {
                    check_username(u)?;
                    u.clone()
                }
                None => self.current_username()?,
            };
            body.insert("username".into(), json!(username));
            if let Some(t) = new.expires_at {
                body.insert("expires_at".into(), ejson_date(t));
            }
        } else {
            refuse_generation_field(new.username.is_some(), "username", generation)?;
            refuse_generation_field(new.expires_at.is_some(), "expiresAt", generation)?;
        }
        let body = Value::Object(body);
        let call = Call::Create(&body);
        let answer = self.transport.call(&call)?;
        self.created(answer, &call.what(), None)
    }

    fn update(&self, id: &str, update: &KeyUpdate) -> Result<ApiKey> {
        let id = parse_id(id)?;
        refuse_field(!update.description.is_absent(), "description", "TrueNAS")?;
        refuse_field(update.permissions.is_some(), "permissions", "TrueNAS")?;
        refuse_field(update.role_ids.is_some(), "roleIds", "TrueNAS")?;
        refuse_field(update.change_reason.is_some(), "changeReason", "TrueNAS")?;
        if update.enabled.is_some() {
            return Err(Error::unsupported(
                "enabled: TrueNAS keys cannot be enabled or disabled; remove the key, or let it expire (25.04 and later)",
            ));
        }
        if update.name.is_none() && update.allowlist.is_none() && update.expires_at.is_absent() {
            return Err(Error::invalid(
                "update",
                "give a name, an allowlist or an expiry to change",
            ));
        }
        let mut body = Map::new();
        if let Some(name) = &update.name {
            require_name("name", name)?;
            body.insert("name".into(), json!(name));
        }
        let generation = self.generation()?;
        if let Some(list) = &update.allowlist {
            refuse_generation_field(!generation.has_allowlist(), "allowlist", generation)?;
            check_allowlist(list)?;
            body.insert("allowlist".into(), Value::Array(list.clone()));
        }
        match &update.expires_at {
            Field::Absent => {}
            other => {
                refuse_generation_field(!generation.has_user_keys(), "expiresAt", generation)?;
                // `null` means "never expires" (contract 2.4).
                let value = other.as_option().map_or(Value::Null, |t| ejson_date(*t));
                body.insert("expires_at".into(), value);
            }
        }
        let body = Value::Object(body);
        key_from_json(&self.transport.call(&Call::Update {
            id,
            body: &body,
            reset: false,
        })?)
    }

    /// TrueNAS records no reason for a delete; `change_reason` (JIM's) is not sent.
    fn delete(&self, id: &str, _change_reason: Option<&str>) -> Result<()> {
        let id = parse_id(id)?;
        self.transport.call(&Call::Delete(id)).map(|_| ())
    }

    /// `api_key.update(id, {"reset": true})` (contract 2.1-2.4): a new secret for the same
    /// key, which keeps its id, name and settings; a revoked key (25.04+) is restored.
    fn rotate(&self, id: &str) -> Result<CreatedKey> {
        let number = parse_id(id)?;
        let body = json!({ "reset": true });
        let call = Call::Update {
            id: number,
            body: &body,
            reset: true,
        };
        let answer = self.transport.call(&call)?;
        self.created(answer, &call.what(), Some(number.to_string()))
    }

    /// `auth.me` for the user, and our own key: from `api_key.my_keys` where the server has it
    /// (25.04+), else by its id (the digits before `-` in the key).
    fn whoami(&self) -> Result<Whoami> {
        let user = match self.transport.call(&Call::Me) {
            Ok(v) => Some(v),
            // No user to tell: CORE 13 has no auth.me route, a key before 25.04 is no user
            // (`You are logged in using API_KEY`), and a 24.10 allowlist may not cover it.
            Err(e)
                if matches!(
                    e.kind,
                    ErrorKind::NotFound
                        | ErrorKind::Unsupported
                        | ErrorKind::InvalidArgument
                        | ErrorKind::Permission
                ) =>
            {
                None
            }
            Err(e) => return Err(e),
        };
        let key = match self.own_key_id {
            None => None,
            Some(id) => {
                let mine = if self.generation()?.has_user_keys() {
                    self.transport
                        .call(&Call::MyKeys)
                        .and_then(|v| self.keys_from(v, "list the current user's keys"))
                        .ok()
                        .and_then(|keys| keys.into_iter().find(|k| k.id == id.to_string()))
                } else {
                    None
                };
                match mine {
                    Some(k) => Some(k),
                    None => self
                        .transport
                        .call(&Call::Get(id))
                        .and_then(|v| key_from_json(&v))
                        .ok(),
                }
            }
        };
        Ok(Whoami {
            kind: ServerKind::Truenas,
            auth_method: if self.password_login {
                "password"
            } else {
                "apiKey"
            }
            .into(),
            key,
            user,
        })
    }

    fn server_info(&self) -> Result<ServerInfo> {
        let facts = self.facts()?;
        Ok(ServerInfo {
            kind: ServerKind::Truenas,
            product: "TrueNAS".into(),
            version: facts.version.clone(),
            // The version came back over an authenticated call: the server runs and the
            // credentials work.
            healthy: Some(true),
            transport: Some(self.transport.name().into()),
            generation: Some(facts.label.clone()),
        })
    }

    /// The allowlist methods on 22.02-24.10 (`permissions` holds them, for completion); the
    /// other generations have nothing to choose from (CORE 13 keys are all-powerful, 25.04+
    /// keys have their owner's rights), so the catalog is empty there rather than an error.
    fn catalog(&self) -> Result<Catalog> {
        let permissions = self
            .generation()?
            .has_allowlist()
            .then(|| ALLOWLIST_METHODS.iter().map(|m| (*m).to_owned()).collect());
        Ok(Catalog {
            kind: ServerKind::Truenas,
            permissions,
            roles: None,
        })
    }

    fn close(&self) {
        if let Transport::Rpc(t) = &self.transport {
            t.close();
        }
    }
}

fn probe_versions(http: &HttpClient) -> Result<Probe> {
    let r = http
        .send(Method::GET, "/api/versions", None, Retry::Idempotent)
        .map_err(|e| e.context("probe GET /api/versions"))?;
    match r.status {
        404 => Ok(Probe::RestOnly),
        200 if r.is_html() => Ok(Probe::RestOnly),
        200 => match serde_json::from_slice::<Value>(&r.body) {
            Ok(Value::Array(_)) => Ok(Probe::JsonRpc),
            _ => Ok(Probe::RestOnly),
        },
        s => Err(Error::new(
            super::kind_for_status(s),
            format!("probe GET /api/versions: unexpected answer (HTTP {s}); set truenasTransport to rest or websocket"),
        )
        .with_status(s)),
    }
}

fn insecure_key_error(base: &str, scheme: &str, probe_error: Option<&Error>) -> Error {
    let host = base.split("://").nth(1).unwrap_or(base);
    let host = host.split('/').next().unwrap_or(host);
    let why = match probe_error {
        None => "this server is TrueNAS 25.04 or later, which".to_owned(),
        Some(e) => format!(
            "the server's generation could not be told ({}), and TrueNAS 25.04 and later",
            e.message
        ),
    };
    Error::invalid(
        "baseUrl",
        format!(
            "refusing to send the API key over plain {scheme}:// to {host}: {why} revokes a key used over an insecure transport (the login then fails with EXPIRED and the key stays revoked until it is reset). Use an https:// URL, or set allowInsecureKeyTransport to true to accept this"
        ),
    )
}

/// The label of a generation in `server_info`: `13.3`, `24.10`, `25.04`, `26`.
fn generation_label(major: u32, minor: u32) -> String {
    match major {
        m if m < 22 => format!("{m}.{minor}"),
        m if m < 26 => format!("{m}.{minor:02}"),
        m => format!("{m}"),
    }
}

/// A key id of the C ABI ("7") as the server's integer.
pub(crate) fn parse_id(id: &str) -> Result<i64> {
    let ok = !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit());
    match ok.then(|| id.parse::<i64>().ok()).flatten() {
        Some(n) => Ok(n),
        None => Err(Error::invalid(
            "id",
            format!(
                "'{}' is not a TrueNAS key id (a number such as 7)",
                printable(id)
            ),
        )),
    }
}

/// True when no character of `text` has an upper/lower case pair.
fn caseless(text: &str) -> bool {
    text.chars().all(|c| c.to_lowercase().eq(c.to_uppercase()))
}

fn refuse_generation_field(present: bool, field: &str, generation: Generation) -> Result<()> {
    if present {
        Err(Error::invalid(
            field,
            format!("{} keys have no such field", generation.describe()),
        ))
    } else {
        Ok(())
    }
}

/// `AllowListItem` (contract 2.3): `{method, resource}`, nothing else (24.10 forbids extra
/// fields), method from the enum, resource not empty.
fn check_allowlist(list: &[Value]) -> Result<()> {
    for (i, item) in list.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            return Err(Error::invalid(
                "allowlist",
                format!("item {i} is not an object {{\"method\", \"resource\"}}"),
            ));
        };
        if let Some(extra) = obj.keys().find(|k| *k != "method" && *k != "resource") {
            return Err(Error::invalid(
                "allowlist",
                format!("item {i} has the unknown field '{}'", printable(extra)),
            ));
        }
        match obj.get("method").and_then(Value::as_str) {
            Some(m) if ALLOWLIST_METHODS.contains(&m) => {}
            _ => {
                return Err(Error::invalid(
                    "allowlist",
                    format!(
                        "item {i}: method must be one of {}",
                        ALLOWLIST_METHODS.join(", ")
                    ),
                ))
            }
        }
        match obj.get("resource").and_then(Value::as_str) {
            Some(r) if !r.trim().is_empty() => {}
            _ => {
                return Err(Error::invalid(
                    "allowlist",
                    format!("item {i}: resource must be a non-empty string"),
                ))
            }
        }
    }
    Ok(())
}

fn check_username(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "username",
            "must be a user name without control characters",
        ));
    }
    Ok(())
}

/// EJSON date (contract 4.2): `{"$date": <ms since epoch, UTC>}`.
fn ejson_date(t: Timestamp) -> Value {
    json!({ "$date": t.millis() })
}

/// Years 0000-9999: what RFC 3339 (and so the C ABI) can write.
const MIN_MILLIS: i64 = -62_167_219_200_000;
const MAX_MILLIS: i64 = 253_402_300_799_999;

/// An EJSON date, or (tolerantly) an RFC 3339 string. Anything else, or an instant RFC 3339
/// cannot write, is `Null`.
fn date_field(v: &Value, name: &str) -> Field<Timestamp> {
    let millis = match v.get(name) {
        None => return Field::Absent,
        Some(Value::Object(o)) => o.get("$date").and_then(|d| {
            d.as_i64()
                .or_else(|| d.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
        }),
        Some(Value::String(s)) => Timestamp::parse(s).map(Timestamp::millis),
        Some(_) => None,
    };
    match millis {
        Some(ms) if (MIN_MILLIS..=MAX_MILLIS).contains(&ms) => Field::Present(Timestamp(ms)),
        _ => Field::Null,
    }
}

fn nullable_str(v: &Value, name: &str) -> Field<String> {
    match v.get(name) {
        None => Field::Absent,
        Some(Value::String(s)) => Field::Present(s.clone()),
        Some(_) => Field::Null,
    }
}

/// The user name in an `auth.me` answer or a login's `user_info` (`pw_name`).
fn username_of(user: &Value) -> Option<String> {
    ["pw_name", "username"]
        .iter()
        .find_map(|f| user.get(*f).and_then(Value::as_str))
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
}

/// An `api_key` entry of any generation (contract section 2). A field is present exactly
/// when the server sent it, which is what its generation has; `keyhash` and 26's SCRAM
/// material are never copied.
pub(crate) fn key_from_json(v: &Value) -> Result<ApiKey> {
    let id = match v.get("id") {
        Some(Value::Number(n)) if n.is_i64() => n.to_string(),
        Some(Value::String(s)) if parse_id(s).is_ok() => s.clone(),
        _ => {
            return Err(Error::protocol(
                "read a TrueNAS key: the answer has no numeric 'id'",
            ))
        }
    };
    let name = v
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::protocol("read a TrueNAS key: the answer has no 'name'"))?
        .to_owned();
    let mut key = ApiKey::new(ServerKind::Truenas, id, name);
    key.created_at = date_field(v, "created_at");
    key.allowlist = match v.get("allowlist") {
        None => Field::Absent,
        Some(Value::Array(items)) => Field::Present(items.clone()),
        Some(_) => Field::Null,
    };
    key.username = nullable_str(v, "username");
    key.expires_at = date_field(v, "expires_at");
    key.revoked = match v.get("revoked") {
        None => Field::Absent,
        Some(b) => b.as_bool().map_or(Field::Null, Field::Present),
    };
    key.revoked_reason = nullable_str(v, "revoked_reason");
    Ok(key)
}

/// One problem a TrueNAS error lists: `[attribute, message, errno]`.
pub(crate) struct Problem {
    pub attribute: String,
    pub message: String,
    pub errno: Option<i64>,
}

const ENOENT: i64 = 2;
const EACCES: i64 = 13;
const EBUSY: i64 = 16;
const EINVAL: i64 = 22;
const EOPNOTSUPP: i64 = 95;
/// TrueNAS's own errno for "Not authenticated" (contract 4.1).
const ENOTAUTHENTICATED: i64 = 207;

/// The kind a TrueNAS error means, from its errno and messages; `fallback` comes from the
/// HTTP status or JSON-RPC code. A uniqueness clash is `conflict` (`name must be unique`,
/// `Object with this name already exists`); a missing key `not_found` (`ApiKey 5 does not
/// exist`, errno ENOENT) - but `User does not exist.` on create is a bad `username`.
pub(crate) fn classify(errno: Option<i64>, problems: &[Problem], fallback: ErrorKind) -> ErrorKind {
    let any = |f: &dyn Fn(&Problem) -> bool| problems.iter().any(f);
    if any(&|p| p.message.contains("must be unique") || p.message.contains("already exists")) {
        return ErrorKind::Conflict;
    }
    let about_user =
        |p: &Problem| p.attribute.ends_with("username") || p.message.starts_with("User ");
    // 25.04+ `api_key.update` of an unknown id raises MatchNotFound (errno EINVAL).
    let missing = |p: &Problem| {
        p.errno == Some(ENOENT)
            || p.message.contains("does not exist")
            || p.message.contains("MatchNotFound")
    };
    if any(&|p| !about_user(p) && missing(p)) {
        return ErrorKind::NotFound;
    }
    if problems.iter().any(|p| !p.attribute.is_empty()) {
        return ErrorKind::InvalidArgument;
    }
    match errno {
        Some(ENOTAUTHENTICATED) => ErrorKind::Authentication,
        Some(EACCES) | Some(EOPNOTSUPP) => ErrorKind::Permission,
        Some(EBUSY) => ErrorKind::RateLimited,
        Some(ENOENT) => ErrorKind::NotFound,
        Some(EINVAL) => ErrorKind::InvalidArgument,
        _ => fallback,
    }
}

/// `attribute: message; ...` for people.
pub(crate) fn describe_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| {
            if p.attribute.is_empty() {
                p.message.trim().to_owned()
            } else {
                format!("{}: {}", p.attribute, p.message.trim())
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_give_generations() {
        let cases = [
            ("TrueNAS-13.3-RELEASE", (13, 3), Generation::Core, "13.3"),
            ("TrueNAS-13.0-U6.1", (13, 0), Generation::Core, "13.0"),
            ("13.3-U1.2", (13, 3), Generation::Core, "13.3"),
            (
                "TrueNAS-SCALE-22.12.4",
                (22, 12),
                Generation::Allowlist,
                "22.12",
            ),
            (
                "TrueNAS-SCALE-24.10.2.4",
                (24, 10),
                Generation::Allowlist,
                "24.10",
            ),
            ("25.04.2.6", (25, 4), Generation::UserKeys, "25.04"),
            (
                "TrueNAS-25.10.7",
                (25, 10),
                Generation::RevokedReason,
                "25.10",
            ),
            ("TrueNAS-26.0.0-BETA.1", (26, 0), Generation::Scram, "26"),
        ];
        for (text, numbers, generation, label) in cases {
            assert_eq!(parse_version(text), Some(numbers), "{text}");
            assert_eq!(
                Generation::from_version(numbers.0, numbers.1),
                generation,
                "{text}"
            );
            assert_eq!(generation_label(numbers.0, numbers.1), label, "{text}");
        }
        assert_eq!(parse_version("TrueNAS"), None);
        assert_eq!(parse_version("v2"), None);
    }

    #[test]
    fn ids_are_decimal() {
        assert_eq!(parse_id("7").unwrap(), 7);
        for bad in ["", "-1", "7a", "1.0", " 7", "9999999999999999999", "0x10"] {
            assert_eq!(
                parse_id(bad).unwrap_err().kind,
                ErrorKind::InvalidArgument,
                "{bad}"
            );
        }
    }

    #[test]
    fn keys_of_every_generation_parse() {
        let core = json!({"id": 1, "name": "a", "created_at": {"$date": 1_700_000_000_123i64}});
        let k = key_from_json(&core).unwrap();
        assert_eq!((k.id.as_str(), k.name.as_str()), ("1", "a"));
        assert_eq!(k.created_at, Field::Present(Timestamp(1_700_000_000_123)));
        assert!(k.allowlist.is_absent() && k.username.is_absent() && k.revoked.is_absent());

        let scale = json!({"id": 2, "name": "b", "created_at": {"$date": 0},
                           "allowlist": [{"method": "*", "resource": "*"}]});
        let k = key_from_json(&scale).unwrap();
        assert_eq!(k.allowlist.as_option().unwrap().len(), 1);

        let goldeye = json!({"id": 3, "name": "c", "created_at": {"$date": 0},
            "username": "truenas_admin", "user_identifier": 950, "keyhash": "********",
            "expires_at": null, "local": true, "revoked": true,
            "revoked_reason": "Attempt to use over an insecure transport"});
        let k = key_from_json(&goldeye).unwrap();
        assert_eq!(k.username, Field::Present("truenas_admin".into()));
        assert_eq!(k.expires_at, Field::Null);
        assert_eq!(k.revoked, Field::Present(true));
        assert_eq!(
            k.revoked_reason.as_option().map(String::as_str),
            Some("Attempt to use over an insecure transport")
        );
        let text = serde_json::to_string(&k).unwrap();
        assert!(
            !text.contains("keyhash") && !text.contains("********"),
            "{text}"
        );

        let iso = json!({"id": 4, "name": "d", "created_at": "2026-11-25T09:13:52Z",
                         "expires_at": {"$date": 1e300}});
        let k = key_from_json(&iso).unwrap();
        assert!(matches!(k.created_at, Field::Present(_)));
        assert_eq!(k.expires_at, Field::Null, "out of range");

        assert!(key_from_json(&json!({"id": "x", "name": "n"})).is_err());
        assert!(key_from_json(&json!({"id": 1})).is_err());
    }

    #[test]
    fn allowlists_are_checked_locally() {
        assert!(check_allowlist(&[json!({"method": "GET", "resource": "/system/info"})]).is_ok());
        assert!(check_allowlist(&[]).is_ok());
        for bad in [
            json!("GET"),
            json!({"method": "PATCH", "resource": "*"}),
            json!({"method": "GET", "resource": ""}),
            json!({"method": "GET", "resource": "*", "extra": 1}),
        ] {
            let e = check_allowlist(std::slice::from_ref(&bad)).unwrap_err();
            assert!(e.message.starts_with("allowlist:"), "{bad}: {e}");
        }
    }

    #[test]
    fn errors_are_classified() {
        let p = |attribute: &str, message: &str, errno: i64| Problem {
            attribute: attribute.into(),
            message: message.into(),
            errno: Some(errno),
        };
        let unique = [p("api_key_create.name", "name must be unique", 22)];
        assert_eq!(
            classify(Some(22), &unique, ErrorKind::InvalidArgument),
            ErrorKind::Conflict
        );
        let exists = [p(
            "api_key_create.name",
            "Object with this name already exists",
            22,
        )];
        assert_eq!(
            classify(None, &exists, ErrorKind::InvalidArgument),
            ErrorKind::Conflict
        );
        let missing = [p("", "ApiKey 5 does not exist", 2)];
        assert_eq!(
            classify(Some(2), &missing, ErrorKind::InvalidArgument),
            ErrorKind::NotFound
        );
        let no_user = [p("api_key_create.username", "User does not exist.", 22)];
        assert_eq!(
            classify(Some(22), &no_user, ErrorKind::Server),
            ErrorKind::InvalidArgument
        );
        let past = [p("api_key_create", "Expiration date is in the past", 22)];
        assert_eq!(
            classify(None, &past, ErrorKind::Server),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            classify(Some(207), &[], ErrorKind::Server),
            ErrorKind::Authentication
        );
        assert_eq!(
            classify(Some(13), &[], ErrorKind::Server),
            ErrorKind::Permission
        );
        assert_eq!(
            classify(Some(16), &[], ErrorKind::Server),
            ErrorKind::RateLimited
        );
        assert_eq!(classify(Some(5), &[], ErrorKind::Server), ErrorKind::Server);
        assert_eq!(
            describe_problems(&unique),
            "api_key_create.name: name must be unique"
        );
    }

    #[test]
    fn only_caseless_names_are_filtered_on_the_server() {
        assert!(caseless("2024-11-25_01"));
        assert!(!caseless("ci-key"));
        assert!(!caseless("é"));
    }

    #[test]
    fn credentials_are_redacted_from_server_text() {
        let c = Credentials::Key {
            key: Secret::from("1-abcdefgh"),
            username: None,
        };
        assert_eq!(c.redact("bad key 1-abcdefgh!"), "bad key [redacted]!");
        assert_eq!(c.redact("nothing here"), "nothing here");
    }
}
