// Shared build script for every package whose binaries or tests link libtorch (through tch).
// It bakes libtorch's lib directory into the executables' rpath, so `claimex` and `cargo test`
// run without anyone exporting LD_LIBRARY_PATH. LIBTORCH is set by .cargo/config.toml.
// For the command-line package (crates/cli), whose end-to-end tests in tests/ need PostgreSQL and
// ../shared, it also sets the cfgs that mark those tests ignored when one is missing (see
// test_services.rs).

// The module's own `main` is claimex-export's build script entry point, unused here.
#[allow(dead_code)]
#[path = "test_services.rs"]
mod test_services;

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    match std::env::var("LIBTORCH") {
        Ok(dir) => println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}/lib"),
        Err(_) => println!(
            "cargo:warning=LIBTORCH is not set: run `make` from the repository root (or scripts/setup.sh) so .cargo/config.toml applies"
        ),
    }
    // Only for crates/cli: the other packages using this script have no such tests.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    if std::path::Path::new(&manifest_dir).ends_with("crates/cli") {
        test_services::emit();
    }
}
