//! The Immich backend through the Rust core, against the sandbox (contracts-immich.md).

mod common;

use apikeys::{ErrorKind, KeyFilter, KeyUpdate, NewKey, Session};
use common::{unique, Sandbox};
use serde_json::json;

fn new_key(name: &str, permissions: &[&str]) -> NewKey {
    NewKey {
        name: name.to_owned(),
        permissions: Some(permissions.iter().map(|p| p.to_string()).collect()),
        ..NewKey::default()
    }
}

#[test]
fn lifecycle_create_get_list_update_delete() {
    let sb = Sandbox::start(&["--kind", "immich"]);
    let s = sb.session("immich");
    let name = unique("life");
    let created = s
        .create(&NewKey {
            name: name.clone(),
            ..NewKey::default()
        })
        .unwrap();
    assert!(
        created.secret.expose().len() >= 30,
        "Immich secrets are 43 base64 characters less the dropped + and /"
    );
    assert_eq!(
        created.key.permissions.as_option().unwrap(),
        &vec!["all".to_string()],
        "default is all"
    );
    let id = created.key.id.clone();

    let got = s.get(&id).unwrap();
    assert_eq!(got.name, name);
    assert!(s
        .list(&KeyFilter::default())
        .unwrap()
        .iter()
        .any(|k| k.id == id));

    let renamed = s
        .update(
            &id,
            &KeyUpdate {
                name: Some(format!("{name}-2")),
                ..KeyUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(renamed.name, format!("{name}-2"));
    assert_eq!(
        renamed.permissions.as_option().unwrap(),
        &vec!["all".to_string()],
        "kept"
    );
    let narrowed = s
        .update(
            &id,
            &KeyUpdate {
                permissions: Some(vec!["asset.read".into()]),
                ..KeyUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(
        narrowed.permissions.as_option().unwrap(),
        &vec!["asset.read".to_string()]
    );
    assert_eq!(narrowed.name, format!("{name}-2"), "name kept");

    s.delete(&id, None).unwrap();
    let log = sb.requests("immich");
    assert!(
        log.iter()
            .any(|r| r["method"] == "DELETE" && r["status"] == 204),
        "204 delete: {log:?}"
    );
    let gone = s.get(&id).unwrap_err();
    assert_eq!(gone.kind, ErrorKind::NotFound);
    assert_eq!(
        gone.http_status,
        Some(400),
        "Immich answers an unknown id with 400"
    );
    assert_eq!(gone.server_message.as_deref(), Some("API Key not found"));
    assert!(
        gone.message.contains(&id),
        "message names the key: {}",
        gone.message
    );
}

#[test]
fn a_key_cannot_grant_what_it_lacks_on_create_and_update() {
    let sb = Sandbox::start(&["--kind", "immich", "--immich-version", "2.x"]);
    let admin = sb.session("immich");
    let limited = admin
        .create(&new_key(
            &unique("limited"),
            &[
                "apiKey.create",
                "apiKey.read",
                "apiKey.update",
                "asset.read",
            ],
        ))
        .unwrap();
    let cfg = json!({"kind":"immich","baseUrl":sb.url("immich"),"apiKey":limited.secret.expose()});
    let s = Session::from_json(&cfg.to_string()).unwrap();

    let e = s.create(&new_key(&unique("wide"), &["all"])).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Permission);
    assert_eq!(
        e.server_message.as_deref(),
        Some("Cannot grant permissions you do not have")
    );
    let ok = s
        .create(&new_key(&unique("narrow"), &["asset.read"]))
        .unwrap();
    let e = s
        .update(
            &ok.key.id,
            &KeyUpdate {
                permissions: Some(vec!["album.read".into()]),
                ..KeyUpdate::default()
            },
        )
        .unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Permission,
        "2.5+ also checks updates: {e}"
    );
    // A route the key has no permission for: 403 Missing required permission.
    let e = s.delete(&ok.key.id, None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Permission);
    assert_eq!(
        e.server_message.as_deref(),
        Some("Missing required permission: apiKey.delete")
    );
}

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    let sb = Sandbox::start(&["--kind", "immich"]);
    let s = sb.session("immich");
    s.server_info().unwrap(); // the version is asked once; later checks use it
    sb.clear_requests("immich");
    let e = s.create(&new_key("x", &["asset.fly"])).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert!(
        e.message.starts_with("permissions:") && e.message.contains("asset.fly"),
        "{e}"
    );
    let e = s.create(&new_key("  ", &["all"])).unwrap_err();
    assert_eq!(e.message, "name: must not be empty");
    let e = s
        .create(&NewKey {
            name: "x".into(),
            role_ids: Some(vec![1]),
            ..NewKey::default()
        })
        .unwrap_err();
    assert!(e.message.starts_with("roleIds:"), "{e}");
    let e = s.get("not-a-guid").unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::InvalidArgument, "id: 'not-a-guid' is not a GUID")
    );
    let e = s
        .update(
            "11111111-1111-4111-8111-111111111111",
            &KeyUpdate::default(),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    let e = s
        .update(
            "11111111-1111-4111-8111-111111111111",
            &KeyUpdate {
                enabled: Some(false),
                ..KeyUpdate::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(
        sb.requests("immich").is_empty(),
        "nothing sent: {:?}",
        sb.requests("immich")
    );
}

#[test]
fn wildcard_filters_match_like_powershell() {
    let sb = Sandbox::start(&["--kind", "immich"]);
    let s = sb.session("immich");
    let tag = unique("wc");
    for n in ["alpha-1", "alpha-2", "beta"] {
        s.create(&new_key(&format!("{tag}-{n}"), &["all"])).unwrap();
    }
    let f = |p: String| {
        s.list(&KeyFilter {
            name: Some(p),
            ..KeyFilter::default()
        })
        .unwrap()
        .len()
    };
    assert_eq!(f(format!("{tag}-alpha*")), 2);
    assert_eq!(f(format!("{}-?ETA", tag.to_uppercase())), 1);
    assert_eq!(f(format!("{tag}-[ab]*")), 3);
    assert_eq!(f(format!("{tag}-alpha-[2-9]")), 1);
    assert_eq!(f("nothing-like-this*".into()), 0);
}

#[test]
fn idempotent_calls_retry_on_429_and_503_but_create_is_sent_once() {
    let sb = Sandbox::start(&["--kind", "immich"]);
    let s = sb.session("immich");
    let id = s
        .create(&new_key(&unique("retry"), &["all"]))
        .unwrap()
        .key
        .id;

    sb.clear_requests("immich");
    sb.faults("immich", json!({"status503": 2, "match": "/api/api-keys"}));
    assert_eq!(s.get(&id).unwrap().id, id);
    let statuses: Vec<_> = sb
        .requests("immich")
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![503, 503, 200]);

    sb.faults(
        "immich",
        json!({"status429": 1, "retryAfterSeconds": 1, "match": "/api/api-keys"}),
    );
    let started = std::time::Instant::now();
    assert!(!s.list(&KeyFilter::default()).unwrap().is_empty());
    assert!(started.elapsed().as_millis() >= 900, "Retry-After honoured");

    let before = sb.key_count("immich");
    sb.faults("immich", json!({"status503": 1, "match": "/api/api-keys"}));
    let e = s.create(&new_key(&unique("once"), &["all"])).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server);
    assert_eq!(e.http_status, Some(503));
    assert_eq!(
        sb.key_count("immich"),
        before,
        "no key made, none duplicated"
    );
    sb.clear_faults("immich");

    sb.faults("immich", json!({"status503": 10, "match": "/api/api-keys"}));
    let e = s.get(&id).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server, "budget exhausted: {e}");
    sb.clear_faults("immich");
    assert_eq!(s.get(&id).unwrap().id, id, "session still usable");
}

#[test]
fn rotate_replaces_the_key_and_never_loses_the_new_secret() {
    let sb = Sandbox::start(&["--kind", "immich"]);
    let s = sb.session("immich");
    let name = unique("rot");
    let old = s
        .create(&new_key(&name, &["asset.read", "album.read"]))
        .unwrap();
    let rotated = s.rotate(&old.key.id).unwrap();
    assert_ne!(rotated.secret.expose(), old.secret.expose());
    assert_eq!(rotated.key.name, name);
    assert_eq!(rotated.key.permissions, old.key.permissions);
    assert_eq!(rotated.replaced_id.as_deref(), Some(old.key.id.as_str()));
    assert!(rotated.warning.is_none());
    assert_eq!(s.get(&old.key.id).unwrap_err().kind, ErrorKind::NotFound);

    // The delete of the old key fails: the new key and its secret still come back.
    sb.faults("immich", json!({"status503": 20, "method": "DELETE"}));
    let again = s.rotate(&rotated.key.id).unwrap();
    sb.clear_faults("immich");
    assert!(
        again
            .warning
            .as_deref()
            .unwrap()
            .contains("could not be deleted"),
        "{:?}",
        again.warning
    );
    assert!(!again.secret.expose().is_empty());
    assert_eq!(s.get(&again.key.id).unwrap().name, name);
    assert_eq!(
        s.get(&rotated.key.id).unwrap().id,
        rotated.key.id,
        "old key left in place"
    );
}

#[test]
fn whoami_server_info_and_catalog_follow_the_version() {
    let sb = Sandbox::start(&["--kind", "immich", "--immich-version", "2.x"]);
    let s = sb.session("immich");
    let who = s.whoami().unwrap();
    assert_eq!(
        who.key.unwrap().id,
        sb.immich()["apiKeyId"].as_str().unwrap()
    );
    assert_eq!(s.server_info().unwrap().version, "2.7.5");
    assert_eq!(s.catalog().unwrap().permissions.unwrap().len(), 156);

    let old = Sandbox::start(&["--kind", "immich", "--immich-version", "1.x"]);
    let s = old.session("immich");
    let e = s.whoami().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.message.contains("1.139"), "{e}");
    assert_eq!(s.catalog().unwrap().permissions.unwrap().len(), 84);
    assert!(s
        .catalog()
        .unwrap()
        .permissions
        .unwrap()
        .contains(&"album.addAsset".to_string()));
}

#[test]
fn version_3_errors_and_patch_updates() {
    let sb = Sandbox::start(&["--kind", "immich", "--immich-version", "3.x"]);
    let s = sb.session("immich");
    let e = s.get("11111111-1111-4111-8111-111111111111").unwrap_err();
    assert_eq!(
        (e.kind, e.server_message.as_deref()),
        (ErrorKind::NotFound, Some("API Key not found"))
    );
    let k = s.create(&new_key(&unique("v3"), &["all"])).unwrap();
    sb.clear_requests("immich");
    s.update(
        &k.key.id,
        &KeyUpdate {
            name: Some("renamed".into()),
            ..KeyUpdate::default()
        },
    )
    .unwrap();
    assert!(
        sb.requests("immich").iter().any(|r| r["method"] == "PATCH"),
        "3.x uses PATCH, not the deprecated PUT"
    );
    assert_eq!(s.catalog().unwrap().permissions.unwrap().len(), 155);
}

#[test]
fn password_login_uses_a_bearer_session_and_logs_out_on_close() {
    let sb = Sandbox::start(&["--kind", "immich"]);
    let cfg = json!({"kind":"immich","baseUrl":sb.url("immich"),
        "email": sb.immich()["email"], "password": sb.immich()["password"]});
    let s = Session::from_json(&cfg.to_string()).unwrap();
    assert!(!s.list(&KeyFilter::default()).unwrap().is_empty());
    let created = s.create(&new_key(&unique("pw"), &["all"])).unwrap();
    assert!(!created.secret.expose().is_empty());
    drop(s);
    assert!(sb
        .requests("immich")
        .iter()
        .any(|r| r["path"] == "/api/auth/logout" && r["status"] == 200));

    let bad = json!({"kind":"immich","baseUrl":sb.url("immich"),"email":"admin@immich.local","password":"wrong"});
    let e = Session::from_json(&bad.to_string()).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Authentication);
    assert_eq!(
        e.server_message.as_deref(),
        Some("Incorrect email or password")
    );
}

#[test]
fn bad_credentials_and_auto_detection() {
    let sb = Sandbox::start(&["--kind", "immich"]);
    let cfg = json!({"kind":"immich","baseUrl":sb.url("immich"),"apiKey":"not-a-real-key"});
    let e = Session::from_json(&cfg.to_string())
        .unwrap()
        .list(&KeyFilter::default())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Authentication);
    assert_eq!(e.server_message.as_deref(), Some("Invalid API key"));

    let auto = json!({"kind":"auto","baseUrl":sb.url("immich"),"apiKey":sb.key("immich")});
    assert_eq!(
        Session::from_json(&auto.to_string()).unwrap().kind(),
        apikeys::ServerKind::Immich
    );
}

#[test]
fn transport_faults_map_to_clear_kinds() {
    let sb = Sandbox::start(&["--kind", "immich"]);
    let s = sb.session("immich");
    let id = s.create(&new_key(&unique("tf"), &["all"])).unwrap().key.id;
    sb.faults(
        "immich",
        json!({"dropMidBody": 1, "match": "/api/api-keys"}),
    );
    assert_eq!(s.get(&id).unwrap().id, id, "a dropped GET is retried");
    sb.faults(
        "immich",
        json!({"malformedJson": 1, "match": "/api/api-keys"}),
    );
    let e = s.get(&id).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    sb.faults("immich", json!({"htmlError": 5, "match": "/api/api-keys"}));
    let e = s.get(&id).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server, "{e}");
    assert!(e.message.contains("HTML"), "{e}");
    sb.clear_faults("immich");

    let refused = json!({"kind":"immich","baseUrl":"http://127.0.0.1:9","apiKey":"k","retries":0});
    let e = Session::from_json(&refused.to_string())
        .unwrap()
        .list(&KeyFilter::default())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport);
    assert!(!e.message.contains("\"k\""));
}
