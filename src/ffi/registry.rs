//! Session handles: opaque `uint64_t` ids into a map, never raw pointers, so a closed or
//! unknown handle is an error and never a use-after-free.

use crate::error::{Error, Result};
use crate::session::Session;
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

static SESSIONS: Lazy<RwLock<HashMap<u64, Arc<Session>>>> = Lazy::new(Default::default);
/// Handles start at 1 and are never reused, so 0 is never valid.
static NEXT_HANDLE: AtomicU64 = AtomicU64::new(1);

pub fn insert(session: Session) -> u64 {
    let handle = NEXT_HANDLE.fetch_add(1, Ordering::Relaxed);
    SESSIONS
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .insert(handle, Arc::new(session));
    handle
}

/// The session behind a handle. The map's lock is held only for the lookup: calls on one
/// session run in parallel, and a close during a call waits for nothing (the call keeps its
/// `Arc`; the session ends when the last call returns).
pub fn get(handle: u64) -> Result<Arc<Session>> {
    SESSIONS
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .get(&handle)
        .cloned()
        .ok_or_else(|| Error::invalid("session", format!("handle {handle} is closed or unknown")))
}

pub fn remove(handle: u64) -> Result<()> {
    let removed = SESSIONS
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&handle);
    match removed {
        Some(session) => {
            drop(session);
            Ok(())
        }
        None => Err(Error::invalid(
            "session",
            format!("handle {handle} is closed or unknown"),
        )),
    }
}

/// How many sessions are open (for tests of cleanup).
pub fn open_count() -> usize {
    SESSIONS.read().unwrap_or_else(|p| p.into_inner()).len()
}
