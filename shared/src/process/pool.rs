//! 进程池，即 `ProcessPoolExecutor`。
//!
//! 池里每个工作进程在父进程里有一个喂料线程 (feeder)：从共同的任务队列里取一件事，交给
//! 自己的工作进程，等结果，再取下一件。排队的任务只是内存里的一个闭包，不占文件描述符，
//! 所以一次提交十万个也没问题；进程间的通道在任务真正开始时才建。一个工作进程崩溃，
//! 只有它手上的那件事失败（说明它怎样结束），喂料线程随即启动一个新的工作进程补上。

use std::fmt;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use super::spawn::{Outcome, RunError, Worker, entry_of};
use super::{Error, Message, Target, cleanup};

/// 排队的一件事：交给喂料线程手里的工作进程去做。
struct Job(Box<dyn FnOnce(&mut Slot) + Send>);

/// 喂料线程手里的工作进程（或者补不上时的原因），和它在 [`ProcessPool::pids`] 里的位置。
#[derive(Debug)]
struct Slot {
    worker: Result<Worker, Error>,
    index: usize,
    pids: Arc<Mutex<Vec<u32>>>,
}

impl Slot {
    /// 启动一个新的工作进程，顶替这个位置上的（死了的）那个。
    fn replace(&mut self) {
        self.worker = Worker::spawn();
        let pid = self.worker.as_ref().map_or(0, Worker::pid);
        if let Ok(mut pids) = self.pids.lock() {
            pids[self.index] = pid;
        }
    }
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Job")
    }
}

/// 进程池，即 `ProcessPoolExecutor`：先启动几个工作进程 (worker)，任务交给空闲的那个，
/// 进程反复使用。被丢弃时（`with` 块结束）等所有已提交的任务做完、工作进程退出。
#[derive(Debug)]
pub struct ProcessPool {
    jobs: Option<mpsc::Sender<Job>>,
    feeders: Vec<thread::JoinHandle<()>>,
    /// 每个位置上工作进程的 PID（0：补不上）。
    pids: Arc<Mutex<Vec<u32>>>,
}

/// 提交后拿到的"未来的结果"，即 Python 的 `Future`。
#[derive(Debug)]
pub struct Handle<R> {
    result: mpsc::Receiver<Outcome<R>>,
}

impl ProcessPool {
    /// 启动 `max_workers` 个工作进程（1 到 64 个）。
    pub fn new(max_workers: usize) -> Result<ProcessPool, Error> {
        if !(1..=64).contains(&max_workers) {
            return Err(Error(format!(
                "进程池要 1 到 64 个工作进程，不是 {max_workers}"
            )));
        }
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let pids = Arc::new(Mutex::new(vec![0; max_workers]));
        let mut pool = ProcessPool {
            jobs: Some(jobs),
            feeders: Vec::new(),
            pids: Arc::clone(&pids),
        };
        for index in 0..max_workers {
            let worker = Worker::spawn()?;
            pids.lock().expect("刚建的锁")[index] = worker.pid();
            let slot = Slot {
                worker: Ok(worker),
                index,
                pids: Arc::clone(&pids),
            };
            let queue = Arc::clone(&queue);
            let feeder = thread::Builder::new()
                .name(format!("sp-feeder-{}", index + 1))
                .spawn(move || feed(slot, &queue))
                .map_err(|e| Error(format!("开不了进程池的喂料线程 (thread refused)：{e}")))?;
            pool.feeders.push(feeder);
        }
        Ok(pool)
    }

    /// 提交 `f(args…)`，马上返回一个 [`Handle`]；结果用 [`Handle::result`] 取。
    pub fn submit<F, Args>(&self, f: F, args: Args) -> Result<Handle<F::Output>, Error>
    where
        F: Target<Args>,
        Args: Message,
        F::Output: Message,
    {
        let entry = entry_of(f);
        let (tx, result) = mpsc::channel();
        let job = Job(Box::new(move |slot: &mut Slot| {
            if slot.worker.is_err() {
                slot.replace(); // 上次没补上：再试一次
            }
            let outcome = match &mut slot.worker {
                Err(e) => Err(e.clone()),
                Ok(worker) => {
                    let jobs = worker.jobs.as_ref().expect("池里的工作进程一直接活");
                    match Worker::run::<F::Output, Args>(jobs, worker.child_lock(), entry, args) {
                        Ok(outcome) => outcome,
                        Err(RunError::Here(e)) => Err(e),
                        Err(RunError::Died) => {
                            let pid = worker.pid();
                            let how = worker.death();
                            // 先补上一个，再交出结果：拿到结果的人看到的池已经是满的。
                            slot.replace();
                            Err(Error(format!("工作进程 {pid} 崩溃了：{how}")))
                        }
                    }
                }
            };
            let _ = tx.send(outcome);
        }));
        let jobs = self.jobs.as_ref().expect("只有 drop 时才取走");
        jobs.send(job)
            .map_err(|_| Error("进程池里已经没有喂料线程了".into()))?;
        Ok(Handle { result })
    }

    /// 此刻池里各个工作进程的 PID（补不上的位置不算）。一个工作进程崩溃后，它的位置上
    /// 很快是一个新的 PID。
    pub fn pids(&self) -> Vec<u32> {
        let pids = self.pids.lock().map(|p| p.clone()).unwrap_or_default();
        pids.into_iter().filter(|&pid| pid != 0).collect()
    }
}

impl Drop for ProcessPool {
    /// `with` 块结束：不再接新任务，等已提交的做完、工作进程全部退出。
    fn drop(&mut self) {
        self.jobs = None;
        for feeder in self.feeders.drain(..) {
            let _ = feeder.join();
        }
    }
}

/// 喂料线程：一件一件地把任务交给自己的工作进程（它死了，任务自己会补上一个）。
fn feed(mut slot: Slot, queue: &Mutex<mpsc::Receiver<Job>>) {
    cleanup::quiet_sigpipe();
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => break,
        };
        let Ok(Job(job)) = job else { break }; // 池被丢弃，任务也都取完了
        job(&mut slot);
    }
    if let Ok(worker) = &mut slot.worker {
        let _ = worker.finish();
    }
}

impl<R: Message> Handle<R> {
    /// 等任务的结果（Python 的 `future.result()`）：函数的返回值，或一行说明它为什么失败。
    pub fn result(self) -> Result<R, Error> {
        self.result
            .recv()
            .unwrap_or_else(|_| Err(Error("任务没有执行：进程池的喂料线程不在了".into())))
    }
}
