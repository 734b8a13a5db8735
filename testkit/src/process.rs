//! The real server binary in a process of its own: for tests of what
//! crosses processes (live updates, faults, memory) and for the fuzzer.

use std::net::SocketAddr;

/// The real `api` binary serving a database, in a process of its own.
pub struct Process {
    pub addr: SocketAddr,
    child: tokio::process::Child,
}

impl Process {
    /// Starts the server binary `program` on a free port over the database
    /// at `url` (not seeding it), with these environment variables, and
    /// waits until it serves.
    pub async fn start(program: &str, url: &str, env: &[(&str, &str)]) -> Process {
        use tokio::io::AsyncBufReadExt;
        let mut child = tokio::process::Command::new(program)
            .args(["--database-url", url, "--listen", "127.0.0.1:0", "--no-seed"])
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the api binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let addr = tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.expect("read the log") {
                let plain = strip_ansi(&line);
                if let Some(rest) = plain.split("address=").nth(1) {
                    return rest.split_whitespace().next().and_then(|a| a.parse().ok());
                }
            }
            None
        })
        .await
        .expect("the server says where it serves within 30 s")
        .expect("an address in the log");
        // Keep draining the log so the process never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Process { addr, child }
    }

    pub async fn stop(&mut self) {
        let _ = self.child.kill().await;
    }

    /// The process's resident memory in KiB (Linux).
    pub fn rss_kib(&self) -> Option<u64> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
