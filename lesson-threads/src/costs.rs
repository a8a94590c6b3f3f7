//! 文档「线程池」为什么要用池：线程的创建和销毁有开销，池里的线程可以复用。
//!
//! 这里只量不判：同样几千个空任务，每个任务开一个线程 vs 交给线程池（`pool` 例子里的
//! [`ThreadPool`]），打印每个任务花了多少微秒 (µs)。数字取决于机器和构建方式，
//! 请用 `cargo run --release -p lesson-threads -- costs` 来量。

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use shared::chart::display_width;

use crate::pool::ThreadPool;

/// 每种方式跑多少个任务。
const JOBS: u32 = 3000;

/// 一个空任务：只算一下，`black_box` 防止它被优化掉。
fn job(i: u32) -> u32 {
    black_box(i).wrapping_mul(3)
}

/// 一个接一个地做 `JOBS` 个任务，每个单独计时：返回 (中位数, 平均)。
fn one_by_one(mut f: impl FnMut(u32) -> u32) -> (Option<Duration>, Duration) {
    let mut times: Vec<_> = (0..JOBS)
        .map(|i| {
            let t = Instant::now();
            black_box(f(i));
            t.elapsed()
        })
        .collect();
    times.sort();
    let mean = times.iter().sum::<Duration>() / JOBS;
    (Some(times[times.len() / 2]), mean)
}

/// 整批计时，平均到每个任务（没有中位数）。
fn all_at_once(f: impl FnOnce() -> Result<(), Box<dyn std::error::Error>>) -> Result<(Option<Duration>, Duration), Box<dyn std::error::Error>> {
    let t = Instant::now();
    f()?;
    Ok((None, t.elapsed() / JOBS))
}

/// 量四种做法，打印一张表。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pool = ThreadPool::new(4)?;
    let done = "空任务不会 panic";
    let rows = [
        (
            "每个任务一个线程：逐个 spawn + join",
            one_by_one(|i| thread::spawn(move || job(i)).join().expect(done)),
        ),
        (
            "交给 4 线程的池：逐个 submit + result",
            one_by_one(|i| pool.submit(move || job(i)).result().expect(done)),
        ),
        (
            "每个任务一个线程：全部 spawn 再 join",
            all_at_once(|| {
                let threads = (0..JOBS)
                    .map(|i| thread::Builder::new().spawn(move || job(i)))
                    .collect::<Result<Vec<_>, _>>()?;
                for t in threads {
                    black_box(t.join().expect(done));
                }
                Ok(())
            })?,
        ),
        (
            "交给 4 线程的池：全部 submit 再取结果",
            all_at_once(|| {
                let handles: Vec<_> = (0..JOBS).map(|i| pool.submit(move || job(i))).collect();
                for h in handles {
                    black_box(h.result().expect(done));
                }
                Ok(())
            })?,
        ),
    ];

    let build = if cfg!(debug_assertions) {
        "debug 构建，加 --release 量得更准"
    } else {
        "release 构建"
    };
    println!("每个任务的开销 (per-job cost)，每种做法 {JOBS} 个空任务（{build}）：");
    let width = rows.iter().map(|r| display_width(r.0)).max().unwrap_or(0);
    let line = |what: &str, median: &str, mean: &str| {
        println!(
            "{}  {}  {}",
            left(what, width),
            right(median, 10),
            right(mean, 10)
        );
    };
    line("做法", "中位数", "平均");
    for (what, (median, mean)) in rows {
        line(what, &median.map_or("-".into(), micros), &micros(mean));
    }
    Ok(())
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// 按终端列宽（汉字占两列）补空格：`left` 左对齐，`right` 右对齐。
fn left(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(display_width(s))))
}

fn right(s: &str, width: usize) -> String {
    format!("{}{s}", " ".repeat(width.saturating_sub(display_width(s))))
}
