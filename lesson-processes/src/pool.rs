//! 文档「进程池」：`ProcessPoolExecutor(max_workers=4)` 同时下载三个文件。
//!
//! 池里的 4 个工作进程一开始就启动好，任务交给空闲的那个；三个下载同时进行，总耗时约等于
//! 最长的那个，而不是三个之和。下载的三行由工作进程自己打印。`with` 块结束就是池被丢弃
//! (Drop)：等所有任务做完、工作进程退出。和 Python 一样，交给池的是函数名和参数元组：
//! 它们跨进程传过去（函数按它在程序里的位置，参数经 serde 序列化），所以不能是捕获了变量
//! 的闭包。一个工作进程崩溃，只有它手上的任务失败，`result()` 说明原因，其余照常，池随即补上一个
//! 新的工作进程（Python 的 `ProcessPoolExecutor` 这时会让整个池失效：BrokenProcessPool）。
//! 试一试：`-- pool --jobs 8` 看 8 个任务怎样轮流用这 4 个进程；`--crash` 让一个工作进程崩溃，
//! 看进程池补上一个新的。
//!
//! 复制到自己的项目时把 shared/ 文件夹一起复制，再加上：
//!
//! ```text
//!     cargo add clap --features derive
//! ```

use std::collections::BTreeSet;
use std::time::Duration;

use clap::Parser;
use shared::download::{FILENAMES, PROCESS_DECIMALS};
use shared::process::{self, ProcessPool};
use shared::stopwatch::Stopwatch;

/// 进程池（4 个工作进程）下载文档的三个文件；--jobs 改任务数，--crash 让一个工作进程崩溃。
#[derive(Debug, Parser)]
pub struct Opts {
    /// 提交几个下载任务，轮流用文档的三个文件名，1 到 64 (number of downloads)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub jobs: u32,
    /// 下载之后再提交一个让工作进程崩溃的任务，看进程池补上一个新的 (a job that crashes its worker)
    #[arg(long)]
    pub crash: bool,
}

/// 文档的 `download(filename)`，在工作进程里运行；返回耗时和做这件事的进程的 PID。
fn download(filename: String) -> (Duration, u32) {
    let took = shared::download::download(&filename, PROCESS_DECIMALS);
    (took, std::process::id())
}

/// 让工作进程崩溃（abort：Unix 上是 SIGABRT）。
fn crash() {
    std::process::abort();
}

/// 先 `init`，再解析选项（子进程的命令行是隐藏参数，不给 clap 看）。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    process::init()?; // Rust 的 `if __name__ == '__main__':`
    run(Opts::parse())
}

/// 建池、提交下载、等池结束、打印总耗时。
pub fn run(opts: Opts) -> Result<(), Box<dyn std::error::Error>> {
    let mut downloads = Vec::new();
    let mut crashed = None;
    let start;
    {
        let pool = ProcessPool::new(4)?; // with ProcessPoolExecutor(max_workers=4) as pool:
        start = Stopwatch::start();
        for filename in FILENAMES.iter().cycle().take(opts.jobs as usize) {
            downloads.push(pool.submit(download, (filename.to_string(),))?);
        }
        if opts.crash {
            let before = pool.pids();
            let failed = pool.submit(crash, ())?.result(); // 等它崩溃
            crashed = Some((before, failed, pool.pids()));
        }
    } // with 块结束：池被丢弃，等所有任务做完、工作进程退出
    start.print_total(PROCESS_DECIMALS);

    println!();
    println!("—— 补充 (extra) ——");
    let mut workers = BTreeSet::new();
    for handle in downloads {
        let (_took, pid) = handle.result()?; // 即 `future.result()`
        workers.insert(pid);
    }
    println!(
        "{} 个下载由 {} 个工作进程完成（池里一共 4 个）：PID {workers:?}",
        opts.jobs,
        workers.len()
    );
    if workers.len() < opts.jobs as usize {
        println!("有的工作进程做了不止一个下载：进程被复用，不必每个任务启动一个进程。");
    } else {
        println!("试一试 --jobs 8：任务比工作进程多，同一个进程就会做好几个下载（进程被复用）。");
    }
    if let Some((before, failed, after)) = crashed {
        match failed {
            Ok(()) => println!("让工作进程崩溃的任务竟然成功了"),
            Err(e) => println!("让工作进程崩溃的任务失败了：{e}"),
        }
        let gone: Vec<_> = before.iter().filter(|p| !after.contains(p)).collect();
        let new: Vec<_> = after.iter().filter(|p| !before.contains(p)).collect();
        println!(
            "池补上了新的工作进程，仍是 {} 个：{gone:?} 换成了 {new:?}",
            after.len()
        );
    }
    Ok(())
}
