//! The one place that decides how many threads claimex uses, for rayon and for libtorch alike.

/// Sets rayon's global pool and libtorch's intra-op threads to `threads` (default: all cores).
/// Returns the number chosen.
pub fn configure(threads: Option<usize>) -> anyhow::Result<usize> {
    let n = threads
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| anyhow::anyhow!("cannot start {n} worker threads: {e}"))?;
    tch::set_num_threads(n as i32);
    Ok(n)
}

/// Peak resident memory of this process so far, in MiB (Linux `VmHWM`); `None` elsewhere.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
