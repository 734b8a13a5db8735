//! Database connections over TCP send each request at once: the driver
//! leaves Nagle's algorithm on, and `store::db::connect` turns it off.
#![cfg(target_os = "linux")]

use sea_orm::ConnectionTrait;

/// The TCP sockets of this process that are connected to a peer, with
/// whether TCP_NODELAY is set on each.
fn connected_tcp_sockets() -> Vec<(libc::c_int, bool)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc/self/fd").expect("descriptor list").flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse::<libc::c_int>().ok()) else { continue };
        if !std::fs::read_link(entry.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:")) {
            continue;
        }
        let mut addr: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let mut addr_len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: getpeername writes at most `addr_len` bytes into `addr`.
        let connected =
            unsafe { libc::getpeername(fd, (&mut addr as *mut libc::sockaddr_storage).cast(), &mut addr_len) } == 0;
        let inet = matches!(i32::from(addr.ss_family), libc::AF_INET | libc::AF_INET6);
        if !connected || !inet {
            continue;
        }
        let mut on: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: getsockopt writes at most `len` bytes into `on`.
        let read = unsafe {
            libc::getsockopt(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, (&mut on as *mut libc::c_int).cast(), &mut len)
        };
        if read == 0 {
            out.push((fd, on != 0));
        }
    }
    out
}

#[tokio::test]
async fn postgres_connections_do_not_wait_to_fill_a_segment() {
    let db = testkit::TestDb::new().await.expect("test database");
    if db.backend() != "postgres" {
        // An SQLite file has no socket; the PostgreSQL run checks this.
        assert!(connected_tcp_sockets().is_empty(), "SQLite opens no TCP connection");
        return;
    }
    // Several queries at once, so the pool opens more than its first connection.
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let conn = db.raw().clone();
            tokio::spawn(async move { conn.execute_unprepared("SELECT pg_sleep(0.05)").await })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").expect("query");
    }
    let sockets = connected_tcp_sockets();
    assert!(sockets.len() >= 2, "the pool holds TCP connections to PostgreSQL: {sockets:?}");
    let waiting: Vec<_> = sockets.iter().filter(|(_, on)| !on).collect();
    assert!(waiting.is_empty(), "sockets still under Nagle's algorithm: {waiting:?} of {sockets:?}");
}
