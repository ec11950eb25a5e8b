//! The JIM backend through the Rust core, against the sandbox (contracts-jim.md).

mod common;

use apikeys::{ErrorKind, Field, KeyFilter, KeyUpdate, NewKey, Session, Timestamp};
use common::{unique, Sandbox};
use serde_json::json;

fn days(n: i64) -> Timestamp {
    Timestamp(Timestamp::now().0 + n * 86_400_000)
}

fn role_ids(k: &apikeys::ApiKey) -> Vec<i64> {
    k.roles.as_option().unwrap().iter().map(|r| r.id).collect()
}

#[test]
fn lifecycle_with_roles_description_expiry_and_change_reason() {
    let sb = Sandbox::start(&["--kind", "jim"]);
    let s = sb.session("jim");
    let name = unique("life");
    let expiry = days(90);
    let created = s
        .create(&NewKey {
            name: name.clone(),
            description: Some("Read-only monitoring".into()),
            role_ids: Some(vec![1, 3]),
            expires_at: Some(expiry),
            ..NewKey::default()
        })
        .unwrap();
    let secret = created.secret.expose();
    assert!(
        secret.starts_with("jim_ak_") && secret.len() == 71,
        "JIM key format"
    );
    assert_eq!(
        created.key.prefix.as_option().map(String::as_str),
        Some(&secret[..12])
    );
    assert_eq!(role_ids(&created.key), vec![1, 3]);
    assert_eq!(created.key.enabled, Field::Present(true));
    let id = created.key.id.clone();
    let log = sb.requests("jim");
    assert!(
        log.iter()
            .any(|r| r["method"] == "POST" && r["status"] == 201),
        "{log:?}"
    );

    let got = s.get(&id).unwrap();
    assert_eq!(
        got.expires_at.as_option().unwrap().0 / 1000,
        expiry.0 / 1000,
        "instants compare despite +00:00 vs Z"
    );

    s.delete(&id, Some("no longer needed: ticket #42")).unwrap();
    assert!(sb
        .requests("jim")
        .iter()
        .any(|r| r["method"] == "DELETE" && r["status"] == 204));
    let e = s.get(&id).unwrap_err();
    assert_eq!((e.kind, e.http_status), (ErrorKind::NotFound, Some(404)));
    assert_eq!(
        e.server_message.as_deref(),
        Some(format!("API key not found: {id}").as_str())
    );
    assert_eq!(
        s.delete(&id, None).unwrap_err().kind,
        ErrorKind::NotFound,
        "second delete: 404"
    );
}

#[test]
fn update_keeps_what_was_not_given_and_null_clears_the_expiry() {
    let sb = Sandbox::start(&["--kind", "jim"]);
    let s = sb.session("jim");
    let k = s
        .create(&NewKey {
            name: unique("upd"),
            description: Some("keep me".into()),
            role_ids: Some(vec![2]),
            expires_at: Some(days(30)),
            ..NewKey::default()
        })
        .unwrap()
        .key;
    let renamed = s
        .update(
            &k.id,
            &KeyUpdate {
                name: Some("CI Pipeline v2".into()),
                ..KeyUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(renamed.name, "CI Pipeline v2");
    assert_eq!(renamed.description, Field::Present("keep me".into()));
    assert_eq!(role_ids(&renamed), vec![2]);
    assert_eq!(
        renamed.enabled,
        Field::Present(true),
        "PUT would reset isEnabled to false if not merged"
    );
    assert_eq!(renamed.expires_at, k.expires_at, "expiry kept");

    let disabled = s
        .update(
            &k.id,
            &KeyUpdate {
                enabled: Some(false),
                ..KeyUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(disabled.enabled, Field::Present(false));
    assert_eq!(disabled.expires_at, k.expires_at);
    let cleared = s
        .update(
            &k.id,
            &KeyUpdate {
                expires_at: Field::Null,
                ..KeyUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(cleared.expires_at, Field::Null, "null clears");
    assert_eq!(cleared.enabled, Field::Present(false), "still disabled");
    let roles = s
        .update(
            &k.id,
            &KeyUpdate {
                role_ids: Some(vec![1, 4]),
                enabled: Some(true),
                ..KeyUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(role_ids(&roles), vec![1, 4]);
    assert_eq!(roles.description, Field::Present("keep me".into()));
}

#[test]
fn errors_carry_the_servers_words() {
    let sb = Sandbox::start(&["--kind", "jim"]);
    let s = sb.session("jim");
    let e = s
        .create(&NewKey {
            name: unique("bad"),
            role_ids: Some(vec![99]),
            ..NewKey::default()
        })
        .unwrap_err();
    assert_eq!(
        (e.kind, e.http_status),
        (ErrorKind::InvalidArgument, Some(400))
    );
    assert_eq!(
        e.server_message.as_deref(),
        Some("One or more role IDs are invalid")
    );

    // A key with no roles: valid, but not an Administrator: 403 with an empty body.
    let weak = s
        .create(&NewKey {
            name: unique("weak"),
            ..NewKey::default()
        })
        .unwrap();
    let cfg = json!({"kind":"jim","baseUrl":sb.url("jim"),"apiKey":weak.secret.expose()});
    let e = Session::from_json(&cfg.to_string())
        .unwrap()
        .list(&KeyFilter::default())
        .unwrap_err();
    assert_eq!((e.kind, e.http_status), (ErrorKind::Permission, Some(403)));

    let cfg = json!({"kind":"jim","baseUrl":sb.url("jim"),"apiKey":"jim_ak_0000000000000000000000000000000000000000000000000000000000000000"});
    let e = Session::from_json(&cfg.to_string())
        .unwrap()
        .list(&KeyFilter::default())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Authentication);
    assert_eq!(e.server_message.as_deref(), Some("Authentication required"));

    sb.clear_requests("jim");
    for bad in [vec![0], vec![1, 1], vec![-5]] {
        let e = s
            .create(&NewKey {
                name: "x".into(),
                role_ids: Some(bad),
                ..NewKey::default()
            })
            .unwrap_err();
        assert!(e.message.starts_with("roleIds:"), "{e}");
    }
    let e = s
        .create(&NewKey {
            name: "x".into(),
            permissions: Some(vec!["all".into()]),
            ..NewKey::default()
        })
        .unwrap_err();
    assert!(e.message.starts_with("permissions:"), "{e}");
    let e = s
        .delete(
            "11111111-1111-4111-8111-111111111111",
            Some(&"r".repeat(1001)),
        )
        .unwrap_err();
    assert!(e.message.starts_with("changeReason:"), "{e}");
    assert!(sb.requests("jim").is_empty(), "nothing sent for bad input");
}

#[test]
fn rotate_keeps_name_description_roles_and_expiry() {
    let sb = Sandbox::start(&["--kind", "jim"]);
    let s = sb.session("jim");
    let old = s
        .create(&NewKey {
            name: unique("rot"),
            description: Some("deploys".into()),
            role_ids: Some(vec![3]),
            expires_at: Some(days(10)),
            ..NewKey::default()
        })
        .unwrap();
    let new = s.rotate(&old.key.id).unwrap();
    assert_ne!(new.key.id, old.key.id);
    assert_ne!(new.secret.expose(), old.secret.expose());
    assert_eq!(new.key.name, old.key.name);
    assert_eq!(new.key.description, old.key.description);
    assert_eq!(role_ids(&new.key), vec![3]);
    assert_eq!(
        new.key.expires_at.as_option().unwrap().0 / 1000,
        old.key.expires_at.as_option().unwrap().0 / 1000
    );
    assert_eq!(s.get(&old.key.id).unwrap_err().kind, ErrorKind::NotFound);
}

#[test]
fn filters_by_name_and_expiry() {
    let sb = Sandbox::start(&["--kind", "jim"]);
    let s = sb.session("jim");
    let tag = unique("exp");
    for (suffix, expiry) in [
        ("soon", Some(days(10))),
        ("later", Some(days(40))),
        ("past", Some(days(-1))),
        ("never", None),
    ] {
        s.create(&NewKey {
            name: format!("{tag}-{suffix}"),
            expires_at: expiry,
            ..NewKey::default()
        })
        .unwrap();
    }
    let names = |f: KeyFilter| -> Vec<String> {
        let mut v: Vec<String> = s
            .list(&f)
            .unwrap()
            .into_iter()
            .map(|k| k.name)
            .filter(|n| n.starts_with(&tag))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(KeyFilter {
            expiring_within_seconds: Some(30 * 86_400),
            ..KeyFilter::default()
        }),
        vec![format!("{tag}-soon")]
    );
    assert_eq!(
        names(KeyFilter {
            expired: Some(true),
            ..KeyFilter::default()
        }),
        vec![format!("{tag}-past")]
    );
    assert_eq!(
        names(KeyFilter {
            name: Some(format!("{tag}-*r")),
            ..KeyFilter::default()
        }),
        vec![format!("{tag}-later"), format!("{tag}-never")]
    );
}

#[test]
fn roles_server_info_whoami_and_auto_detection() {
    let sb = Sandbox::start(&["--kind", "jim"]);
    let s = sb.session("jim");
    let roles = s.catalog().unwrap().roles.unwrap();
    assert!(roles.iter().any(|r| r.id == 1 && r.name == "Administrator"));
    assert!(roles.len() >= 3);
    let info = s.server_info().unwrap();
    assert_eq!((info.product.as_str(), info.healthy), ("JIM", Some(true)));
    assert!(!info.version.is_empty());
    let who = s.whoami().unwrap();
    assert_eq!(who.key.unwrap().id, sb.jim()["apiKeyId"].as_str().unwrap());
    let auto = json!({"kind":"auto","baseUrl":sb.url("jim"),"apiKey":sb.key("jim")});
    assert_eq!(
        Session::from_json(&auto.to_string()).unwrap().kind(),
        apikeys::ServerKind::Jim
    );
}

#[test]
fn retries_and_rate_limits() {
    let sb = Sandbox::start(&["--kind", "jim"]);
    let s = sb.session("jim");
    sb.faults(
        "jim",
        json!({"status429": 2, "retryAfterSeconds": 1, "match": "/api/v1/apikeys"}),
    );
    assert!(!s.list(&KeyFilter::default()).unwrap().is_empty());
    sb.faults(
        "jim",
        json!({"status429": 10, "retryAfterSeconds": 1, "match": "/api/v1/apikeys"}),
    );
    let e = s.list(&KeyFilter::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(1)));
    assert_eq!(
        e.server_message.as_deref(),
        Some("Too many requests. Please retry after the indicated delay.")
    );
    sb.clear_faults("jim");
    let before = sb.key_count("jim");
    sb.faults("jim", json!({"dropMidBody": 1, "method": "POST"}));
    let e = s
        .create(&NewKey {
            name: unique("drop"),
            ..NewKey::default()
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    sb.clear_faults("jim");
    // The server made the key before the answer was cut: reported, never silently repeated.
    assert!(sb.key_count("jim") <= before + 1);
    assert!(
        sb.requests("jim")
            .iter()
            .filter(|r| r["method"] == "POST")
            .count()
            == 1,
        "sent once"
    );
}
