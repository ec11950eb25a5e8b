//! `Session`: one configured connection to one server, usable from many threads at once.

use crate::backend::{immich::Immich, jim::Jim, truenas::TrueNas, Backend};
use crate::config::{KindChoice, SessionConfig};
use crate::error::{Error, Result};
use crate::http::{HttpClient, Retry};
use crate::model::{
    ApiKey, Catalog, CreatedKey, KeyFilter, KeyUpdate, NewKey, ServerInfo, ServerKind, Whoami,
};
use crate::timestamp::Timestamp;
use crate::wildcard::Wildcard;
use once_cell::unsync::OnceCell;
use reqwest::Method;
use serde_json::Value;

pub struct Session {
    kind: ServerKind,
    backend: Box<dyn Backend>,
}

impl Session {
    /// Opens a session. `kind: auto` asks the server once which kind it is. Immich password
    /// sessions log in here; nothing else is sent.
    pub fn open(config: SessionConfig) -> Result<Session> {
        config.validate()?;
        let kind = match config.kind {
            KindChoice::Immich => ServerKind::Immich,
            KindChoice::Jim => ServerKind::Jim,
            KindChoice::Truenas => ServerKind::Truenas,
            KindChoice::Auto => probe_kind(&config)?,
        };
        let backend: Box<dyn Backend> = match kind {
            ServerKind::Immich => Box::new(Immich::open(&config)?),
            ServerKind::Jim => Box::new(Jim::open(&config)?),
            ServerKind::Truenas => Box::new(TrueNas::open(&config)?),
        };
        Ok(Session { kind, backend })
    }

    pub fn from_json(config_json: &str) -> Result<Session> {
        Session::open(SessionConfig::from_json(config_json)?)
    }

    pub fn kind(&self) -> ServerKind {
        self.kind
    }

    /// The keys the credential can see that pass `filter`, in the server's order.
    pub fn list(&self, filter: &KeyFilter) -> Result<Vec<ApiKey>> {
        crate::backend::collect(|each| self.list_each(filter, each))
    }

    /// The keys of `list`, handed to `each` one at a time as the server's answer is parsed
    /// (Immich and JIM never hold the whole list), so a caller can write them out without
    /// collecting them. The first error from `each` ends the list and is returned. On any
    /// error `each` may already have seen some keys: discard what was built from them.
    pub fn list_each(
        &self,
        filter: &KeyFilter,
        each: &mut dyn FnMut(ApiKey) -> Result<()>,
    ) -> Result<()> {
        let keep = Keep::new(filter);
        self.backend.list_each(keep.exact.as_deref(), &mut |k| {
            if keep.matches(&k) {
                each(k)
            } else {
                Ok(())
            }
        })
    }

    pub fn get(&self, id: &str) -> Result<ApiKey> {
        self.backend.get(id)
    }

    pub fn create(&self, new: &NewKey) -> Result<CreatedKey> {
        self.backend.create(new)
    }

    pub fn update(&self, id: &str, update: &KeyUpdate) -> Result<ApiKey> {
        self.backend.update(id, update)
    }

    pub fn delete(&self, id: &str, change_reason: Option<&str>) -> Result<()> {
        self.backend.delete(id, change_reason)
    }

    pub fn rotate(&self, id: &str) -> Result<CreatedKey> {
        self.backend.rotate(id)
    }

    pub fn whoami(&self) -> Result<Whoami> {
        self.backend.whoami()
    }

    pub fn server_info(&self) -> Result<ServerInfo> {
        self.backend.server_info()
    }

    pub fn catalog(&self) -> Result<Catalog> {
        self.backend.catalog()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.backend.close();
    }
}

/// A [`KeyFilter`] ready to test keys: the one predicate `list` and `list_each` share.
struct Keep {
    pattern: Option<Wildcard>,
    /// The name when the pattern has no wildcard: a backend may ask the server for it alone.
    exact: Option<String>,
    expired: Option<bool>,
    within_seconds: Option<u64>,
    /// "Now" and the end of the expiry window, taken at the first key tested: once the
    /// answer has arrived, as when the whole list was fetched first, and the same instant for
    /// every key of one list.
    clock: OnceCell<(Timestamp, Option<Timestamp>)>,
}

impl Keep {
    fn new(filter: &KeyFilter) -> Keep {
        let pattern = filter.name.as_deref().map(Wildcard::new);
        let exact = pattern.as_ref().and_then(Wildcard::literal);
        Keep {
            pattern,
            exact,
            expired: filter.expired,
            within_seconds: filter.expiring_within_seconds,
            clock: OnceCell::new(),
        }
    }

    fn matches(&self, k: &ApiKey) -> bool {
        if !self.pattern.as_ref().map_or(true, |p| p.is_match(&k.name)) {
            return false;
        }
        let &(now, horizon) = self.clock.get_or_init(|| {
            let now = Timestamp::now();
            let horizon = self.within_seconds.map(|s| {
                Timestamp(
                    now.0
                        .saturating_add(i64::try_from(s).unwrap_or(i64::MAX).saturating_mul(1000)),
                )
            });
            (now, horizon)
        });
        let expiry = k.expires_at.as_option().copied();
        let expired_ok = match self.expired {
            Some(want) => expiry.is_some_and(|e| e <= now) == want,
            None => true,
        };
        let within_ok = horizon.map_or(true, |h| expiry.is_some_and(|e| e > now && e <= h));
        expired_ok && within_ok
    }
}

/// Asks the server which kind it is, with anonymous requests only: Immich answers
/// `/api/server/version` with major/minor/patch, JIM `/api/v1/health/version` with
/// `product: JIM`, TrueNAS 25.04+ `/api/versions` with an array and older TrueNAS
/// `/api/v2.0/system/version` (401 without credentials, but the route exists).
fn probe_kind(config: &SessionConfig) -> Result<ServerKind> {
    let http = HttpClient::new(config)?;
    let get = |path: &str| -> Option<(u16, Option<Value>)> {
        let r = http.send(Method::GET, path, None, Retry::Idempotent).ok()?;
        let json = if r.is_html() {
            None
        } else {
            serde_json::from_slice(&r.body).ok()
        };
        Some((r.status, json))
    };
    let mut reached = false;
    if let Some((status, body)) = get("/api/server/version") {
        reached = true;
        if status == 200 && body.as_ref().and_then(|b| b.get("major")).is_some() {
            return Ok(ServerKind::Immich);
        }
    }
    if let Some((status, body)) = get("/api/v1/health/version") {
        reached = true;
        if status == 200
            && body
                .as_ref()
                .and_then(|b| b.get("product"))
                .and_then(Value::as_str)
                == Some("JIM")
        {
            return Ok(ServerKind::Jim);
        }
    }
    if let Some((status, body)) = get("/api/versions") {
        reached = true;
        if status == 200 && matches!(body, Some(Value::Array(_))) {
            return Ok(ServerKind::Truenas);
        }
    }
    if let Some((status, _)) = get("/api/v2.0/system/version") {
        reached = true;
        if status == 200 || status == 401 {
            return Ok(ServerKind::Truenas);
        }
    }
    if !reached {
        // Let the real transport error speak (refused port, TLS, timeout).
        http.send(Method::GET, "/", None, Retry::Never)?;
    }
    Err(Error::unsupported(format!(
        "kind: {} does not look like Immich, JIM or TrueNAS; give the kind explicitly",
        config.base()
    )))
}
