//! 文档「线程池」为什么要用池：线程的创建和销毁有开销，池里的线程可以复用。
//!
//! 这里量一量，不下结论：同样几千个空任务，每个任务开一个线程 vs 交给线程池
//! （本课程 `pool` 例子里的 [`ThreadPool`]），打印每个任务花了多少微秒 (µs)。
//! 数字取决于机器和构建方式，请用 `cargo run --release -p lesson-threads -- costs` 量。

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use shared::timeline::display_width;

use crate::pool::ThreadPool;

/// 每种方式跑多少个任务。
const JOBS: u32 = 3000;

/// 一个空任务：只算一下，防止被优化掉。
fn job(i: u32) -> u32 {
    black_box(i).wrapping_mul(3)
}

/// 逐个计时 `n` 次，返回每次的耗时。
fn each(n: u32, mut f: impl FnMut(u32)) -> Vec<Duration> {
    (0..n)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed()
        })
        .collect()
}

/// 运行四种方式，打印一张表。
pub fn run() -> shared::Result {
    let n = JOBS;
    let pool = ThreadPool::new(4)?;
    let mut rows = Vec::new();

    let times = each(n, |i| {
        black_box(
            thread::spawn(move || job(i))
                .join()
                .expect("空任务不会 panic"),
        );
    });
    rows.push((
        "每个任务一个线程，逐个 spawn+join",
        Some(median(times.clone())),
        mean(&times),
    ));
    let times = each(n, |i| {
        black_box(
            pool.submit(move || job(i))
                .result()
                .expect("空任务不会 panic"),
        );
    });
    rows.push((
        "4 线程的池，逐个 submit+result",
        Some(median(times.clone())),
        mean(&times),
    ));

    let t = Instant::now();
    let threads = (0..n)
        .map(|i| thread::Builder::new().spawn(move || job(i)))
        .collect::<Result<Vec<_>, _>>()?;
    for thread in threads {
        black_box(thread.join().expect("空任务不会 panic"));
    }
    rows.push((
        "每个任务一个线程，全部 spawn 再 join",
        None,
        t.elapsed() / n,
    ));
    let t = Instant::now();
    let handles: Vec<_> = (0..n).map(|i| pool.submit(move || job(i))).collect();
    for handle in handles {
        black_box(handle.result().expect("空任务不会 panic"));
    }
    rows.push(("4 线程的池，全部 submit 再取结果", None, t.elapsed() / n));

    let build = if cfg!(debug_assertions) {
        "debug 构建，加 --release 量得更准"
    } else {
        "release 构建"
    };
    println!("每个任务的开销 (per-job cost)，每种方式 {n} 个空任务（{build}）：");
    let width = rows.iter().map(|r| display_width(r.0)).max().unwrap_or(0);
    println!("{}  {:>10}  {:>10}", pad("方式", width), "中位数", "平均");
    for (what, median, mean) in rows {
        let median = median.map_or("-".into(), micros);
        println!("{}  {median:>10}  {:>10}", pad(what, width), micros(mean));
    }
    Ok(())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn mean(times: &[Duration]) -> Duration {
    times.iter().sum::<Duration>() / times.len() as u32
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// 补空格到 `width` 列（汉字占两列）。
fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(display_width(s))))
}
