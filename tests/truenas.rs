//! The TrueNAS backend through the Rust core, against the sandbox (contracts-truenas.md):
//! every operation on every flavour, transport probing, the insecure-transport trap and the
//! client's guard, reconnects after a dropped WebSocket, and error mapping.

mod common;

use apikeys::{ErrorKind, Field, KeyFilter, KeyUpdate, NewKey, Session, Timestamp};
use common::{unique, Sandbox};
use serde_json::{json, Value};

fn start(version: &str, extra: &[&str]) -> Sandbox {
    let mut args = vec!["--kind", "truenas", "--truenas-version", version];
    args.extend_from_slice(extra);
    Sandbox::start(&args)
}

fn info(sb: &Sandbox) -> &Value {
    &sb.info["truenas"]
}

/// A session config with the seeded admin key, merged with `overrides` (a null removes).
fn config(sb: &Sandbox, overrides: Value) -> String {
    let mut c = json!({
        "kind": "truenas",
        "baseUrl": sb.url("truenas"),
        "apiKey": sb.key("truenas"),
        "retries": 3,
    });
    for (k, v) in overrides.as_object().unwrap() {
        if v.is_null() {
            c.as_object_mut().unwrap().remove(k);
        } else {
            c[k] = v.clone();
        }
    }
    c.to_string()
}

fn open(sb: &Sandbox, overrides: Value) -> apikeys::Result<Session> {
    Session::from_json(&config(sb, overrides))
}

fn session(sb: &Sandbox) -> Session {
    open(sb, json!({})).expect("session opens")
}

/// A password session (never revoked by the trap, so it can inspect keys the trap touched).
fn password_session(sb: &Sandbox) -> Session {
    open(
        sb,
        json!({"apiKey": null, "username": info(sb)["username"], "password": info(sb)["password"]}),
    )
    .expect("password session opens")
}

fn key_session(sb: &Sandbox, secret: &str) -> apikeys::Result<Session> {
    open(sb, json!({ "apiKey": secret }))
}

fn named(name: &str) -> NewKey {
    NewKey {
        name: name.into(),
        ..NewKey::default()
    }
}

fn days(n: i64) -> Timestamp {
    Timestamp(Timestamp::now().0 + n * 86_400_000)
}

fn ws_calls(sb: &Sandbox, method: &str) -> usize {
    sb.requests("truenas")
        .iter()
        .filter(|r| r["method"] == "WS" && r["path"] == method)
        .count()
}

fn has_json_rpc(flavour: &str) -> bool {
    !matches!(flavour, "13.3" | "24.10")
}

fn user_keys(flavour: &str) -> bool {
    has_json_rpc(flavour)
}

/// Every operation of the Backend trait on one flavour, through the probing session.
/// Prints one matrix row: `flavour | operation: ok ...`.
fn exercise(flavour: &str) {
    let sb = start(flavour, &[]);
    let s = session(&sb);
    let mut row: Vec<String> = Vec::new();
    let mut ok = |op: &str| row.push(format!("{op}: ok"));

    // server_info: the probe picked the transport of the flavour.
    let si = s.server_info().unwrap();
    let want_transport = if has_json_rpc(flavour) {
        "websocket"
    } else {
        "rest"
    };
    assert_eq!(si.transport.as_deref(), Some(want_transport), "{flavour}");
    assert_eq!(
        si.version,
        info(&sb)["version"].as_str().unwrap(),
        "{flavour}"
    );
    assert_eq!(
        si.generation.as_deref(),
        info(&sb)["generation"].as_str(),
        "{flavour}"
    );
    assert_eq!(si.product, "TrueNAS");
    ok(&format!("server_info ({want_transport})"));

    // create: fields of the generation, and the key format `<id>-<64 alnum>`.
    let name = unique(&format!("ci-{flavour}"));
    let created = s.create(&named(&name)).unwrap();
    let secret = created.secret.expose().to_owned();
    let (prefix, rest) = secret.split_once('-').expect("<id>-<key>");
    assert_eq!(
        prefix, created.key.id,
        "{flavour}: the id prefixes the secret"
    );
    assert!(
        rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{flavour}: 64 alphanumerics"
    );
    let k = &created.key;
    assert_eq!(k.name, name);
    assert!(matches!(k.created_at, Field::Present(_)), "{flavour}");
    if flavour == "24.10" {
        assert_eq!(
            k.allowlist,
            Field::Present(vec![json!({"method": "*", "resource": "*"})]),
            "full access by default"
        );
    } else {
        assert!(k.allowlist.is_absent(), "{flavour}: {k:?}");
    }
    if user_keys(flavour) {
        assert_eq!(
            k.username.as_option().map(String::as_str),
            info(&sb)["username"].as_str(),
            "{flavour}: owner defaults to the logged-in user"
        );
        assert_eq!(k.revoked, Field::Present(false));
        assert_eq!(k.expires_at, Field::Null, "never expires");
    } else {
        assert!(k.username.is_absent() && k.revoked.is_absent() && k.expires_at.is_absent());
    }
    assert_eq!(
        !k.revoked_reason.is_absent(),
        matches!(flavour, "25.10" | "26"),
        "{flavour}: revokedReason from 25.10 on: {k:?}"
    );
    ok("create");
    let id = k.id.clone();

    // list, with the exact-name filter and a wildcard.
    let all = s.list(&KeyFilter::default()).unwrap();
    assert!(all.iter().any(|x| x.id == id), "{flavour}");
    assert!(
        all.iter()
            .any(|x| x.id == info(&sb)["apiKeyId"].as_str().unwrap()),
        "{flavour}: the seeded key is listed"
    );
    let exact = s
        .list(&KeyFilter {
            name: Some(name.to_uppercase()),
            ..KeyFilter::default()
        })
        .unwrap();
    assert_eq!(exact.len(), 1, "{flavour}: case-insensitive equality");
    let wild = s
        .list(&KeyFilter {
            name: Some(format!("ci-{flavour}*")),
            ..KeyFilter::default()
        })
        .unwrap();
    assert!(wild.iter().any(|x| x.id == id));
    ok("list");

    // get
    let got = s.get(&id).unwrap();
    assert_eq!(
        (got.name.as_str(), &got.created_at),
        (name.as_str(), &k.created_at)
    );
    ok("get");

    // update: name always; allowlist on 24.10; expiry on 25.04+.
    let renamed = format!("{name}-renamed");
    let mut update = KeyUpdate {
        name: Some(renamed.clone()),
        ..KeyUpdate::default()
    };
    let expiry = days(30);
    if flavour == "24.10" {
        update.allowlist = Some(vec![json!({"method": "GET", "resource": "/api_key*"})]);
    }
    if user_keys(flavour) {
        update.expires_at = Field::Present(expiry);
    }
    let updated = s.update(&id, &update).unwrap();
    assert_eq!(updated.name, renamed);
    if flavour == "24.10" {
        assert_eq!(
            updated.allowlist,
            Field::Present(vec![json!({"method": "GET", "resource": "/api_key*"})])
        );
    }
    if user_keys(flavour) {
        let got = updated.expires_at.as_option().copied().expect("expiry set");
        assert_eq!(
            got.0 / 1000,
            expiry.0 / 1000,
            "{flavour}: EJSON date round trip"
        );
        let cleared = s
            .update(
                &id,
                &KeyUpdate {
                    expires_at: Field::Null,
                    ..KeyUpdate::default()
                },
            )
            .unwrap();
        assert_eq!(cleared.expires_at, Field::Null, "null clears the expiry");
    }
    assert_eq!(s.get(&id).unwrap().name, renamed);
    ok("update");

    // Fields the generation does not know are refused before anything is sent.
    sb.clear_requests("truenas");
    let refused: Vec<(&str, NewKey)> = match flavour {
        "13.3" => vec![
            (
                "allowlist",
                NewKey {
                    allowlist: Some(vec![]),
                    ..named("x")
                },
            ),
            (
                "username",
                NewKey {
                    username: Some("root".into()),
                    ..named("x")
                },
            ),
            (
                "expiresAt",
                NewKey {
                    expires_at: Some(days(1)),
                    ..named("x")
                },
            ),
        ],
        "24.10" => vec![
            (
                "username",
                NewKey {
                    username: Some("root".into()),
                    ..named("x")
                },
            ),
            (
                "expiresAt",
                NewKey {
                    expires_at: Some(days(1)),
                    ..named("x")
                },
            ),
        ],
        _ => vec![(
            "allowlist",
            NewKey {
                allowlist: Some(vec![json!({"method": "*", "resource": "*"})]),
                ..named("x")
            },
        )],
    };
    for (field, new) in refused {
        let e = s.create(&new).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{flavour} {field}: {e}");
        assert!(
            e.message.starts_with(&format!("{field}:")),
            "{flavour}: {e}"
        );
    }
    let e = s
        .create(&NewKey {
            permissions: Some(vec!["all".into()]),
            ..named("x")
        })
        .unwrap_err();
    assert!(e.message.starts_with("permissions:"), "{e}");
    assert!(
        sb.requests("truenas").is_empty(),
        "{flavour}: nothing sent: {:?}",
        sb.requests("truenas")
    );
    ok("refuse unknown fields");

    // rotate: same id, a new secret; the old one stops working, the new one works.
    let rotated = s.rotate(&id).unwrap();
    assert_eq!(rotated.key.id, id, "{flavour}: reset keeps the id");
    assert_eq!(rotated.replaced_id.as_deref(), Some(id.as_str()));
    let new_secret = rotated.secret.expose().to_owned();
    assert_ne!(new_secret, secret);
    assert!(new_secret.starts_with(&format!("{id}-")));
    let old = key_session(&sb, &secret).and_then(|o| o.list(&KeyFilter::default()));
    assert_eq!(
        old.unwrap_err().kind,
        ErrorKind::Authentication,
        "{flavour}: the old secret is dead"
    );
    let fresh = key_session(&sb, &new_secret).unwrap();
    let me = fresh.whoami().unwrap();
    assert_eq!(
        me.key.map(|k| k.id),
        Some(id.clone()),
        "{flavour}: whoami with the new secret"
    );
    if flavour == "24.10" {
        // The allowlist set above lets this key read keys, not create them: an empty 403.
        let e = fresh.create(&named("not allowed")).unwrap_err();
        assert_eq!(
            (e.kind, e.http_status),
            (ErrorKind::Permission, Some(403)),
            "{e}"
        );
    }
    drop(fresh);
    ok("rotate");

    // whoami with the admin key.
    let me = s.whoami().unwrap();
    assert_eq!(me.auth_method, "apiKey");
    assert_eq!(
        me.key.as_ref().map(|k| k.id.as_str()),
        info(&sb)["apiKeyId"].as_str(),
        "{flavour}"
    );
    if !user_keys(flavour) {
        // Before 25.04 a key is no user (`You are logged in using API_KEY`).
        assert!(me.user.is_none(), "{flavour}: {:?}", me.user);
    } else {
        let user = me.user.expect("auth.me");
        assert_eq!(
            user["pw_name"].as_str().or(user["username"].as_str()),
            info(&sb)["username"].as_str(),
            "{flavour}: {user}"
        );
    }
    ok("whoami");

    // catalog: the allowlist methods on 22.02-24.10, nothing elsewhere.
    let c = s.catalog().unwrap();
    if flavour == "24.10" {
        let p = c.permissions.expect("methods");
        assert!(
            p.contains(&"CALL".to_owned()) && p.contains(&"*".to_owned()),
            "{p:?}"
        );
    } else {
        assert!(c.permissions.is_none() && c.roles.is_none(), "{flavour}");
    }
    ok("catalog");

    // delete, then get and delete again: not found.
    s.delete(&id, None).unwrap();
    assert_eq!(
        s.get(&id).unwrap_err().kind,
        ErrorKind::NotFound,
        "{flavour}"
    );
    assert_eq!(s.delete(&id, None).unwrap_err().kind, ErrorKind::NotFound);
    ok("delete");

    // errors: duplicate name, unknown id, bad id.
    s.create(&named(&format!("{name}-dup"))).unwrap();
    let e = s.create(&named(&format!("{name}-dup"))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Conflict, "{flavour}: {e}");
    let want = if user_keys(flavour) {
        "name must be unique"
    } else {
        "Object with this name already exists"
    };
    assert!(
        e.server_message.as_deref().unwrap_or("").contains(want),
        "{flavour}: {e:?}"
    );
    let e = s.get("999999").unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{flavour}: {e}");
    let rename = KeyUpdate {
        name: Some("whatever".into()),
        ..KeyUpdate::default()
    };
    let e = s.update("999999", &rename).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{flavour}: update: {e}");
    let e = s.rotate("999999").unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{flavour}: rotate: {e}");
    assert_eq!(s.get("abc").unwrap_err().kind, ErrorKind::InvalidArgument);
    ok("errors");

    eprintln!("MATRIX {flavour} | {}", row.join(" | "));
}

#[test]
fn flavour_13_3() {
    exercise("13.3");
}

#[test]
fn flavour_24_10() {
    exercise("24.10");
}

#[test]
fn flavour_25_04() {
    exercise("25.04");
}

#[test]
fn flavour_25_10() {
    exercise("25.10");
}

#[test]
fn flavour_26() {
    exercise("26");
}

#[test]
fn forced_transports() {
    let sb = start("25.10", &[]);
    let rest = open(&sb, json!({"truenasTransport": "rest"})).unwrap();
    assert_eq!(
        rest.server_info().unwrap().transport.as_deref(),
        Some("rest")
    );
    let k = rest.create(&named(&unique("rest-on-25"))).unwrap();
    assert_eq!(
        k.key.username.as_option().map(String::as_str),
        info(&sb)["username"].as_str()
    );
    assert!(rest
        .list(&KeyFilter::default())
        .unwrap()
        .iter()
        .any(|x| x.id == k.key.id));
    rest.delete(&k.key.id, None).unwrap();

    let sb26 = start("26", &[]);
    let e = open(&sb26, json!({"truenasTransport": "rest"}))
        .and_then(|s| s.list(&KeyFilter::default()))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported, "26 has no REST: {e}");

    let sb13 = start("13.3", &[]);
    let e = open(&sb13, json!({"truenasTransport": "websocket"}))
        .and_then(|s| s.list(&KeyFilter::default()))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported, "13.3 has no JSON-RPC: {e}");
}

#[test]
fn probing_through_kind_auto() {
    for flavour in ["24.10", "25.10"] {
        let sb = start(flavour, &[]);
        let s = open(&sb, json!({"kind": "auto"})).unwrap();
        assert_eq!(s.kind(), apikeys::ServerKind::Truenas, "{flavour}");
        assert!(s.server_info().is_ok());
    }
}

#[test]
fn password_logins() {
    for flavour in ["24.10", "25.10"] {
        let sb = start(flavour, &[]);
        let s = password_session(&sb);
        let me = s.whoami().unwrap();
        assert_eq!(me.auth_method, "password", "{flavour}");
        assert!(me.key.is_none());
        assert!(!s.list(&KeyFilter::default()).unwrap().is_empty());
        let bad = open(
            &sb,
            json!({"apiKey": null, "username": info(&sb)["username"], "password": "wrong-password"}),
        )
        .and_then(|s| s.list(&KeyFilter::default()))
        .unwrap_err();
        assert_eq!(bad.kind, ErrorKind::Authentication, "{flavour}: {bad}");
        assert!(!bad.message.contains("wrong-password"));
    }
    let e = Session::from_json(
        &json!({"kind": "truenas", "baseUrl": "http://127.0.0.1:1", "password": "x"}).to_string(),
    )
    .err()
    .unwrap();
    assert!(e.message.starts_with("username:"), "{e}");
}

#[test]
fn login_with_and_without_the_owner_name() {
    let sb = start("25.10", &[]);
    // Without a username: auth.login_with_api_key, then auth.me tells the owner.
    let s = session(&sb);
    s.list(&KeyFilter::default()).unwrap();
    assert_eq!(ws_calls(&sb, "auth.login_with_api_key"), 1);
    assert_eq!(ws_calls(&sb, "auth.login_ex"), 0);
    drop(s);
    sb.clear_requests("truenas");
    let s = open(&sb, json!({"username": info(&sb)["username"]})).unwrap();
    for _ in 0..10 {
        s.list(&KeyFilter::default()).unwrap();
    }
    assert_eq!(
        ws_calls(&sb, "auth.login_ex"),
        1,
        "one login for the session"
    );
    assert_eq!(ws_calls(&sb, "auth.login_with_api_key"), 0);
    // A wrong owner name: AUTH_ERR.
    let e = open(&sb, json!({"username": "nobody"}))
        .and_then(|s| s.list(&KeyFilter::default()))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Authentication, "{e}");
    // An unknown key, with and without the owner named.
    let fake = format!("{}-{}", 9999, "a".repeat(64));
    for overrides in [
        json!({"apiKey": fake}),
        json!({"apiKey": fake, "username": info(&sb)["username"]}),
    ] {
        let e = open(&sb, overrides)
            .and_then(|s| s.list(&KeyFilter::default()))
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Authentication, "{e}");
        assert!(
            !e.message.contains(&"a".repeat(64)),
            "no secret in errors: {e}"
        );
    }
}

#[test]
fn user_key_rules_of_25_x() {
    for flavour in ["25.04", "25.10"] {
        let sb = start(flavour, &[]);
        let s = session(&sb);
        let e = s
            .create(&NewKey {
                expires_at: Some(days(-1)),
                ..named(&unique("past"))
            })
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{flavour}: {e}");
        assert!(e.message.contains("Expiration date is in the past"), "{e}");
        let e = s
            .create(&NewKey {
                username: Some("no-such-user".into()),
                ..named(&unique("nouser"))
            })
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{flavour}: {e}");
        // At most 10 keys a user (25.04.1+): the seeded key counts.
        let mut made = 0;
        let e = loop {
            match s.create(&named(&unique("limit"))) {
                Ok(_) => made += 1,
                Err(e) => break e,
            }
            assert!(made <= 10, "{flavour}: the limit holds");
        };
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{flavour}: {e}");
        assert!(
            e.message.contains("maximum per-user API key limit of 10"),
            "{e}"
        );
        // An expiry in the future round-trips as an EJSON date.
        let key = s
            .list(&KeyFilter {
                name: Some("limit*".into()),
                ..KeyFilter::default()
            })
            .unwrap()[0]
            .clone();
        let t = days(7);
        let k = s
            .update(
                &key.id,
                &KeyUpdate {
                    expires_at: Field::Present(t),
                    ..KeyUpdate::default()
                },
            )
            .unwrap();
        assert_eq!(k.expires_at.as_option().unwrap().0 / 1000, t.0 / 1000);
        let soon = s
            .list(&KeyFilter {
                expiring_within_seconds: Some(8 * 86_400),
                ..KeyFilter::default()
            })
            .unwrap();
        assert_eq!(
            soon.iter().map(|k| k.id.clone()).collect::<Vec<_>>(),
            vec![key.id.clone()]
        );
    }
}

#[test]
fn the_guard_refuses_a_plain_url_to_another_host_before_connecting() {
    let base = json!({"kind": "truenas", "baseUrl": "http://truenas.invalid", "apiKey": format!("1-{}", "k".repeat(64))});
    let with = |extra: Value| {
        let mut c = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            c[k] = v.clone();
        }
        Session::from_json(&c.to_string())
    };
    // Forced JSON-RPC: refused at once (a DNS error would mean we tried to connect).
    let e = with(json!({"truenasTransport": "websocket"}))
        .err()
        .unwrap();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
    assert!(
        e.message
            .contains("revokes a key used over an insecure transport"),
        "{e}"
    );
    assert!(e.message.contains("allowInsecureKeyTransport"), "{e}");
    assert!(!e.message.contains(&"k".repeat(64)));
    // Forced REST: the generation cannot be told (the anonymous probe fails), so refused too.
    let e = with(json!({"truenasTransport": "rest"})).err().unwrap();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
    assert!(e.message.contains("could not be told"), "{e}");
    // Opting in: the session opens (and would connect on first use).
    let s =
        with(json!({"truenasTransport": "websocket", "allowInsecureKeyTransport": true})).unwrap();
    let e = s.list(&KeyFilter::default()).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Transport,
        "now it tries, and the name does not resolve: {e}"
    );
    // https and loopback are never refused.
    assert!(
        with(json!({"baseUrl": "https://truenas.invalid", "truenasTransport": "websocket"}))
            .is_ok()
    );
    assert!(
        with(json!({"baseUrl": "http://127.0.0.1:9", "truenasTransport": "websocket"})).is_ok()
    );
}

#[test]
fn the_trap_revokes_a_key_sent_over_plain_ws_and_wss_is_safe() {
    for flavour in ["25.04", "25.10", "26"] {
        let sb = start(flavour, &["--treat-as-remote"]);
        let admin = password_session(&sb);
        let victim = admin.create(&named(&unique("victim"))).unwrap();
        let e = open(
            &sb,
            json!({"apiKey": victim.secret.expose(), "username": info(&sb)["username"]}),
        )
        .and_then(|s| s.list(&KeyFilter::default()))
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Authentication, "{flavour}: {e}");
        assert!(e.message.contains("expired or revoked"), "{flavour}: {e}");
        let k = admin.get(&victim.key.id).unwrap();
        assert_eq!(
            k.revoked,
            Field::Present(true),
            "{flavour}: revoked by the server"
        );
        if flavour != "25.04" {
            assert_eq!(
                k.revoked_reason.as_option().map(String::as_str),
                Some("Attempt to use over an insecure transport"),
                "{flavour}"
            );
        }
        // A reset brings it back.
        let reset = admin.rotate(&victim.key.id).unwrap();
        assert_eq!(reset.key.revoked, Field::Present(false), "{flavour}");
    }
    // Over wss:// nothing is revoked.
    let sb = start("25.10", &["--treat-as-remote", "--https"]);
    let ca = sb.info["caFile"].as_str().unwrap().to_owned();
    let s = open(&sb, json!({"tls": {"caFile": ca}})).unwrap();
    assert_eq!(
        s.server_info().unwrap().transport.as_deref(),
        Some("websocket")
    );
    let k = s.get(info(&sb)["apiKeyId"].as_str().unwrap()).unwrap();
    assert_eq!(k.revoked, Field::Present(false));
}

#[test]
fn tls_settings_apply_to_rest_and_wss() {
    for flavour in ["24.10", "25.10"] {
        let sb = start(flavour, &["--https"]);
        assert!(sb.url("truenas").starts_with("https://"));
        let ca = sb.info["caFile"].as_str().unwrap().to_owned();
        let s = open(&sb, json!({"tls": {"caFile": ca}})).unwrap();
        assert!(
            !s.list(&KeyFilter::default()).unwrap().is_empty(),
            "{flavour}"
        );
        let e = open(&sb, json!({}))
            .and_then(|s| s.list(&KeyFilter::default()))
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Tls, "{flavour}: untrusted CA: {e}");
        let s = open(&sb, json!({"tls": {"verify": false}})).unwrap();
        let me = s.whoami();
        assert!(me.is_ok(), "{flavour}: {:?}", me.err());
    }
    // The WebSocket's own TLS check (no probe when the transport is forced).
    let sb = start("26", &["--https"]);
    let e = open(&sb, json!({"truenasTransport": "websocket"}))
        .unwrap()
        .list(&KeyFilter::default())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "wss with an untrusted CA: {e}");
}

#[test]
fn a_dropped_websocket_during_get_reconnects() {
    let sb = start("25.10", &[]);
    let s = session(&sb);
    let id = info(&sb)["apiKeyId"].as_str().unwrap().to_owned();
    s.get(&id).unwrap();
    for fault in ["wsCloseMidCall", "wsDropMidCall"] {
        sb.clear_requests("truenas");
        sb.faults(
            "truenas",
            json!({ fault: 1, "match": "api_key.get_instance" }),
        );
        assert_eq!(
            s.get(&id).unwrap().id,
            id,
            "{fault}: succeeds after a reconnect"
        );
        assert_eq!(
            ws_calls(&sb, "api_key.get_instance"),
            2,
            "{fault}: sent again once"
        );
        assert_eq!(
            ws_calls(&sb, "auth.login_ex"),
            1,
            "{fault}: logged in again with the learned owner"
        );
        sb.clear_faults("truenas");
    }
}

#[test]
fn a_dropped_websocket_during_create_is_reported_never_repeated() {
    let sb = start("25.10", &[]);
    let s = session(&sb);
    s.list(&KeyFilter::default()).unwrap();
    for fault in ["wsCloseMidCall", "wsDropMidCall"] {
        let before = sb.key_count("truenas");
        sb.clear_requests("truenas");
        sb.faults("truenas", json!({ fault: 1, "match": "api_key.create" }));
        let e = s.create(&named(&unique("dropped"))).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Transport, "{fault}: {e}");
        assert!(e.message.contains("not sent again"), "{fault}: {e}");
        assert_eq!(ws_calls(&sb, "api_key.create"), 1, "{fault}: sent once");
        let after = sb.key_count("truenas");
        assert!(
            after == before || after == before + 1,
            "{fault}: at most one key: {before} -> {after}"
        );
        sb.clear_faults("truenas");
        // The session goes on with a new connection.
        assert!(!s.list(&KeyFilter::default()).unwrap().is_empty());
        for fault_on in ["api_key.delete", "api_key.update"] {
            let k = s.create(&named(&unique("victim"))).unwrap().key;
            sb.faults("truenas", json!({ fault: 1, "match": fault_on }));
            let e = if fault_on == "api_key.delete" {
                s.delete(&k.id, None).unwrap_err()
            } else {
                s.rotate(&k.id).unwrap_err()
            };
            assert_eq!(e.kind, ErrorKind::Transport, "{fault} {fault_on}: {e}");
            sb.clear_faults("truenas");
            let _ = s.delete(&k.id, None);
        }
    }
}

#[test]
fn one_session_serves_many_threads_on_one_connection() {
    let sb = start("26", &[]);
    let s = std::sync::Arc::new(open(&sb, json!({"username": info(&sb)["username"]})).unwrap());
    let id = info(&sb)["apiKeyId"].as_str().unwrap().to_owned();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let s = s.clone();
            let id = id.clone();
            std::thread::spawn(move || {
                for _ in 0..10 {
                    assert_eq!(s.get(&id).unwrap().id, id);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(ws_calls(&sb, "auth.login_ex"), 1, "one login for 40 calls");
    assert_eq!(ws_calls(&sb, "api_key.get_instance"), 40);
}

#[test]
fn repeated_logins_hit_the_rate_limit() {
    // 20 logins a minute per address (contract 5.2): separate sessions each log in once.
    let sb = start("25.10", &[]);
    let mut last = None;
    for _ in 0..25 {
        match open(&sb, json!({"username": info(&sb)["username"]}))
            .and_then(|s| s.list(&KeyFilter::default()))
        {
            Ok(_) => {}
            Err(e) => {
                last = Some(e);
                break;
            }
        }
    }
    let e = last.expect("the 21st login is refused");
    assert_eq!(e.kind, ErrorKind::RateLimited, "{e}");
    assert!(e.message.contains("Rate Limit Exceeded"), "{e}");
}

/// A spy allocator: while armed, every block freed is searched for the canary secret.
mod spy {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    pub const CANARY: &str = "Canary0123456789Canary0123456789Canary0123456789Canary0123456789";
    pub static ARMED: AtomicBool = AtomicBool::new(false);
    pub static FOUND: AtomicUsize = AtomicUsize::new(0);

    pub struct Spy;

    // `realloc` is left to the default (alloc, copy, dealloc), so a grown buffer's old block
    // passes through `dealloc` too.
    unsafe impl GlobalAlloc for Spy {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            System.alloc(layout)
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            if ARMED.load(Ordering::SeqCst) {
                let block = std::slice::from_raw_parts(ptr, layout.size());
                if block.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()) {
                    FOUND.fetch_add(1, Ordering::SeqCst);
                }
            }
            System.dealloc(ptr, layout)
        }
    }
}

#[global_allocator]
static GLOBAL: spy::Spy = spy::Spy;

#[test]
fn no_freed_memory_holds_the_key_after_json_rpc_logins() {
    use std::sync::atomic::Ordering;
    let key = format!("1-{}", spy::CANARY);
    let sb = start("25.10", &["--truenas-key", &key]);
    let url = sb.url("truenas");
    let username = info(&sb)["username"].as_str().unwrap().to_owned();
    // Built before arming: the test's own strings are not the library's business.
    let configs: Vec<zeroize::Zeroizing<String>> = [Some(username.as_str()), None]
        .iter()
        .map(|user| {
            let mut c = json!({"kind": "truenas", "baseUrl": url, "apiKey": key});
            if let Some(u) = user {
                c["username"] = json!(u);
            }
            zeroize::Zeroizing::new(c.to_string())
        })
        .collect();
    drop(key);
    spy::ARMED.store(true, Ordering::SeqCst);
    // The spy sees an unzeroed copy...
    drop(std::hint::black_box(String::from(spy::CANARY)));
    assert_eq!(spy::FOUND.swap(0, Ordering::SeqCst), 1, "the spy works");
    // ...and none from the library.
    for config in &configs {
        // login_ex (owner named), then login_with_api_key + auth.me (owner learned).
        let s = Session::from_json(config).unwrap();
        assert!(!s.list(&KeyFilter::default()).unwrap().is_empty());
        s.whoami().unwrap();
        drop(s);
    }
    spy::ARMED.store(false, Ordering::SeqCst);
    assert_eq!(
        spy::FOUND.load(Ordering::SeqCst),
        0,
        "blocks holding the key were freed without being zeroed"
    );
}

#[test]
fn exact_names_without_letters_are_filtered_on_the_server() {
    for flavour in ["24.10", "25.10"] {
        let sb = start(flavour, &[]);
        let s = session(&sb);
        let stem = std::process::id().to_string();
        for suffix in ["-1", "-10", ""] {
            s.create(&named(&format!("{stem}{suffix}"))).unwrap();
        }
        let by_name = |name: &str| {
            s.list(&KeyFilter {
                name: Some(name.into()),
                ..KeyFilter::default()
            })
            .unwrap()
            .into_iter()
            .map(|k| k.name)
            .collect::<Vec<_>>()
        };
        // `<pid>-1` goes to the server as `name = ...`; digits only (`<pid>`) would be turned
        // into a number by the REST query string, so the session filters that one.
        assert_eq!(
            by_name(&format!("{stem}-1")),
            vec![format!("{stem}-1")],
            "{flavour}"
        );
        assert_eq!(by_name(&stem), vec![stem.clone()], "{flavour}");
        assert_eq!(by_name(&format!("{stem}-1*")).len(), 2, "{flavour}");
    }
}

#[test]
fn a_slow_answer_times_out_and_the_session_recovers() {
    let sb = start("25.10", &[]);
    let s = open(&sb, json!({"timeoutMs": 800})).unwrap();
    let id = info(&sb)["apiKeyId"].as_str().unwrap().to_owned();
    s.get(&id).unwrap();
    sb.faults(
        "truenas",
        json!({"latencyMs": 2500, "match": "api_key.get_instance"}),
    );
    let started = std::time::Instant::now();
    let e = s.get(&id).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    assert!(
        started.elapsed().as_millis() < 2000,
        "the call's own deadline"
    );
    sb.faults(
        "truenas",
        json!({"latencyMs": 2500, "match": "api_key.create"}),
    );
    let e = s.create(&named(&unique("slow"))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    assert!(e.message.contains("not sent again"), "{e}");
    sb.clear_faults("truenas");
    // A new connection serves the next call; the late answers are never mistaken for it.
    assert_eq!(s.get(&id).unwrap().id, id);
}
