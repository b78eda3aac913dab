//! The machine's arithmetic ceiling as libtorch sees it: achieved GFLOP/s of a large fp32 matrix
//! product on N threads. The throughput benchmark (`bench/compare.py`) divides the model's useful
//! FLOPs per second by this number.
//!
//!   target/debug/examples/matmul_ceiling [THREADS] [SIZE] [REPEATS]   defaults: 2 2048 10
//!
//! Prints one JSON line: {"threads", "size", "repeats", "best_gflops", "median_gflops"}.

use std::time::Instant;

use tch::{Device, Kind, Tensor};

fn arg(k: usize, default: usize) -> usize {
    match std::env::args().nth(k) {
        None => default,
        Some(s) => s.parse().unwrap_or_else(|_| {
            eprintln!("matmul_ceiling: argument {k} `{s}` is not a whole number");
            std::process::exit(2)
        }),
    }
}

fn main() {
    let threads = arg(1, 2);
    let size = arg(2, 2048);
    let repeats = arg(3, 10).max(1);
    tch::set_num_threads(threads as i32);
    tch::manual_seed(7);
    let _guard = tch::no_grad_guard();
    let opts = (Kind::Float, Device::Cpu);
    let a = Tensor::randn([size as i64, size as i64], opts);
    let b = Tensor::randn([size as i64, size as i64], opts);
    // Warm-up: first calls pay for thread-pool start and page faults.
    for _ in 0..2 {
        let _ = a.matmul(&b);
    }
    let flops = 2.0 * (size as f64).powi(3);
    let mut rates: Vec<f64> = (0..repeats)
        .map(|_| {
            let t = Instant::now();
            let c = a.matmul(&b);
            // Reading one element makes sure the product is finished.
            let _ = c.double_value(&[0, 0]);
            flops / t.elapsed().as_secs_f64() / 1e9
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    let best = rates[rates.len() - 1];
    let median = rates[rates.len() / 2];
    println!(
        "{{\"threads\":{threads},\"size\":{size},\"repeats\":{repeats},\"best_gflops\":{best:.2},\"median_gflops\":{median:.2}}}"
    );
}
