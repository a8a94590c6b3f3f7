//! 协程 · 上万次并发：和线程相比协程可以有上万次并发；进程>=线程>=协程。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add tokio --features rt,time,sync
//!     cargo add clap --features derive
//! ```
//!
//! 上表：N 个 tokio 任务 (task) 或 N 个操作系统线程 (OS thread) 各睡 1 秒，量墙钟时间
//! 和每个的内存。每一行在一个新启动的子进程（本程序再运行一次，加隐藏选项 `--role`）
//! 里量，系统记下的峰值常驻内存 (peak RSS) 就只属于这一次测量：
//! 每个的内存 = (N 个都在时或峰值里大的那个 − 开始前的常驻内存) / N，虚拟内存同理
//! （`shared::memory` 问操作系统；macOS 不记虚拟内存的峰值，所以 N 个都在时要量一次）。
//! 任务只存 future 的状态和调度用的头部，几百字节；线程要预留一整段栈（默认 2 MiB
//! 虚拟内存），而且它的内核栈等内核内存不算进 RSS，真实成本比表里还高。
//! 下表：一个接一个地创建并等它结束，平均每个进程、线程、任务要多久。
//! 别的程序占着 CPU 时，时间会大好几倍（见过创建一个线程 340 µs，空闲时 37 µs）。所以上表的
//! 每个子进程量自己的时候顺便看别的程序占了几个 CPU，整张表按时间加权平均（操作系统按
//! 10 毫秒一跳的时钟滴答记账，只有零点一秒的一行单看会差出零点几个 CPU）；下表前后各停
//! 0.25 秒看一看（下表自己开的子进程不能算作别人）。超过 0.3 个 CPU 就说机器忙，不下结论。
//! 数字要用 release 构建来量。
//! 试一试 (try this)：小机器上用 `--max 100000`，只量到十万。

use std::ffi::OsString;
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Parser;
use shared::memory;
use shared::time::secs;
use shared::work::{others_since, ticks};

/// 例子的返回类型。
type Res<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// 子进程做什么（隐藏选项 `--role` 的值）。
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// 创建 `--count` 个各睡 1 秒的 tokio 任务。
    Tasks,
    /// 创建 `--count` 个各睡 1 秒的线程。
    Threads,
    /// 什么也不做：量"创建并结束一个进程"。
    Nothing,
}

/// 上表的行：(单位, 子进程的角色, 数量)。
const ROWS: [(&str, Role, u64); 5] = [
    ("任务", Role::Tasks, 10_000),
    ("任务", Role::Tasks, 100_000),
    ("任务", Role::Tasks, 1_000_000),
    ("线程", Role::Threads, 1_000),
    ("线程", Role::Threads, 10_000),
];

/// 并发数的上限：表里最大的一行。
const MOST: u64 = 1_000_000;
/// 机器忙的界限：量的时候别的程序平均占了这么多 CPU，就不相信这次的测量。
const BUSY: f64 = 0.3;

#[derive(Debug, clap::Parser)]
pub struct Opts {
    /// 并发数最多到 N（1 到 1000000），小机器上用 (at most N at once)
    #[arg(long, value_name = "N", default_value_t = MOST,
          value_parser = clap::value_parser!(u64).range(1..=MOST))]
    max: u64,
    /// 子进程的角色（内部使用）
    #[arg(long, hide = true, value_enum)]
    role: Option<Role>,
    /// 子进程要创建几个，1 到 1000000（内部使用）
    #[arg(long, hide = true, default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..=MOST))]
    count: u64,
}

pub fn main() -> Res {
    run(Opts::parse())
}

/// 先量上表（并发数），再量下表（创建并结束一个的时间）。
pub fn run(opts: Opts) -> Res {
    if let Some(role) = opts.role {
        return child(role, opts.count);
    }
    if cfg!(debug_assertions) {
        println!("注：这是调试构建 (debug build)，数字偏慢偏大；请加 --release 运行。");
    }
    let table = concurrency(opts.max)?;
    println!();
    let (each, around) = costs()?;
    // 判断用的就是打印出来的那个数（一位小数）：不会印出"占着 0.3 个"却说机器忙。
    let others = (table.max(around) * 10.0).round() / 10.0;
    if others > BUSY {
        println!(
            "注：机器忙 (busy)：量的时候别的程序最多平均占着 {others:.1} 个 CPU，上面的时间偏大，不下结论."
        );
    } else {
        let [process, thread, task] = each;
        let times = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-12);
        println!(
            "结论：进程>=线程>=协程：创建一个进程的时间，够创建约 {:.0} 个线程、{:.0} 个任务.",
            times(process, thread),
            times(process, task)
        );
    }
    Ok(())
}

/// 上表：每一行在一个新的子进程里量，数量超过 `max` 的行压成 `max`。
/// 返回量这些行时别的程序平均占着几个 CPU（各行按墙钟时间加权）。
fn concurrency(max: u64) -> Res<f64> {
    let one = secs(1.0).as_secs_f64();
    println!("每个单位睡 1 秒（缩放后 {one:.3} 秒），每行在一个新的子进程里量：");
    println!("单位       数量    墙钟时间    常驻内存/个    虚拟内存/个");
    let mut done = Vec::new();
    // 别的程序用掉的 CPU 秒数之和、各行墙钟秒数之和。
    let (mut others_secs, mut walls) = (0.0, 0.0);
    for (unit, role, count) in ROWS {
        let count = count.min(max); // 被 --max 压成同一个数量的行只量一次
        if done.contains(&(role, count)) {
            continue;
        }
        done.push((role, count));
        let [wall, rss, vm, others] = in_child(unit, role, count)?;
        others_secs += others * wall;
        walls += wall;
        println!(
            "{unit} {count:>10} {wall:>9.3} 秒 {:>14} {:>14}",
            bytes(rss),
            bytes(vm)
        );
    }
    Ok(others_secs / f64::max(walls, 1e-9))
}

/// 再运行一次本程序（参数照旧，加上 `--role`）：在课程的二进制里和复制走的程序里都对。
fn again(role: Role, count: u64) -> Res<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    let role = match role {
        Role::Tasks => "tasks",
        Role::Threads => "threads",
        Role::Nothing => "nothing",
    };
    command.args(std::env::args_os().skip(1));
    command.args(["--role", role, "--count", &count.to_string()].map(OsString::from));
    Ok(command)
}

/// 启动子进程量一行，读回它打印的 [墙钟秒数, 每个的常驻内存, 每个的虚拟内存, 别的程序占的 CPU]。
fn in_child(unit: &str, role: Role, count: u64) -> Res<[f64; 4]> {
    let out = again(role, count)?.output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let numbers: Vec<f64> = text
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    match (out.status.success(), <[f64; 4]>::try_from(numbers)) {
        (true, Ok(row)) => Ok(row),
        _ => {
            // 子进程可能打印好几行（内存不够时还有回溯）：只取第一行。
            let stderr = String::from_utf8_lossy(&out.stderr);
            let why = stderr.lines().map(str::trim).find(|l| !l.is_empty());
            let why = why
                .unwrap_or("没有输出")
                .trim_start_matches("错误 (error)：");
            let status = out.status;
            Err(
                format!("量 {count} 个{unit}的子进程失败（{status}）：{why}；试试小一点的 --max")
                    .into(),
            )
        }
    }
}

/// 子进程：创建 `count` 个各睡 1 秒的任务或线程，全部结束后打印墙钟秒数、每个的内存，
/// 和这段时间里别的程序平均占着几个 CPU（父进程只是在等，不算）。
fn child(role: Role, count: u64) -> Res {
    if role == Role::Nothing {
        return Ok(()); // 量"创建并结束一个进程"用的空进程
    }
    let one_second = secs(1.0);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let before_memory = memory::now()?;
    let before = ticks()?;
    let start = Instant::now();
    let during = match role {
        Role::Nothing => before_memory,
        // 每个任务从创建起睡 1 秒；留着句柄 (JoinHandle)，最后逐个等它们结束。
        Role::Tasks => runtime.block_on(async {
            let mut tasks = Vec::new();
            for _ in 0..count {
                tasks.push(tokio::spawn(tokio::time::sleep(one_second)));
            }
            let during = memory::now()?; // N 个都在
            for task in tasks {
                task.await?;
            }
            Res::Ok(during)
        })?,
        Role::Threads => {
            let mut threads = Vec::new();
            for _ in 0..count {
                let thread =
                    std::thread::Builder::new().spawn(move || std::thread::sleep(one_second))?;
                threads.push(thread);
            }
            let during = memory::now()?; // N 个都在
            for thread in threads {
                thread.join().map_err(|_| "睡眠的线程 panic 了")?;
            }
            during
        }
    };
    let wall = start.elapsed();
    let others = others_since(before, wall)?;
    let after = memory::now()?;
    let each = |high: u64, low: u64| high.saturating_sub(low) as f64 / count as f64;
    let rss = each(
        after.peak_resident.max(during.resident),
        before_memory.resident,
    );
    let vm = each(
        after.peak_virtual.max(during.virtual_size),
        before_memory.virtual_size,
    );
    let wall = wall.as_secs_f64();
    println!("{wall} {rss} {vm} {others}");
    Ok(())
}

/// 下表：一个接一个地创建并等它结束，平均每个进程、线程、任务要多久。
/// 返回这三个时间，和前后两次（各 0.25 秒）看到的别的程序平均占着几个 CPU。
fn costs() -> Res<([Duration; 3], f64)> {
    println!("创建并结束一个（一个接一个，取平均）：");
    let before = others_now()?;
    let process = average(20, || match again(Role::Nothing, 1)?.status()? {
        status if status.success() => Ok(()),
        status => Err(format!("空的子进程失败：{status}").into()),
    })?;
    let thread = average(1_000, || {
        let thread = std::thread::Builder::new().spawn(|| {})?;
        thread.join().map_err(|_| "空线程 panic 了".into())
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let task = runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..100_000 {
            tokio::spawn(async {}).await?;
        }
        Res::<Duration>::Ok(start.elapsed() / 100_000)
    })?;
    let after = others_now()?;
    for (unit, each, reps) in [
        ("进程", process, 20),
        ("线程", thread, 1_000),
        ("任务", task, 100_000),
    ] {
        println!("{unit} {:>12} （{reps} 次）", time(each));
    }
    Ok(([process, thread, task], (before + after) / 2.0))
}

/// 别的程序此刻占着几个 CPU：自己睡 0.25 秒，看这段时间里整台机器忙了多少。
fn others_now() -> Res<f64> {
    let before = ticks()?;
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(250));
    Ok(others_since(before, start.elapsed())?)
}

fn average(reps: u32, mut once: impl FnMut() -> Res) -> Res<Duration> {
    let start = Instant::now();
    for _ in 0..reps {
        once()?;
    }
    Ok(start.elapsed() / reps)
}

fn bytes(b: f64) -> String {
    match b {
        b if b < 1024.0 => format!("{b:.0} B"),
        b if b < 1024.0 * 1024.0 => format!("{:.1} KiB", b / 1024.0),
        b => format!("{:.1} MiB", b / 1024.0 / 1024.0),
    }
}

fn time(d: Duration) -> String {
    match d.as_secs_f64() * 1e6 {
        us if us < 1000.0 => format!("{us:.3} µs"),
        us => format!("{:.3} ms", us / 1000.0),
    }
}
