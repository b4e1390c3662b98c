//! The `hyperspatial` binary: `query`, `shell` and `serve` as a user runs them.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_hyperspatial");

fn run<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn query_against_the_embedded_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("db");
    let data = data.to_str().unwrap();
    let base = ["query", "--data", data, "--embedder", "hashing"];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| s.to_string()).collect()
    };

    let o = run(
        &with(&[
            "--format",
            "csv",
            "INSERT INTO users (id, name, age) VALUES ('u1', 'Ada', 36), ('u2', 'Bob', 17); SELECT name, age FROM users ORDER BY name",
        ]),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "affected\n2\n\nname,age\nAda,36\nBob,17\n");

    // A .hql file, JSON output and a parameter.
    let file = dir.path().join("adults.hql");
    std::fs::write(&file, "SELECT name FROM users\nWHERE age >= $min;\n").unwrap();
    let o = run(
        &with(&["--format", "json", "-p", "min=18", file.to_str().unwrap()]),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["rows"], serde_json::json!([["Ada"]]));

    // Standard input and the table format.
    let o = run(&with(&["-"]), Some("SELECT COUNT(*) AS n FROM users"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("(1 row)"), "{}", stdout(&o));

    // Errors: a message and exit code 1, no panic.
    let o = run(&with(&["SELEC 1"]), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("syntax"), "{}", stderr(&o));
    let o = run(&with(&["missing.hql"]), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing.hql"), "{}", stderr(&o));
    let o = run(&with(&["-p", "oops", "SELECT 1"]), None);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn shell_reads_multi_line_statements() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("db");
    let history = dir.path().join("history");
    let o = run(
        &[
            "shell",
            "--data",
            data.to_str().unwrap(),
            "--embedder",
            "hashing",
            "--history",
            history.to_str().unwrap(),
        ],
        Some(
            "INSERT INTO t (x) VALUES (41), (42);\nSELECT x\nFROM t\nWHERE x > 41;\n\\format csv\nSELECT COUNT(*) AS n FROM t;\nSELEC oops;\n\\q\nSELECT 'never';\n",
        ),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("affected: 2"), "{out}");
    assert!(out.contains("42") && out.contains("(1 row)"), "{out}");
    assert!(out.contains("n\n2\n"), "{out}");
    assert!(!out.contains("never"), "{out}");
    assert!(stderr(&o).contains("syntax"), "{}", stderr(&o));
    let h = std::fs::read_to_string(&history).unwrap();
    assert!(h.contains("\\format csv"), "{h}");
}

/// A server process that is killed if the test fails before stopping it.
pub(crate) struct ServeProcess(pub(crate) std::process::Child);

impl Drop for ServeProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Starts `serve` on a free port; returns the process, its address and its log.
pub(crate) fn serve(
    data: &str,
    token: &str,
) -> (ServeProcess, String, std::thread::JoinHandle<String>) {
    let child = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data",
            data,
            "--embedder",
            "hashing",
            "--token",
            token,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = ServeProcess(child);
    let mut lines = BufReader::new(child.0.stderr.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = String::new();
    let addr = loop {
        assert!(Instant::now() < deadline, "no address in {seen}");
        let line = lines.next().expect("serve exited early").unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split([';', ' ']).next().unwrap().to_string();
        }
    };
    // Keep draining the log so the server never blocks on it.
    let rest = std::thread::spawn(move || {
        let mut all = seen;
        for l in lines.map_while(Result::ok) {
            all.push_str(&l);
            all.push('\n');
        }
        all
    });
    (child, addr, rest)
}

#[test]
fn serve_then_query_over_url_then_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("db");
    let data = data.to_str().unwrap();
    let (mut child, addr, log) = serve(data, "abc");
    let url = format!("http://{addr}");

    let o = run(
        &[
            "query",
            "--url",
            &url,
            "--token",
            "abc",
            "--format",
            "json",
            "INSERT INTO notes (text) VALUES ('kept'); SELECT text FROM notes",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[1]["rows"], serde_json::json!([["kept"]]), "{v}");

    let o = run(
        &["query", "--url", &url, "--token", "nope", "SELECT 1"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("401"), "{}", stderr(&o));
    let o = run(
        &[
            "query",
            "--url",
            &url,
            "--token",
            "abc",
            "SELECT * FROM nowhere",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("404"), "{}", stderr(&o));

    // The shell against the server.
    let o = run(
        &[
            "shell",
            "--url",
            &url,
            "--token",
            "abc",
            "--history",
            dir.path().join("h").to_str().unwrap(),
        ],
        Some("\\collections\nSELECT text\n FROM notes;\n"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("notes") && stdout(&o).contains("kept"),
        "{}",
        stdout(&o)
    );

    // SIGTERM: graceful shutdown with a checkpoint, exit code 0.
    let killed = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.0.wait().unwrap();
    let log = log.join().unwrap();
    assert!(status.success(), "{status}: {log}");
    assert!(log.contains("embedder: hashing"), "{log}");
    assert!(log.contains("checkpointed"), "{log}");

    // The data is there for the embedded database.
    let o = run(
        &[
            "query",
            "--data",
            data,
            "--embedder",
            "hashing",
            "--format",
            "csv",
            "SELECT text FROM notes",
        ],
        None,
    );
    assert_eq!(stdout(&o), "text\nkept\n", "{}", stderr(&o));
}
