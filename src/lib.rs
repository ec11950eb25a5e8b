//! ApiKeys: manage API keys on self-hosted servers (Immich, JIM, TrueNAS) through one core.
//!
//! Rust callers use [`Session`]; everything else goes through the C ABI in [`ffi`]
//! (`include/apikeys.h`). Layers and rules: ../shared/docs/architecture.md; JSON shapes:
//! docs/interfaces.md.

pub mod backend;
pub mod config;
pub mod error;
pub mod ffi;
pub mod field;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod json;
pub mod model;
pub mod secret;
pub mod session;
pub mod timestamp;
pub mod websocket;
pub mod wildcard;

pub use config::SessionConfig;
pub use error::{Error, ErrorKind, Result};
pub use field::Field;
pub use model::{
    ApiKey, Catalog, CreatedKey, KeyFilter, KeyUpdate, NewKey, Role, ServerInfo, ServerKind, Whoami,
};
pub use secret::Secret;
pub use session::Session;
pub use timestamp::Timestamp;
