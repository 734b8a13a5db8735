//! Tests that measure time or memory must not share the machine with the
//! rest of the binary's tests. Every [`crate::TestDb`] holds a shared turn
//! while it lives; [`alone`] waits until no other test holds one and keeps
//! new ones waiting, so such a test runs by itself. A test that is alone
//! makes its own databases without waiting on itself.

use std::cell::Cell;
use std::sync::{Arc, LazyLock};
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};

static TURNS: LazyLock<Arc<RwLock<()>>> = LazyLock::new(|| Arc::new(RwLock::new(())));

thread_local! {
    static ALONE: Cell<bool> = const { Cell::new(false) };
}

/// Held by a test that runs by itself; dropping it lets the others go on.
pub struct Alone(#[allow(dead_code)] OwnedRwLockWriteGuard<()>);

impl Drop for Alone {
    fn drop(&mut self) {
        ALONE.with(|a| a.set(false));
    }
}

/// Waits until this test is the only one running, and stays so while the
/// guard lives.
pub async fn alone() -> Alone {
    let guard = TURNS.clone().write_owned().await;
    ALONE.with(|a| a.set(true));
    Alone(guard)
}

/// A shared turn, for a database that lives while other tests run; none for
/// the test that is alone.
pub(crate) async fn shared() -> Option<OwnedRwLockReadGuard<()>> {
    if ALONE.with(Cell::get) {
        return None;
    }
    Some(TURNS.clone().read_owned().await)
}
