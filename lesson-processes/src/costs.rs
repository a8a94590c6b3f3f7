//! 文档「进程池」开头的道理：创建和释放进程开销很大，所以先建好、再复用。
//!
//! 这里把开销量出来：每个任务启动一个进程，对比交给进程池里现成的进程；一个数跨进程走
//! 一个来回 (ipc-channel)，对比在线程之间走一个来回 (crossbeam-channel)。来回是一批 32 个
//! 一起发、再一起收，平均到每个：只量传递本身——一个一个地来回时，量到的主要是叫醒对方
//! 的时间，两种通道差不多。机器忙的时候某一次会慢得多，
//! 所以每项分 5 批做，取最快那一批的中位数 (median)：别的程序只会让它变慢，不会变快。
//! 两个差距不到 2 倍时重量一次（最多 3 次）；还是不到，就说机器太忙，不下结论。
//! 请用 release 编译来量：`cargo run --release -p lesson-processes -- costs`。
//!
//! 复制到自己的项目时把 shared/ 文件夹一起复制，再加上：
//!
//! ```text
//!     cargo add clap --features derive
//!     cargo add crossbeam-channel
//! ```

use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use shared::process::ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use shared::process::{self, Process, ProcessPool};

type Outcome<T> = Result<T, Box<dyn std::error::Error>>;

/// 来回一批传多少个数。
const WINDOW: u32 = 32;

/// 量一量：每个任务启动一个进程 vs 交给进程池，跨进程来回 vs 线程间来回（请用 --release）。
#[derive(Debug, Parser)]
pub struct Opts {
    /// 启动多少次进程、向池提交多少个任务，5 到 2000 (process starts and pool jobs)
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(5..=2000))]
    pub jobs: u32,
    /// 每种来回传多少个数，5 到 200000 (round trips)
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u32).range(5..=200_000))]
    pub round_trips: u32,
}

/// 任务：把收到的数原样交回。
fn echo(n: u64) -> u64 {
    n
}

/// 子进程：把收到的每个数原样发回，直到通道关闭。
fn echo_loop(inbox: IpcReceiver<u64>, outbox: IpcSender<u64>) {
    while let Ok(n) = inbox.recv() {
        if outbox.send(n).is_err() {
            break;
        }
    }
}

/// 做 `n` 次 `f`，分 5 批，每批取中位数，返回最快那一批的中位数。
fn best_median(n: u32, mut f: impl FnMut(u64) -> Outcome<()>) -> Outcome<Duration> {
    let mut best = Duration::MAX;
    let per_batch = (n / 5).max(1);
    for batch in 0..5 {
        let mut times = Vec::new();
        for i in 0..per_batch {
            let start = Instant::now();
            f(u64::from(batch * per_batch + i))?;
            times.push(start.elapsed());
        }
        times.sort();
        best = best.min(times[times.len() / 2]);
    }
    Ok(best)
}

/// 量一遍四项。
fn measure(opts: &Opts) -> Outcome<[Duration; 4]> {
    let per_process = best_median(opts.jobs, |n| {
        Process::spawn(echo, (n,))?.join()?;
        Ok(())
    })?;
    let pool = ProcessPool::new(4)?;
    let pooled = best_median(opts.jobs, |n| {
        pool.submit(echo, (n,))?.result()?;
        Ok(())
    })?;
    drop(pool);

    let (to_child, inbox) = ipc::channel()?;
    let (outbox, answers) = ipc::channel()?;
    let child = Process::spawn(echo_loop, (inbox, outbox))?;
    let ipc = best_median(opts.round_trips / WINDOW, |_| {
        for n in 0..u64::from(WINDOW) {
            to_child.send(n)?;
        }
        for _ in 0..WINDOW {
            answers.recv()?;
        }
        Ok(())
    })? / WINDOW;
    drop(to_child); // 通道关闭，子进程的循环结束
    child.join()?;

    let (to_thread, inbox) = crossbeam_channel::unbounded::<u64>();
    let (outbox, answers) = crossbeam_channel::unbounded::<u64>();
    let echo = thread::Builder::new().spawn(move || {
        for n in inbox {
            if outbox.send(n).is_err() {
                break;
            }
        }
    })?;
    let threads = best_median(opts.round_trips / WINDOW, |_| {
        for n in 0..u64::from(WINDOW) {
            to_thread.send(n)?;
        }
        for _ in 0..WINDOW {
            answers.recv()?;
        }
        Ok(())
    })? / WINDOW;
    drop(to_thread);
    echo.join().expect("回声线程不会 panic");
    Ok([per_process, pooled, ipc, threads])
}

/// 先 `init`，再解析选项（子进程的命令行是隐藏参数，不给 clap 看）。
pub fn main() -> Outcome<()> {
    process::init()?; // Rust 的 `if __name__ == '__main__':`
    run(Opts::parse())
}

/// 量，打印表格；两个差距都至少 2 倍才下结论。
pub fn run(opts: Opts) -> Outcome<()> {
    let mut tries = 0;
    let [per_process, pooled, ipc, threads] = loop {
        tries += 1;
        let t = measure(&opts)?;
        if (t[0] >= t[1] * 2 && t[2] >= t[3] * 2) || tries == 3 {
            break t;
        }
    };
    println!("开销 (cost)：每项分 5 批，取最快一批的中位数 (median of the best batch)");
    println!(
        "  每个任务启动一个进程（启动、传参、收结果、等它退出） {}",
        fmt(per_process)
    );
    println!(
        "  把任务交给进程池里现成的进程（submit + result）      {}",
        fmt(pooled)
    );
    println!("一个数走一个来回 (round trip，每批 {WINDOW} 个，平均到每个)：");
    println!(
        "  跨进程 ipc-channel                                   {}",
        fmt(ipc)
    );
    println!(
        "  线程之间 crossbeam-channel                           {}",
        fmt(threads)
    );
    if per_process >= pooled * 2 && ipc >= threads * 2 {
        println!(
            "结论：启动一个进程约是交给进程池的 {} 倍；跨进程来回约是线程之间的 {} 倍。",
            ratio(per_process, pooled),
            ratio(ipc, threads)
        );
    } else {
        println!(
            "注：量了 {tries} 次差距都不到 2 倍：机器太忙 (the machine was busy)，这次的数字说明不了问题。"
        );
    }
    Ok(())
}

fn ratio(a: Duration, b: Duration) -> u64 {
    (a.as_secs_f64() / b.as_secs_f64().max(1e-9)).round() as u64
}

/// 按大小选单位。
fn fmt(d: Duration) -> String {
    match d.as_secs_f64() * 1e6 {
        us if us >= 1000.0 => format!("{:>8.3} ms", us / 1000.0),
        us => format!("{us:>8.1} µs"),
    }
}
