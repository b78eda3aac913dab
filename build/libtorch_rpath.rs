// Shared build script for every package whose binaries or tests link libtorch (through tch).
// It bakes libtorch's lib directory into the executables' rpath, so `claimex` and `cargo test`
// run without anyone exporting LD_LIBRARY_PATH. LIBTORCH is set by .cargo/config.toml.
fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    match std::env::var("LIBTORCH") {
        Ok(dir) => println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}/lib"),
        Err(_) => println!(
            "cargo:warning=LIBTORCH is not set: run `make` from the repository root (or scripts/setup.sh) so .cargo/config.toml applies"
        ),
    }
}
