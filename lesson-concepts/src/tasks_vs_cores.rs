//! 文档「核与任务」里的一句话：当任务数等于核芯数时，效率最高。这里量给你看。
//!
//! 同样多的计算（`--work`，一个核要算的文档秒数）平分给 1、2、…、2×核数 个线程，量总耗时。
//! 线程数不超过核数时，多一个线程就多一个核在算，总耗时按比例变短；超过以后，多出来的
//! 线程只能和别人轮流用同样几个核（时间线上的 `-`：可以运行，在等 CPU），不会再快。
//! "核"指本进程可以用的 CPU（`taskset`、`start /affinity` 限制过的就是限制后的个数）。
//! 量得准的办法：每个线程数量几次取最快的一次；线程只算不等，所以还看它们平均同时在
//! 运行的个数：比没人抢时至少该有的还少两成以上（`shared::work::fair_share`），是别的
//! 线程或程序占着这些 CPU，整张表重量，最多五遍，还是这样就直说机器忙，不下结论。
//! 同样多的计算，每一行一共用掉的 CPU 时间也该差不多；差出一成半以上，或者哪一行比它的
//! CPU 个数还快，是 CPU 这时算得时快时慢，各行的总耗时没法比：同样重量，还是这样也直说。
//! 最后的时间线读 Linux 内核的 `/proc`，别的系统上只说一行画不出来；表在哪个系统上都量得出来。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add clap --features derive
//! ```
//!
//! 试一试 (try this)：`cargo run --release -p lesson-concepts -- tasks-vs-cores --work 3`。

use std::error::Error;
use std::io;
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use shared::chart::{Sampler, render};
use shared::time::at_least;
use shared::work::{cpu_time, got_the_cpus, mouthful, steps_for, usable_cpus};

/// 同样的计算分给 1 到 2×核数 个线程，量总耗时和加速比（请用 --release）。
#[derive(Debug, Parser)]
pub struct Opts {
    /// 总计算量：一个核要算的文档秒数，0.1 到 10（按 LESSON_TIME_SCALE 缩放）
    #[arg(long, default_value_t = 1.0, value_parser = work_secs)]
    pub work: f64,
    /// 最多用几个线程，1 到 64（默认是核数的两倍）
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub max_threads: Option<u32>,
    /// 每个线程数量几次、取最快的一次，1 到 10
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub repeat: u32,
}

/// `--work` 的范围：0.1 到 10。
fn work_secs(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(w) if (0.1..=10.0).contains(&w) => Ok(w),
        _ => Err(format!("{text} 不在 0.1 到 10 之间 (must be 0.1..=10)")),
    }
}

/// 机器忙时最多量几遍。CPU 算同样的活时快时慢：一台 2 核虚拟机上，一个线程单独算时有时
/// 快得多，同样的计算，紧接着两个线程一共用掉的 CPU 时间是它的 1.3 到 1.7 倍；1 个线程
/// 那一行取到这样的一次，各行的 CPU 时间就对不上。那台虚拟机空闲时，最多量三遍的话
/// 46 次里有 8 次遍遍对不上、只好说机器忙；最多量五遍时 30 次都下了结论。
const ATTEMPTS: u32 = 5;
/// 各行一共用掉的 CPU 时间和 1 个线程那一行最多差多少（比例）。
const SAME_CPU: f64 = 0.15;
/// 一张表至少要多少秒真正的计算：再短，线程的启动、机器上偶尔的打扰就盖过了要量的差别。
const MIN_WORK: f64 = 0.2;

pub fn main() -> Result<(), Box<dyn Error>> {
    run(Opts::parse())
}

pub fn run(opts: Opts) -> Result<(), Box<dyn Error>> {
    at_least(MIN_WORK / opts.work); // 时间比例的下限：`--work` 秒的计算至少 MIN_WORK 秒
    let cores = usable_cpus()?; // 本进程可以用的 CPU
    let max = opts.max_threads.map_or(2 * cores, |m| m as usize);
    let total = steps_for(opts.work);
    println!(
        "当任务数等于核芯数时，效率最高：同样 {} 秒的计算分给 1..={max} 个线程，本进程可用 {cores} 个 CPU.",
        opts.work
    );
    // 量一整张表；有一行的线程没分到该有的 CPU 就重量，最多 ATTEMPTS 遍。
    let (mut rows, mut attempt) = (Vec::new(), 0);
    let short = |rows: &[Run]| {
        rows.iter()
            .enumerate()
            .find(|(i, r)| !got_the_cpus(r.cpu, i + 1, r.wall, (i + 1).min(cores)))
            .map(|(i, r)| (i + 1, r.cpu.as_secs_f64() / r.wall.as_secs_f64()))
    };
    // 同样多的计算，每一行一共用掉的 CPU 时间该差不多。差出 SAME_CPU 以上：CPU 这时算同样的
    // 活时快时慢（这台虚拟机上同一张表里见过差 26%），各行的总耗时就不能拿来比。
    let uneven = |rows: &[Run]| {
        let first = rows.first()?.cpu.as_secs_f64();
        rows.iter()
            .enumerate()
            .map(|(i, r)| (i + 1, r.cpu.as_secs_f64() / first))
            .find(|&(_, x)| (x - 1.0).abs() > SAME_CPU)
    };
    // 只算不等的线程，n 个最多快 min(n, 核数) 倍。快得比这还多（这台虚拟机上见过 2 核
    // 2.28×）：是 1 个线程那一行量的时候 CPU 算得慢，整张表的加速比都被它抬高了。
    let too_fast = |rows: &[Run]| {
        let first = rows.first()?.wall.as_secs_f64();
        rows.iter()
            .enumerate()
            .map(|(i, r)| (i + 1, first / r.wall.as_secs_f64()))
            .find(|&(n, s)| s > n.min(cores) as f64 * (1.0 + SAME_CPU / 3.0))
    };
    let doubtful =
        |rows: &[Run]| short(rows).is_some() || uneven(rows).is_some() || too_fast(rows).is_some();
    while attempt < ATTEMPTS && (attempt == 0 || doubtful(&rows)) {
        attempt += 1;
        rows = (1..=max)
            .map(|n| best_of(opts.repeat, total, n))
            .collect::<io::Result<Vec<_>>>()?;
    }
    let speedups: Vec<f64> = rows
        .iter()
        .map(|r| rows[0].wall.as_secs_f64() / r.wall.as_secs_f64())
        .collect();
    let top = speedups.iter().copied().fold(0.0, f64::max);
    println!("线程数  总耗时（{} 次中最快）  加速比", opts.repeat);
    for (n, (row, s)) in rows.iter().zip(&speedups).enumerate() {
        let bar = "█".repeat((s / top * 40.0).round() as usize);
        println!(
            "{:>6}  {:>16.3}秒  {s:>5.2}×  {bar}",
            n + 1,
            row.wall.as_secs_f64()
        );
    }
    if let Some((n, at_once)) = short(&rows) {
        let could = n.min(cores);
        println!(
            "注：机器忙 (busy)：量了 {attempt} 遍，总有一行的线程没分到该有的 CPU（{n} 个线程应有 {could} 个同时在算，只有 {at_once:.2} 个），这张表不下结论."
        );
    } else if let Some((n, x)) = too_fast(&rows) {
        println!(
            "注：机器忙 (busy)：量了 {attempt} 遍，{n} 个线程的加速比 {x:.2}× 比 {} 个 CPU 给得出的还多：1 个线程那一行量的时候 CPU 算得慢，这张表不下结论.",
            n.min(cores)
        );
    } else if let Some((n, x)) = uneven(&rows) {
        println!(
            "注：机器忙 (busy)：量了 {attempt} 遍，同样多的计算，{n} 个线程一共用掉的 CPU 时间总是 1 个线程时的 {x:.2} 倍：CPU 算同样的活时快时慢，各行的总耗时没法比，这张表不下结论."
        );
    } else {
        // 到顶：从这一行起，再加线程，加速比涨不到半个核。
        let knee = speedups.iter().position(|&s| s > top - 0.5).unwrap_or(0);
        println!(
            "结论：线程数到 {} 时加速比就到顶了（{:.2}×），本进程可用 {cores} 个 CPU；再多线程，加速比最多到 {top:.2}×，涨不到半个 CPU.",
            knee + 1,
            speedups[knee]
        );
    }
    // 再做一次，这回画出时间线：线程比核多一个，多出来的那个要排队等 CPU。
    let n = (cores + 1).min(max);
    println!("{n} 个线程分同样的计算，时间线（数字是 CPU 号，- 是在等 CPU）：");
    let sampler = Sampler::start()?;
    measure(total, n)?;
    print!("{}", render(&sampler.finish()));
    Ok(())
}

/// 一次测量：总耗时，和所有线程在 CPU 上算的时间之和。
#[derive(Debug, Clone, Copy)]
struct Run {
    wall: Duration,
    cpu: Duration,
}

/// 量 `repeat` 次，取最快的一次：别的程序打断了哪一次，那一次就慢，最快的最接近真相。
fn best_of(repeat: u32, total: u64, threads: usize) -> io::Result<Run> {
    let runs = (0..repeat).map(|_| measure(total, threads));
    let runs = runs.collect::<io::Result<Vec<_>>>()?;
    Ok(runs.into_iter().min_by_key(|r| r.wall).unwrap_or(Run {
        wall: Duration::ZERO,
        cpu: Duration::ZERO,
    }))
}

/// 把 `total` 步计算平分给 `threads` 个线程，返回总耗时和它们的 CPU 时间之和。
fn measure(total: u64, threads: usize) -> io::Result<Run> {
    let start = Instant::now();
    let share = total / threads as u64;
    // 线程数由用户给出，系统可能开不出这么多：`thread::spawn(f)` 会 panic，
    // `Builder::spawn` 把拒绝变成一个错误。
    let workers = (1..=threads)
        .map(|i| {
            thread::Builder::new()
                .name(format!("线程{i}"))
                .spawn(move || {
                    mouthful(share);
                    cpu_time()
                })
        })
        .collect::<io::Result<Vec<_>>>()?;
    let mut cpu = Duration::ZERO;
    for worker in workers {
        cpu += worker
            .join()
            .map_err(|_| io::Error::other("计算线程 panic 了"))??;
    }
    Ok(Run {
        wall: start.elapsed(),
        cpu,
    })
}
