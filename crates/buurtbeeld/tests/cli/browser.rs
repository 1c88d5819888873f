//! The pages in a real browser (headless Chromium): they render their map and charts, log
//! nothing to the console, and a screenshot of each is kept in `target/screenshots/`.
//!
//! Needs `chromium` (`.ci/run` installs it). Without it the test says so and passes, except in
//! CI (`CI` set), where a missing browser is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::Workspace;
use crate::serve::Server;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let output = Command::new("which").arg(name).output().ok()?;
            output
                .status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
        })
}

/// Runs headless Chromium with the flags this machine needs; returns (stdout, stderr).
fn headless(browser: &Path, profile: &Path, args: &[&str]) -> (String, String) {
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn pages_render_in_a_browser_without_console_messages() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium (.ci/run installs it)"
        );
        println!("chromium not installed: browser test skipped");
        return;
    };
    let w = Workspace::new();
    let server = Server::start(&w);
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (name, path, must_show) in [
        ("overview", "/", vec!["<svg", "Veiligheidsbeeld Groningen"]),
        (
            "theme",
            "/thema/fietsdiefstal?gemeente=GM0014",
            vec!["<svg", "Gemiddelde over 12 maanden"],
        ),
        (
            "area",
            "/gebied/WK001400?jaar=2015",
            vec!["<svg", "Gemeente per 1.000"],
        ),
        (
            "action",
            "/actie",
            vec![
                "<svg",
                "Waar is actie nodig? Groningen",
                "Opvallende buurten",
            ],
        ),
        (
            "outlook",
            "/vooruitblik",
            vec!["<svg", "Vooruitblik Groningen", "bb-band"],
        ),
        (
            "data",
            "/gegevens",
            vec!["Importlogboek", "Bron: CBS/Politie"],
        ),
    ] {
        let url = format!("http://{}{path}", server.address);
        let profile = w.dir.path().join(format!("chromium-{name}"));
        let (dom, log) = headless(&browser, &profile, &["--dump-dom", &url]);
        for expected in must_show {
            assert!(
                dom.contains(expected),
                "{name}: the rendered page lacks {expected:?}"
            );
        }
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(console.is_empty(), "{name}: console messages: {console:#?}");
        let shot = shots.join(format!("{name}.png"));
        headless(
            &browser,
            &profile,
            &[
                "--window-size=1280,1800",
                &format!("--screenshot={}", shot.display()),
                &url,
            ],
        );
        let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
        assert!(size > 10_000, "{name}: no screenshot at {}", shot.display());
    }
}
