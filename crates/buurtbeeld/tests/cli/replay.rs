//! A replay server for `buurtbeeld fetch`: serves recorded CBS and PDOK responses from
//! `tests/fixtures/fetch/` (its `index.tsv` maps a request target to a body file), logs every
//! request, and fails on request when a test asks (a 503, or a connection dropped halfway
//! through a body).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::harness::fixture;

/// A failure the server answers with instead of the recorded response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `503 Service Unavailable` with `Retry-After: 0`.
    Unavailable,
    /// The headers and half of the body, then the connection is closed.
    DropMidBody,
}

/// Fail `times` requests whose target contains `matching`, after letting `pass` of them through.
#[derive(Debug, Clone)]
struct Injection {
    matching: String,
    pass: usize,
    times: usize,
    fault: Fault,
}

#[derive(Debug, Default)]
struct Shared {
    log: Vec<String>,
    injections: Vec<Injection>,
}

/// The server, on a loopback port of its own; it stops with the test process.
pub struct Replay {
    pub base: String,
    shared: Arc<Mutex<Shared>>,
}

impl Replay {
    pub fn start() -> Replay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base = format!("http://{}/", listener.local_addr().unwrap());
        let responses = recorded();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let (thread_shared, thread_base) = (shared.clone(), base.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                serve(stream, &responses, &thread_shared, &thread_base);
            }
        });
        Replay { base, shared }
    }

    /// Every request target so far, percent-decoded, in order.
    pub fn log(&self) -> Vec<String> {
        self.shared.lock().unwrap().log.clone()
    }

    pub fn clear_log(&self) {
        self.shared.lock().unwrap().log.clear();
    }

    /// The next `times` requests containing `matching` fail with `fault`, after `pass` of them
    /// are answered normally.
    pub fn fail(&self, matching: &str, pass: usize, times: usize, fault: Fault) {
        self.shared.lock().unwrap().injections.push(Injection {
            matching: matching.to_owned(),
            pass,
            times,
            fault,
        });
    }
}

/// `index.tsv`: request target → body file.
fn recorded() -> BTreeMap<String, PathBuf> {
    let index = std::fs::read_to_string(fixture("fetch/index.tsv")).expect("index.tsv");
    index
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (target, file) = line.split_once('\t').expect("target<TAB>file");
            (target.to_owned(), fixture(&format!("fetch/{file}")))
        })
        .collect()
}

fn decode(target: &str) -> String {
    percent_encoding::percent_decode_str(target)
        .decode_utf8_lossy()
        .into_owned()
}

fn serve(
    mut stream: TcpStream,
    responses: &BTreeMap<String, PathBuf>,
    shared: &Mutex<Shared>,
    base: &str,
) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => {}
        }
    }
    let target = decode(request_line.split_whitespace().nth(1).unwrap_or(""));
    let fault = {
        let mut shared = shared.lock().unwrap();
        shared.log.push(target.clone());
        let mut fault = None;
        for injection in shared.injections.iter_mut() {
            if !target.contains(&injection.matching) || injection.times == 0 {
                continue;
            }
            if injection.pass > 0 {
                injection.pass -= 1;
            } else {
                injection.times -= 1;
                fault = Some(injection.fault);
            }
            break;
        }
        fault
    };
    let Some(file) = responses.get(&target) else {
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    if fault == Some(Fault::Unavailable) {
        let _ = stream.write_all(
            b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 0\r\n\
              Connection: close\r\n\r\n",
        );
        return;
    }
    let body = std::fs::read_to_string(file)
        .expect("fixture body")
        .replace("{{base}}", base);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let sent = if fault == Some(Fault::DropMidBody) {
        &body.as_bytes()[..body.len() / 2]
    } else {
        body.as_bytes()
    };
    let _ = stream.write_all(sent);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}
