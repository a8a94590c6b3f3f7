//! 文档「核与任务」的一句话：当任务数等于核芯数时，效率最高。这里量给你看。
//!
//! 同样多的计算（`--work` 秒，一个核算的时间）平分给 1、2、…、2×核数 个线程，量总耗时：
//! 线程数不超过核数时，多一个线程就多一个核在算；超过以后，多出来的线程只能和别人
//! 轮流用同样几个核，总耗时不再变短（还多了切换的开销）。
//! 试一试 (try this)：`--release` 运行，再用 `taskset -c 0` 只给它一个核看看。

use std::io;
use std::thread;
use std::time::Duration;

use clap::Parser;
use shared::UsageError;
use shared::stopwatch::Stopwatch;

use crate::cpu;

/// `tasks-vs-cores` 的选项。
#[derive(Debug, Parser)]
struct Args {
    /// 总计算量：一个核要算多少秒（按 LESSON_TIME_SCALE 缩放）
    #[arg(long, default_value_t = 1.0)]
    work: f64,
    /// 最多用几个线程（默认是核数的两倍）
    #[arg(long)]
    max_threads: Option<usize>,
    /// 每个线程数量几次，取最快的一次
    #[arg(long, default_value_t = 3)]
    repeat: usize,
}

/// 量出一张表：线程数、总耗时、加速比 (speed-up)，再画成条形图。
pub fn run(args: &[String]) -> shared::Result {
    let args: Args = shared::cli::parse_args("tasks-vs-cores", args)?;
    let cores = cpu::allowed_cpus()?.len();
    let max = args.max_threads.unwrap_or(2 * cores);
    let valid = args.work.is_finite() && args.work > 0.0 && (1..=256).contains(&max);
    if !valid || args.repeat == 0 {
        return Err(UsageError(
            "例子 tasks-vs-cores：--work 要大于 0，--max-threads 在 1..=256，--repeat 至少 1"
                .into(),
        )
        .into());
    }
    cpu::calibrate();
    let total = cpu::iterations_for(args.work);
    println!(
        "当任务数等于核芯数时，效率最高：同样 {} 秒的计算分给 1..={max} 个线程，本进程可用 {cores} 个 CPU.",
        args.work
    );
    if cores < 2 {
        println!("注：只有 1 个 CPU，多开线程不会更快，这里看不到加速.");
    }
    let mut rows = Vec::new();
    for threads in 1..=max {
        let walls: Vec<Duration> = (0..args.repeat)
            .map(|_| measure(total, threads))
            .collect::<shared::Result<_>>()?;
        rows.push((threads, walls.into_iter().min().expect("repeat 至少 1")));
    }
    let one = rows[0].1.as_secs_f64();
    let speedups: Vec<f64> = rows
        .iter()
        .map(|(_, wall)| one / wall.as_secs_f64())
        .collect();
    let top = speedups.iter().copied().fold(0.0, f64::max);
    println!("线程数  总耗时（{} 次中最快）  加速比", args.repeat);
    for ((threads, wall), s) in rows.iter().zip(&speedups) {
        let bar = "█".repeat((s / top * 40.0).round() as usize);
        println!(
            "{threads:>6}  {:>10.3}秒  {s:>5.2}×  {bar}",
            wall.as_secs_f64()
        );
    }
    let knee = rows[speedups.iter().position(|&s| s >= 0.9 * top).unwrap_or(0)].0;
    if knee == cores {
        println!(
            "结论：线程数到 {cores}（= 核数）时加速比就到顶了（{top:.2}×），再多线程也不会更快."
        );
    } else {
        println!(
            "结论：加速比在 {knee} 个线程时就到顶了（{top:.2}×），本机有 {cores} 个核；别的程序也在用 CPU 时会这样."
        );
    }
    let spans = shared::timeline::take();
    println!("{max} 个线程那一次的时间线（数字是 CPU 号）：");
    print!("{}", shared::timeline::render(&spans));
    Ok(())
}

/// 把 `total` 次计算平分给 `threads` 个线程，返回总耗时。只留下最后一次的时间线。
fn measure(total: u64, threads: usize) -> shared::Result<Duration> {
    shared::timeline::take();
    let clock = Stopwatch::start();
    let share = total / threads as u64;
    // 线程数由用户给出，系统可能开不出这么多：用 Builder 把失败变成错误，而不是 panic。
    let workers = (0..threads)
        .map(|i| thread::Builder::new().spawn(move || cpu::work(&format!("线程{}", i + 1), share)))
        .collect::<io::Result<Vec<_>>>()?;
    for worker in workers {
        worker
            .join()
            .map_err(|_| io::Error::other("计算线程 panic 了"))?;
    }
    Ok(clock.elapsed())
}
