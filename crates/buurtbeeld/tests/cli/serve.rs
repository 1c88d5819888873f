//! `buurtbeeld serve` as a user starts it: the real binary on a free port.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::Workspace;

/// A running server, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) address: String,
}

impl Server {
    pub(crate) fn start(w: &Workspace) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("buurtbeeld"))
            .arg("--data-dir")
            .arg(w.data_dir())
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = loop {
            let line = lines.next().expect("server printed its address").unwrap();
            if let Some(rest) = line.split("http://").nth(1) {
                break rest.split('/').next().unwrap().to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, address }
    }

    /// A handle on a server another test thread started (nothing to stop when dropped).
    pub(crate) fn attach(address: String) -> Attached {
        Attached { address }
    }

    /// GET over a plain HTTP/1.1 connection: (status, body).
    pub(crate) fn get(&self, path: &str) -> (u16, String) {
        get(&self.address, path)
    }
}

/// GET over a plain HTTP/1.1 connection: (status, body).
fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1).unwrap().parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_owned());
    (status, body)
}

/// A running server reached from another thread.
pub(crate) struct Attached {
    address: String,
}

impl Attached {
    pub(crate) fn get(&self, path: &str) -> (u16, String) {
        get(&self.address, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_answers_every_page_and_resource_and_sees_imports_without_restart() {
    let w = Workspace::new();
    let server = Server::start(&w);
    for path in [
        "/",
        "/?gemeente=GM1581",
        "/?gemeente=GM0014&thema=fietsdiefstal&jaar=2014&maat=per1000",
        "/gegevens",
        "/thema/fietsdiefstal?gemeente=GM0014",
        "/thema/totaal?gemeente=GM1581",
        "/gebied/GM0014?jaar=2015",
        "/gebied/WK001400",
        "/gebied/BU00140000",
        "/api/v1/openapi.json",
        "/api/v1/areas",
        "/api/v1/areas?parent=GM0014",
        "/api/v1/areas/BU00140000",
        "/api/v1/themes",
        "/api/v1/categories",
        "/api/v1/imports",
        "/api/v1/picture?area=GM0014&theme=fietsdiefstal&year=2015",
        "/actie",
        "/actie?gemeente=GM0014&thema=fietsdiefstal&jaar=2016&maand=3&niveau=wijk&buren=rook&maat=per1000",
        "/api/v1/hotspots?area=GM0014&theme=fietsdiefstal&period=2015",
        "/api/v1/hotspots?area=GM0014&theme=fietsdiefstal&period=2015-06&format=csv",
        "/api/v1/hotspots?area=GM0014&theme=fietsdiefstal&period=2015&format=geojson",
        "/vooruitblik",
        "/vooruitblik?gemeente=GM0014&thema=fietsdiefstal&gebied=BU00140001",
        "/api/v1/forecasts?area=GM0014&level=buurt&theme=fietsdiefstal&from=2016-07&horizon=3",
        "/api/v1/backtests?area=GM0014&theme=fietsdiefstal&from=2016-07",
    ] {
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "{path}: {body}");
    }

    // Import while a client keeps asking: no request fails, and the new import shows up.
    let imports_before = server.get("/api/v1/imports").1.matches("\"id\"").count();
    let file = w.write(
        "47018NED.csv",
        b"SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n\
          0.0.0;GM1581;2022JJ00;1450\n0.0.0;GM1581;2023JJ00;1402\n",
    );
    let importer = std::thread::spawn({
        let data_dir = w.data_dir();
        move || {
            Command::new(assert_cmd::cargo::cargo_bin("buurtbeeld"))
                .arg("--data-dir")
                .arg(data_dir)
                .arg("import")
                .arg(file)
                .output()
                .unwrap()
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut requests = 0;
    while !importer.is_finished() && Instant::now() < deadline {
        let (status, _) = server.get("/?gemeente=GM1581");
        assert_eq!(status, 200, "a request failed during the import");
        requests += 1;
    }
    assert!(importer.join().unwrap().status.success());
    let imports_after = server.get("/api/v1/imports").1.matches("\"id\"").count();
    assert_eq!(
        imports_after,
        imports_before + 1,
        "the import is visible without a restart"
    );
    println!("{requests} requests answered during the import");
}

#[cfg(unix)]
#[test]
fn serve_stops_gracefully_on_sigterm() {
    let w = Workspace::new();
    let mut server = Server::start(&w);
    assert_eq!(server.get("/gegevens").0, 200);
    let pid = rustix::process::Pid::from_raw(server.child.id() as i32).expect("a child's pid");
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("SIGTERM sent");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit after SIGTERM: {status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not stop within 10 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `backup` while the server answers a stream of requests, then `restore` into an empty data
/// directory: the restored store dumps exactly as the original, plus the audit line of the
/// restore itself. (bench/backup_under_load.sh does the same under a wrk load.)
#[test]
fn a_backup_taken_while_serving_restores_to_the_same_store() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::Arc;

    let w = Workspace::new();
    w.import(&[
        &crate::harness::data("cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson"),
        &crate::harness::data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"),
        &crate::harness::data(
            "groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv",
        ),
    ]);
    w.ok(&["user", "add", "beheer@gemeente.nl", "--role", "beheerder"]);
    let server = Server::start(&w);
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicU64::new(0));
    let load: Vec<_> = (0..4)
        .map(|i| {
            let (stop, answered) = (Arc::clone(&stop), Arc::clone(&answered));
            let address = server.address.clone();
            std::thread::spawn(move || {
                let server = Server::attach(address);
                let paths = ["/", "/thema/fietsdiefstal?gemeente=GM0014", "/api/v1/areas"];
                while !stop.load(Ordering::Relaxed) {
                    let (status, _) = server.get(paths[i % paths.len()]);
                    assert_eq!(status, 200);
                    answered.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let backup = w.dir.path().join("backup.sqlite");
    w.ok(&["backup", backup.to_str().unwrap()]);
    let during = answered.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    for thread in load {
        thread.join().unwrap();
    }
    assert!(during > 0, "the load ran while the backup was taken");
    let original = w.dump();
    let restored = Workspace::new();
    restored.ok(&["restore", backup.to_str().unwrap()]);
    let dump = restored.dump();
    let is_restore_line =
        |line: &&str| line.starts_with("audit_log\t") && line.contains("\"herstel\"");
    let (restore, rest): (Vec<&str>, Vec<&str>) = dump.lines().partition(is_restore_line);
    assert_eq!(restore.len(), 1, "the restore is in the audit log");
    assert_eq!(rest, original.lines().collect::<Vec<_>>());
}
