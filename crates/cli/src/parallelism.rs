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
