//! 文档「线程池」：`ThreadPoolExecutor(max_workers=4)` 里做三个下载。
//!
//! 标准库没有线程池，这里用 crossbeam-channel 写一个最小的：4 个工作线程 (worker) 从
//! 同一个任务通道里取任务，做完再取下一个，线程一直被复用。`submit` 返回一个句柄，
//! 可以等任务的结果（`future.result()`）：任务 panic 了，`result()` 返回 `Err` 和 panic 的
//! 内容，就像 Python 的 `result()` 把任务里的异常重新抛出来，工作线程照样接着干活。
//! 池被丢弃 (Drop) 时关闭通道、等所有任务做完，相当于 `with` 块结束。
//!
//! 正式项目里，下载这种等 I/O 的任务用异步（tokio，见协程一课），躲不开的阻塞调用交给
//! `tokio::task::spawn_blocking`（它有专给阻塞任务的线程池）。rayon 的线程池是给 CPU 密集
//! 的计算用的：任务在里面阻塞，那个线程就闲着等，帮不了别的任务。
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
use std::panic::{self, AssertUnwindSafe};
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

/// `submit` 返回的句柄：`result()` 等任务做完，取回它的返回值或者它 panic 的内容。
#[derive(Debug)]
pub struct Handle<T>(Receiver<thread::Result<T>>);

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
        let job = move || {
            // 接住任务的 panic：工作线程活下来，panic 的内容交给 result()。
            // AssertUnwindSafe：panic 之后没人再碰这个任务的数据，只交出 panic 的内容。
            let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(f)));
        };
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Box::new(job));
        }
        Handle(rx)
    }
}

impl<T> Handle<T> {
    /// 等任务做完：`Ok(返回值)`，或者任务 panic 了，`Err(panic 的内容)`。
    pub fn result(self) -> thread::Result<T> {
        // 工作线程不会因为任务 panic 而退出，池在丢弃前做完每个任务：结果一定会送回来。
        self.0.recv().expect("线程池做完每个任务才关闭")
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
    let names = handles
        .into_iter()
        .map(|h| h.result().map_err(|_| "任务 panic 了"))
        .collect::<Result<Vec<_>, _>>()?;
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
