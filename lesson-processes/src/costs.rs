//! 文档「进程池」开头的道理：创建和释放进程开销很大，所以先建好、再复用。
//!
//! 这里把开销量出来（不是断言）：每个任务启动一个进程，对比把任务交给池里现成的进程；
//! 再对比一次跨进程往返 (ipc-channel) 和一次线程间往返 (crossbeam-channel)。
//! 都取中位数 (median)。请用 release 编译来量：`cargo run --release -p lesson-processes -- costs`。

use std::time::{Duration, Instant};

use clap::Parser;

use crate::child::{Boot, Child};
use crate::process_pool::{ProcessPool, serve};

/// 工作进程：把收到的数原样发回。
pub fn echo(boot: Boot) -> shared::Result {
    serve(boot, |n: u64| n)
}

#[derive(Debug, Parser)]
struct Opts {
    /// 启动多少次进程、向池提交多少个任务 (process starts and pool jobs)
    #[arg(long, default_value_t = 200)]
    jobs: u32,
    /// 往返多少次 (round trips)
    #[arg(long, default_value_t = 20_000)]
    round_trips: u32,
}

/// 量出每一项的中位数并打印成表。
pub fn run(args: &[String]) -> shared::Result {
    let opts: Opts = shared::cli::parse_args("costs", args)?;
    let (mut per_job, mut first_message) = (Vec::new(), Vec::new());
    for n in 0..u64::from(opts.jobs) {
        let start = Instant::now();
        let mut child = Child::<u64, u64>::spawn("costs.echo")?;
        child.send(n)?;
        child.recv()?;
        first_message.push(start.elapsed());
        child.join()?;
        per_job.push(start.elapsed());
    }
    let pool = ProcessPool::<u64, u64>::new("costs.echo", 4)?;
    let mut pooled = times(opts.jobs, |n| pool.submit(n)?.wait().map(drop))?;
    drop(pool);
    let mut child = Child::<u64, u64>::spawn("costs.echo")?;
    let mut ipc = times(opts.round_trips, |n| {
        child.send(n).and_then(|()| child.recv().map(drop))
    })?;
    child.join()?;
    let mut threads = thread_round_trips(opts.round_trips)?;

    println!("开销 (cost)，{} 次中的中位数 (median)：", opts.jobs);
    println!(
        "  每个任务启动一个进程（启动、发任务、收结果、等它退出）  {}",
        fmt(&mut per_job)
    );
    println!(
        "    其中：从启动到收到子进程的第一个回答                {}",
        fmt(&mut first_message)
    );
    println!(
        "  把任务交给进程池里现成的进程（submit + wait）           {}",
        fmt(&mut pooled)
    );
    println!("往返一次 (round trip)，{} 次中的中位数：", opts.round_trips);
    println!(
        "  跨进程 ipc-channel                                       {}",
        fmt(&mut ipc)
    );
    println!(
        "  线程之间 crossbeam-channel                               {}",
        fmt(&mut threads)
    );
    Ok(())
}

fn times(n: u32, mut f: impl FnMut(u64) -> shared::Result) -> shared::Result<Vec<Duration>> {
    (0..u64::from(n))
        .map(|i| {
            let start = Instant::now();
            f(i).map(|()| start.elapsed())
        })
        .collect()
}

fn thread_round_trips(n: u32) -> shared::Result<Vec<Duration>> {
    let (to_echo, inbox) = crossbeam_channel::bounded::<u64>(1);
    let (to_main, answers) = crossbeam_channel::bounded::<u64>(1);
    let echo = std::thread::spawn(move || inbox.iter().try_for_each(|n| to_main.send(n)));
    let result = times(n, |i| {
        to_echo.send(i)?;
        answers.recv()?;
        Ok(())
    });
    drop(to_echo);
    let _ = echo.join();
    result
}

/// 中位数，按大小选单位。
fn fmt(samples: &mut [Duration]) -> String {
    samples.sort();
    let median = samples.get(samples.len() / 2).copied().unwrap_or_default();
    match median.as_secs_f64() * 1e6 {
        us if us >= 1000.0 => format!("{:>8.3} ms", us / 1000.0),
        us => format!("{us:>8.1} µs"),
    }
}
