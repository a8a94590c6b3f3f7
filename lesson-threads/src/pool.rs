//! 文档「线程池」：`ThreadPoolExecutor(max_workers=4)` 里做三个下载。
//!
//! 标准库没有线程池，这里用 crossbeam-channel 写一个最小的：4 个工作线程 (worker) 从
//! 同一个任务通道里取任务，做完再取下一个，线程一直被复用。`submit` 返回一个句柄，
//! 可以等任务的结果（`future.result()`）；池被丢弃 (Drop) 时关闭通道、等所有任务做完，
//! 相当于 `with` 块结束。真正的项目请用 rayon（`rayon::ThreadPoolBuilder`）。
//!
//! 三个"开始下载"的先后每次可能不同：任务按提交的顺序排在通道里，也按这个顺序被取走，
//! 但取走之后几个工作线程同时在跑，谁先打印由调度决定（Python 的线程池也一样）。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add crossbeam-channel
//! ```

use std::collections::BTreeSet;
use std::io;
use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use shared::download::{FILENAMES, THREAD_DECIMALS, download};
use shared::stopwatch::Stopwatch;
use shared::time::secs;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// 固定数量工作线程的线程池。
#[derive(Debug)]
pub struct ThreadPool {
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

/// `submit` 返回的句柄：`result()` 等任务做完并取回结果。
#[derive(Debug)]
pub struct Handle<T>(Receiver<T>);

impl ThreadPool {
    /// 启动 `max_workers` 个工作线程，名字是 `pool-0`、`pool-1`……
    /// 操作系统不让开线程时返回错误。
    pub fn new(max_workers: usize) -> io::Result<Self> {
        let (jobs, queue) = unbounded::<Job>();
        let workers = (0..max_workers)
            .map(|i| {
                let queue = queue.clone();
                // 通道关闭、任务取完后循环结束，工作线程退出。
                let work = move || queue.into_iter().for_each(|job| job());
                thread::Builder::new().name(format!("pool-{i}")).spawn(work)
            })
            .collect::<io::Result<_>>()?;
        Ok(ThreadPool {
            jobs: Some(jobs),
            workers,
        })
    }

    /// 提交一个任务，立即返回句柄，任务由某个空闲的工作线程执行。
    pub fn submit<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Handle<T> {
        let (tx, rx) = bounded(1);
        if let Some(jobs) = &self.jobs {
            // 送不出去（工作线程都 panic 了）时，句柄的 result() 会返回 None。
            let _ = jobs.send(Box::new(move || drop(tx.send(f()))));
        }
        Handle(rx)
    }
}

impl<T> Handle<T> {
    /// 等任务做完并取回结果；任务 panic 了则返回 `None`。
    pub fn result(self) -> Option<T> {
        self.0.recv().ok()
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        drop(self.jobs.take()); // 关闭任务通道：工作线程做完手上的就退出
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// 照文档做三个下载，再交 12 个小任务给一个池，看看是哪些线程做的。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Stopwatch::start();
    {
        let pool = ThreadPool::new(4)?;
        for filename in FILENAMES {
            pool.submit(move || download(filename, THREAD_DECIMALS));
        }
    } // with 块结束：pool 被丢弃，Drop 等三个下载做完
    start.print_total(THREAD_DECIMALS);

    println!();
    println!("—— 补充 (extra) ——");
    let pool = ThreadPool::new(4)?;
    let handles: Vec<_> = (0..12)
        .map(|_| {
            pool.submit(|| {
                thread::sleep(secs(0.1));
                thread::current().name().unwrap_or("?").to_owned()
            })
        })
        .collect();
    let names: Vec<_> = handles.into_iter().filter_map(Handle::result).collect();
    let distinct: BTreeSet<_> = names.iter().collect();
    println!(
        "线程被复用：{} 个任务只用了 {} 个线程.",
        names.len(),
        distinct.len()
    );
    println!(
        "第 1 到第 {} 个任务分别由：{}",
        names.len(),
        names.join(" ")
    );
    Ok(())
}
