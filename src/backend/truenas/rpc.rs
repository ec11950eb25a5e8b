//! TrueNAS JSON-RPC 2.0 over WebSocket (`/api/current`, contract 4.2): 25.04 and later.
//!
//! One connection per session, opened and logged in on the first call, then kept open and
//! reused: TrueNAS limits logins to 20 a minute per address (contract 5.2), so a connection
//! per call would lock a busy script out. Calls take turns on the connection (a mutex); each
//! has its own id and deadline (the session's timeout).
//!
//! A connection found closed before a call is reopened: nothing of the call was sent. A
//! connection that fails after a call was sent is dropped; the call is sent again on a new
//! connection (with a new login) only if it is idempotent (query, get_instance, auth.me,
//! my_keys, system.version). A create, update or delete is reported as a transport error and
//! never repeated: the server may have carried it out.

use super::{classify, describe_problems, username_of, Call, Credentials, Problem};
use crate::config::SessionConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::websocket::{Connector, WebSocket};
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

pub(crate) struct Rpc {
    connector: Connector,
    url: String,
    credentials: Credentials,
    retries: u32,
    timeout: Duration,
    conn: Mutex<Option<WebSocket>>,
    next_id: AtomicU64,
    /// The logged-in user: given in the config, or learned at the first login. A key login
    /// after a reconnect then uses `auth.login_ex` directly.
    username: Mutex<Option<String>>,
}

/// A JSON-RPC request, serialised without an intermediate `Value` so a credential in
/// `params` is only ever written into a zeroizing buffer.
#[derive(Serialize)]
struct Request<'a, P: Serialize> {
    jsonrpc: &'static str,
    id: u64,
    method: &'a str,
    params: P,
}

/// `auth.login_ex`'s argument (contract 4.3).
#[derive(Serialize)]
struct LoginEx<'a> {
    mechanism: &'static str,
    username: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<&'a str>,
    login_options: LoginOptions,
}

#[derive(Serialize)]
struct LoginOptions {
    user_info: bool,
}

/// How an exchange failed: whether the request had gone out (so the server may have acted).
struct Failure {
    sent: bool,
    error: Error,
}

impl Rpc {
    pub(crate) fn new(
        config: &SessionConfig,
        url: String,
        credentials: Credentials,
    ) -> Result<Rpc> {
        let username = credentials.configured_username().map(str::to_owned);
        Ok(Rpc {
            connector: Connector::from_config(config)?,
            url,
            credentials,
            retries: config.retries,
            timeout: Duration::from_millis(config.timeout_ms),
            conn: Mutex::new(None),
            next_id: AtomicU64::new(1),
            username: Mutex::new(username),
        })
    }

    /// The logged-in user's name, logging in first if needed.
    pub(crate) fn logged_in_username(&self) -> Result<Option<String>> {
        if let Some(u) = lock(&self.username).clone() {
            return Ok(Some(u));
        }
        let mut conn = lock(&self.conn);
        self.ensure_open(&mut conn)?;
        drop(conn);
        Ok(lock(&self.username).clone())
    }

    pub(crate) fn call(&self, call: &Call) -> Result<Value> {
        let (method, params) = method_and_params(call);
        let what = call.what();
        let idempotent = call.idempotent();
        let mut conn = lock(&self.conn);
        let mut attempt = 0u32;
        loop {
            if let Err(e) = self.ensure_open(&mut conn) {
                // Nothing of this call was sent: a failed connect may be tried again for any call.
                if e.kind == ErrorKind::Transport && attempt < self.retries {
                    attempt += 1;
                    std::thread::sleep(backoff(attempt));
                    continue;
                }
                return Err(e.context(&what));
            }
            let ws = conn.as_mut().expect("opened above");
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            let request = encode(id, method, &params)?;
            match exchange(ws, &request, id, Instant::now() + self.timeout) {
                Ok(reply) => return self.result(reply, &what),
                Err(Failure { sent, error }) => {
                    *conn = None;
                    let again = error.kind == ErrorKind::Transport
                        && attempt < self.retries
                        && (!sent || idempotent);
                    if again {
                        attempt += 1;
                        continue;
                    }
                    if sent
                        && !idempotent
                        && matches!(error.kind, ErrorKind::Transport | ErrorKind::Timeout)
                    {
                        return Err(error.context(format!(
                            "{what}: the request was sent, but no answer came (the connection failed or timed out); the server may or may not have carried it out, and it was not sent again (list the keys to see)"
                        )));
                    }
                    return Err(error.context(&what));
                }
            }
        }
    }

    /// Ends the session's connection with a close handshake.
    pub(crate) fn close(&self) {
        if let Some(mut ws) = lock(&self.conn).take() {
            ws.close();
        }
    }

    /// Makes `conn` an open, logged-in connection: the kept one if it is still alive (a close
    /// or drop that arrived while idle is noticed here), else a new one.
    fn ensure_open(&self, conn: &mut MutexGuard<'_, Option<WebSocket>>) -> Result<()> {
        if let Some(ws) = conn.as_mut() {
            // Drain what arrived while idle (pings are answered, notifications dropped).
            let alive = loop {
                match ws.poll() {
                    Ok(Some(_notification)) => continue,
                    Ok(None) => break ws.is_open(),
                    Err(_) => break false,
                }
            };
            if alive {
                return Ok(());
            }
            **conn = None;
        }
        let mut ws = self.connector.connect(&self.url).map_err(|e| {
            if e.http_status == Some(404) {
                // No /api/current: TrueNAS 24.10 or older (contract 4.2).
                Error::unsupported(format!(
                    "{}; this server has no JSON-RPC API (TrueNAS 24.10 and older): use the rest transport",
                    e.message
                ))
                .with_status(404)
            } else {
                e.context("connect to the TrueNAS JSON-RPC API")
            }
        })?;
        self.login(&mut ws)?;
        **conn = Some(ws);
        Ok(())
    }

    fn login(&self, ws: &mut WebSocket) -> Result<()> {
        match &self.credentials {
            Credentials::Key { key, .. } => {
                let known = lock(&self.username).clone();
                match known {
                    Some(user) => {
                        self.login_ex(ws, "API_KEY_PLAIN", &user, Some(key.expose()), None)
                    }
                    None => self.login_and_learn_username(ws, key.expose()),
                }
            }
            Credentials::Password { username, password } => self.login_ex(
                ws,
                "PASSWORD_PLAIN",
                username,
                None,
                Some(password.expose()),
            ),
        }
    }

    fn login_ex(
        &self,
        ws: &mut WebSocket,
        mechanism: &'static str,
        username: &str,
        api_key: Option<&str>,
        password: Option<&str>,
    ) -> Result<()> {
        let params = [LoginEx {
            mechanism,
            username,
            api_key,
            password,
            login_options: LoginOptions { user_info: true },
        }];
        let reply = self.raw(ws, "auth.login_ex", &params)?;
        let answer = self.result(reply, "log in to TrueNAS")?;
        let response_type = answer
            .get("response_type")
            .and_then(Value::as_str)
            .unwrap_or("");
        let fail = |kind: ErrorKind, text: &str| {
            Err(
                Error::new(kind, format!("log in to TrueNAS as '{username}': {text}"))
                    .with_server_message(Some(response_type.to_owned())),
            )
        };
        match response_type {
            "SUCCESS" => {
                if let Some(u) = answer.get("user_info").and_then(username_of) {
                    lock(&self.username).get_or_insert(u);
                }
                Ok(())
            }
            // Contract 2.4 and 5.1: an expired key, and a key the server revoked (also the
            // moment it was sent over an insecure transport), both answer EXPIRED.
            "EXPIRED" => fail(
                ErrorKind::Authentication,
                "the key is expired or revoked (EXPIRED). TrueNAS 25.04 and later also revoke a key as soon as it is sent over plain ws:// or http:// from another machine; reset it (rotate) from another session to use it again",
            ),
            "AUTH_ERR" => fail(
                ErrorKind::Authentication,
                "the server refused the credentials (AUTH_ERR): a wrong or revoked key, a key that does not belong to this user, or a wrong password",
            ),
            "OTP_REQUIRED" => fail(
                ErrorKind::Authentication,
                "the account requires a one-time password (two-factor authentication), which this library does not support; use an API key (keys bypass 2FA)",
            ),
            "DENIED" => fail(ErrorKind::Authentication, "the server denied the login (DENIED)"),
            "REDIRECT" => {
                let urls = answer.get("urls").map(Value::to_string).unwrap_or_default();
                fail(
                    ErrorKind::Unsupported,
                    &format!("this node is an HA standby; connect to the active node instead ({urls})"),
                )
            }
            "" => Err(Error::protocol(
                "log in to TrueNAS: the answer has no response_type",
            )),
            other => fail(
                ErrorKind::Unsupported,
                &format!("the server asks for a login step this library does not support ({other})"),
            ),
        }
    }

    /// No owner was named: `auth.login_with_api_key` (a bool; contract 4.3) logs in, then
    /// `auth.me` says who we are, so later logins use `auth.login_ex` with the name.
    fn login_and_learn_username(&self, ws: &mut WebSocket, key: &str) -> Result<()> {
        let reply = self.raw(ws, "auth.login_with_api_key", &[key])?;
        let answer = self.result(reply, "log in to TrueNAS")?;
        if answer.as_bool() != Some(true) {
            return Err(Error::new(
                ErrorKind::Authentication,
                "log in to TrueNAS: the server refused the API key (auth.login_with_api_key answered false): the key is unknown, expired or revoked. Give the key owner's username for the exact reason",
            ));
        }
        let reply = self.raw(ws, "auth.me", &[(); 0])?;
        let me = self.result(reply, "log in to TrueNAS: get the current user")?;
        if let Some(u) = username_of(&me) {
            lock(&self.username).get_or_insert(u);
        }
        Ok(())
    }

    /// One request and its reply on `ws`, no retry (used while logging in).
    fn raw<P: Serialize>(&self, ws: &mut WebSocket, method: &str, params: &P) -> Result<Value> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let request = encode(id, method, params)?;
        exchange(ws, &request, id, Instant::now() + self.timeout)
            .map_err(|f| f.error.context("log in to TrueNAS"))
    }

    /// The `result` of a reply, or the error it carries.
    fn result(&self, mut reply: Value, what: &str) -> Result<Value> {
        if let Some(error) = reply.get("error").filter(|e| !e.is_null()) {
            return Err(rpc_error(error, what, &self.credentials));
        }
        match reply.get_mut("result") {
            Some(r) => Ok(r.take()),
            None => Err(Error::protocol(format!(
                "{what}: the JSON-RPC answer has neither a result nor an error"
            ))),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn method_and_params(call: &Call) -> (&'static str, Value) {
    match call {
        Call::Query { name: Some(n) } => ("api_key.query", json!([[["name", "=", n]]])),
        Call::Query { name: None } => ("api_key.query", json!([])),
        Call::Get(id) => ("api_key.get_instance", json!([id])),
        Call::Create(body) => ("api_key.create", json!([body])),
        Call::Update { id, body, .. } => ("api_key.update", json!([id, body])),
        Call::Delete(id) => ("api_key.delete", json!([id])),
        Call::Me => ("auth.me", json!([])),
        Call::MyKeys => ("api_key.my_keys", json!([])),
        Call::Version => ("system.version", json!([])),
    }
}

/// The request as text in a buffer that is zeroed when dropped (a login carries a secret).
fn encode<P: Serialize>(id: u64, method: &str, params: &P) -> Result<Zeroizing<Vec<u8>>> {
    let request = Request {
        jsonrpc: "2.0",
        id,
        method,
        params,
    };
    Ok(Zeroizing::new(crate::json::to_zeroizing_vec(&request)?))
}

/// Sends a request and reads until the reply with its id. Notifications
/// (`collection_update`) and replies to earlier, abandoned requests are skipped.
fn exchange(
    ws: &mut WebSocket,
    request: &[u8],
    id: u64,
    deadline: Instant,
) -> Result<Value, Failure> {
    ws.send_text(request, deadline).map_err(|error| Failure {
        // A failed write never delivered a whole frame, so the server cannot have acted.
        sent: false,
        error,
    })?;
    loop {
        let message = ws
            .recv(deadline)
            .map_err(|error| Failure { sent: true, error })?;
        let reply: Value = serde_json::from_slice(message.data()).map_err(|e| Failure {
            sent: true,
            error: Error::protocol(format!(
                "the JSON-RPC answer is not valid JSON: {}",
                crate::json::describe_serde_error(&e)
            )),
        })?;
        match reply.get("id") {
            Some(Value::Number(n)) if n.as_u64() == Some(id) => return Ok(reply),
            // An error the server could not tie to a request (e.g. our JSON was unreadable).
            Some(Value::Null) if reply.get("error").is_some() => return Ok(reply),
            _ => continue,
        }
    }
}

/// Maps a JSON-RPC error object (contract 4.2): `{code, message, data: {error (errno),
/// errname, reason, extra: [[attribute, message, errno], ...]}}`. The trace is never copied.
pub(crate) fn rpc_error(error: &Value, what: &str, credentials: &Credentials) -> Error {
    let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
    let data = error.get("data");
    let field = |name: &str| data.and_then(|d| d.get(name));
    let errno = field("error").and_then(Value::as_i64);
    let errname = field("errname").and_then(Value::as_str).unwrap_or("");
    let problems: Vec<Problem> = field("extra")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let item = item.as_array()?;
            Some(Problem {
                attribute: item.first()?.as_str().unwrap_or("").to_owned(),
                message: item.get(1)?.as_str()?.to_owned(),
                errno: item.get(2).and_then(Value::as_i64),
            })
        })
        .collect();
    let fallback = match code {
        -32601 => ErrorKind::Unsupported,
        -32602 => ErrorKind::InvalidArgument,
        -32000 => ErrorKind::RateLimited,
        -32700 | -32600 => ErrorKind::Protocol,
        _ => ErrorKind::Server,
    };
    let server_message = if problems.is_empty() {
        let reason = field("reason").and_then(Value::as_str).map(str::trim);
        let message = error.get("message").and_then(Value::as_str).map(str::trim);
        reason
            .filter(|r| !r.is_empty())
            .or(message)
            .unwrap_or("the server gave no message")
            .to_owned()
    } else {
        describe_problems(&problems)
    };
    // A CallError lists no attributes: its reason alone tells e.g. MatchNotFound apart.
    let mut problems = problems;
    if problems.is_empty() {
        problems.push(Problem {
            attribute: String::new(),
            message: server_message.clone(),
            errno,
        });
    }
    let kind = if code == -32601 {
        // `Method does not exist`: not a missing key, a missing feature.
        ErrorKind::Unsupported
    } else {
        classify(errno, &problems, fallback)
    };
    let server_message = credentials.redact(&server_message);
    let name = if errname.is_empty() {
        String::new()
    } else {
        format!(" {errname}")
    };
    Error::new(
        kind,
        format!("{what}: {server_message} (JSON-RPC error {code}{name})"),
    )
    .with_server_message(Some(server_message))
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(100u64 << attempt.min(4))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn creds() -> Credentials {
        Credentials::Key {
            key: Secret::from("1-SECRETSECRET"),
            username: None,
        }
    }

    #[test]
    fn json_rpc_errors_map_to_kinds() {
        let unique = json!({"code": -32602, "message": "Invalid params", "data": {"error": 22,
            "errname": "EINVAL", "reason": "[EINVAL] api_key_create.name: name must be unique\n",
            "trace": {"formatted": "Traceback ..."},
            "extra": [["api_key_create.name", "name must be unique", 22]]}});
        let e = rpc_error(&unique, "create key 'x'", &creds());
        assert_eq!(e.kind, ErrorKind::Conflict);
        assert_eq!(
            e.server_message.as_deref(),
            Some("api_key_create.name: name must be unique")
        );
        assert!(!e.message.contains("Traceback"), "{e}");

        let missing = json!({"code": -32001, "message": "Method call error", "data": {"error": 2,
            "errname": "ENOENT", "reason": "[ENOENT] ApiKey 99 does not exist", "extra": null}});
        assert_eq!(
            rpc_error(&missing, "get key 99", &creds()).kind,
            ErrorKind::NotFound
        );

        let limit = json!({"code": -32602, "message": "Invalid params", "data": {"error": 22,
            "extra": [["api_key_create.username", "User already meets or exceeds maximum per-user API key limit of 10", 22]]}});
        assert_eq!(
            rpc_error(&limit, "create", &creds()).kind,
            ErrorKind::InvalidArgument
        );

        for (errno, kind) in [
            (207, ErrorKind::Authentication),
            (13, ErrorKind::Permission),
            (16, ErrorKind::RateLimited),
        ] {
            let e = json!({"code": -32001, "message": "Method call error",
                           "data": {"error": errno, "reason": "Rate Limit Exceeded"}});
            assert_eq!(rpc_error(&e, "op", &creds()).kind, kind, "{errno}");
        }
        let no_method = json!({"code": -32601, "message": "Method does not exist"});
        let e = rpc_error(&no_method, "op", &creds());
        assert_eq!(
            (e.kind, e.server_message.as_deref()),
            (ErrorKind::Unsupported, Some("Method does not exist"))
        );

        let echo =
            json!({"code": -32001, "message": "x", "data": {"reason": "bad key 1-SECRETSECRET"}});
        let e = rpc_error(&echo, "op", &creds());
        assert!(!e.message.contains("SECRETSECRET") && !format!("{e:?}").contains("SECRETSECRET"));
    }

    #[test]
    fn requests_are_json_rpc_2() {
        let bytes = encode(7, "api_key.get_instance", &json!([3])).unwrap();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            v,
            json!({"jsonrpc": "2.0", "id": 7, "method": "api_key.get_instance", "params": [3]})
        );
        let login = [LoginEx {
            mechanism: "API_KEY_PLAIN",
            username: "truenas_admin",
            api_key: Some("1-abc"),
            password: None,
            login_options: LoginOptions { user_info: true },
        }];
        let v: Value =
            serde_json::from_slice(&encode(1, "auth.login_ex", &login).unwrap()).unwrap();
        assert_eq!(
            v["params"],
            json!([{"mechanism": "API_KEY_PLAIN", "username": "truenas_admin", "api_key": "1-abc",
                    "login_options": {"user_info": true}}])
        );
        let (method, params) = method_and_params(&Call::Query { name: Some("x") });
        assert_eq!(
            (method, params),
            ("api_key.query", json!([[["name", "=", "x"]]]))
        );
        let v: Value = serde_json::from_slice(&encode(2, "auth.me", &[(); 0]).unwrap()).unwrap();
        assert_eq!(v["params"], json!([]));
    }
}
