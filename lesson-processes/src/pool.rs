//! 文档「进程池」：`ProcessPoolExecutor(max_workers=4)` 同时下载三个文件。
//!
//! 池里的 4 个工作进程一开始就启动好（见 [`crate::process_pool`]），任务交给空闲的那个；
//! 三个下载同时进行，总耗时约等于最长的那个，而不是三个之和。
//! 下载的三行由工作进程自己打印；`with` 块结束即池被丢弃：等所有任务做完、工作进程退出。
//! 试一试：`-- pool --jobs 8` 看 8 个任务怎样轮流用这 4 个进程；`--crash` 让一个工作进程崩溃。
//!
//! 任务不能是闭包：它没法序列化，`new` 的约束不满足（`Box<dyn Fn() + Send>: Serialize`）：
//!
//! ```compile_fail,E0599
//! use lesson_processes::process_pool::ProcessPool;
//! let _ = ProcessPool::<Box<dyn Fn() + Send>, ()>::new("pool.worker", 4);
//! ```

use std::time::Duration;

use clap::Parser;
use serde::{Deserialize, Serialize};
use shared::download::{FILENAMES, PROCESS_DECIMALS, download};
use shared::stopwatch::Stopwatch;
use shared::timeline::{Kind, span};

use crate::child::Boot;
use crate::process_pool::{ProcessPool, serve};

/// 发给工作进程的任务：一个可以序列化的值，而不是函数。
#[derive(Debug, Serialize, Deserialize)]
pub enum Job {
    /// 即 `pool.submit(download, filename=...)`。
    Download(String),
    /// 让工作进程崩溃（试一试用）。
    Crash,
}

/// 工作进程：做任务，把下载耗时发回去。
pub fn worker(boot: Boot) -> shared::Result {
    serve(boot, |job| match job {
        Job::Download(filename) => download(&filename, PROCESS_DECIMALS),
        Job::Crash => crate::child::crash(),
    })
}

#[derive(Debug, Parser)]
struct Opts {
    /// 提交几个下载任务，轮流用文档的三个文件名 (number of downloads)
    #[arg(long, default_value_t = FILENAMES.len())]
    jobs: usize,
    /// 再提交一个让工作进程崩溃的任务 (a job that crashes its worker)
    #[arg(long)]
    crash: bool,
}

/// 主进程：建池、提交下载、等池结束、打印总耗时。
pub fn run(args: &[String]) -> shared::Result {
    let opts: Opts = shared::cli::parse_args("pool", args)?;
    let pool = ProcessPool::<Job, Duration>::new("pool.worker", 4)?;
    let start = Stopwatch::start();
    let mut pending = Vec::new();
    if opts.crash {
        pending.push(pool.submit(Job::Crash)?);
    }
    for filename in FILENAMES.iter().cycle().take(opts.jobs) {
        pending.push(pool.submit(Job::Download(filename.to_string()))?);
    }
    // `with` 块结束：等所有任务做完、工作进程退出。
    span("主进程", Kind::Waiting, || drop(pool));
    for result in pending {
        if let Err(e) = result.wait() {
            println!("任务失败：{e}");
        }
    }
    start.print_total(PROCESS_DECIMALS);
    Ok(())
}
