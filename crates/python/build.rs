// The extension module finds libtorch where the torch 2.4.0 wheel puts it beside the package in
// site-packages (`claimex/../torch/lib`), and in this checkout's .libtorch when built here (the
// lean libtorch that scripts/setup.sh installs; LIBTORCH is set by .cargo/config.toml).
fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    println!("cargo:rustc-link-arg-cdylib=-Wl,-rpath,$ORIGIN/../torch/lib");
    if let Ok(dir) = std::env::var("LIBTORCH") {
        println!("cargo:rustc-link-arg-cdylib=-Wl,-rpath,{dir}/lib");
    }
}
