//! Build script of claimex-export, and part of build/libtorch_rpath.rs (for the command-line
//! package in crates/cli, whose end-to-end tests are the workspace's tests/ folder).
//!
//! Cargo has no way for a test to skip itself at run time, so a test that needs a service the
//! machine lacks is compiled as ignored instead, carrying
//! `#[cfg_attr(claimex_no_postgres, ignore = "...")]`. `claimex_no_postgres` is set unless
//! CLAIMEX_TEST_SERVICES names `postgres` (the Makefile says so for all its targets, because `make
//! test` runs the tests beside a server of its own), `claimex_no_duckdb` unless it names `duckdb`
//! (`make test` installs DuckDB's command-line tool first); `claimex_no_shared` is set when the `../shared`
//! folder beside the checkout is missing. Under `CI=true` neither is ever set: there a missing
//! service makes its tests fail, naming what is missing. The server's URL
//! (CLAIMEX_TEST_POSTGRES, a new port every time) is read by the tests when they run, never here,
//! so a new port does not recompile anything.

use std::path::Path;

// The entry point when this file is claimex-export's build script; libtorch_rpath.rs calls `emit`.
fn main() {
    emit();
}

/// Prints the `claimex_no_postgres`, `claimex_no_duckdb` and `claimex_no_shared` cfgs (and their
/// check-cfg lines) for the package being built.
pub fn emit() {
    println!("cargo:rustc-check-cfg=cfg(claimex_no_postgres)");
    println!("cargo:rustc-check-cfg=cfg(claimex_no_duckdb)");
    println!("cargo:rustc-check-cfg=cfg(claimex_no_shared)");
    println!("cargo:rerun-if-env-changed=CLAIMEX_TEST_SERVICES");
    println!("cargo:rerun-if-env-changed=CI");

    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let services = std::env::var("CLAIMEX_TEST_SERVICES").unwrap_or_default();
    for (service, cfg) in [
        ("postgres", "claimex_no_postgres"),
        ("duckdb", "claimex_no_duckdb"),
    ] {
        if !ci && !services.split(',').any(|s| s.trim() == service) {
            println!("cargo:rustc-cfg={cfg}");
        }
    }

    // Every package using this lives in crates/<name>: the workspace root is two levels up.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let shared = Path::new(&manifest_dir).join("../../../shared");
    if shared.is_dir() {
        // Watched only while it exists: cargo reruns a build script whose watched path is missing
        // on every build, and that would recompile the package every time. A `../shared` added
        // later is noticed at the next rerun (a change of CI or CLAIMEX_TEST_SERVICES, or
        // `touch build/test_services.rs`).
        println!("cargo:rerun-if-changed={}", shared.display());
    } else if !ci {
        println!("cargo:rustc-cfg=claimex_no_shared");
    }
}
