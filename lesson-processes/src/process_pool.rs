//! 进程池 (process pool)：先启动几个工作进程 (worker)，再把任务一个个发给它们，反复使用。
//!
//! 闭包 (closure) 不能跨进程传递：它指向本进程内存里的代码和数据。所以任务是一个可以
//! 序列化的值（通常是一个 enum），工作进程看值决定做什么——相当于 Python 用 pickle
//! 按名字传函数。每个工作进程在父进程里配一个喂料线程 (feeder)：从共享的任务队列取任务、
//! 发给自己的工作进程、等结果。池被丢弃时关掉任务队列，工作进程做完手上的活就退出，
//! 池等它们全部结束——相当于 Python `with ProcessPoolExecutor(...)` 块结束时的 shutdown。

use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};

use crate::child::{Boot, Child, Message, describe};

type Reply<R> = Sender<Result<R, String>>;

/// 一个进程池：任务类型 `J`，结果类型 `R`。
#[derive(Debug)]
pub struct ProcessPool<J, R> {
    jobs: Option<Sender<(J, Reply<R>)>>,
    feeders: Vec<JoinHandle<()>>,
}

/// 提交后拿到的"未来的结果"，即 Python 的 `Future`。
#[derive(Debug)]
pub struct Pending<R>(Receiver<Result<R, String>>);

impl<J: Message, R: Message> ProcessPool<J, R> {
    /// 启动 `max_workers` 个扮演 `role` 的工作进程（在当前线程里启动，见 [`Child::spawn`]）。
    pub fn new(role: &str, max_workers: usize) -> shared::Result<Self> {
        let (jobs, queue) = crossbeam_channel::unbounded();
        let mut pool = ProcessPool {
            jobs: Some(jobs),
            feeders: Vec::new(),
        };
        for _ in 0..max_workers {
            let worker = Child::spawn(role)?;
            let queue = queue.clone();
            pool.feeders
                .push(std::thread::spawn(move || feed(worker, queue)));
        }
        Ok(pool)
    }

    /// 提交一个任务，马上返回；结果用 [`Pending::wait`] 取。
    pub fn submit(&self, job: J) -> shared::Result<Pending<R>> {
        let (reply, result) = crossbeam_channel::bounded(1);
        let jobs = self.jobs.as_ref().expect("只有 drop 时才取走");
        jobs.send((job, reply))
            .map_err(|_| "进程池里已经没有工作进程了")?;
        Ok(Pending(result))
    }
}

impl<J, R> Drop for ProcessPool<J, R> {
    fn drop(&mut self) {
        self.jobs = None; // 关掉任务队列：喂料线程取完剩下的任务就结束
        for feeder in self.feeders.drain(..) {
            let _ = feeder.join();
        }
    }
}

impl<R> Pending<R> {
    /// 等这个任务的结果。
    pub fn wait(self) -> shared::Result<R> {
        match self.0.recv() {
            Ok(result) => Ok(result?),
            Err(_) => Err("任务没有被执行：进程池里已经没有工作进程了".into()),
        }
    }
}

fn feed<J: Message, R: Message>(mut worker: Child<J, R>, queue: Receiver<(J, Reply<R>)>) {
    for (job, reply) in queue {
        match worker.send(job).and_then(|()| worker.recv()) {
            Ok(result) => drop(reply.send(Ok(result))),
            Err(_) => {
                // 工作进程死了：这个任务失败，喂料线程也结束，别的工作进程照常干活。
                let pid = worker.pid();
                let how = worker.join().map_or_else(|e| e.to_string(), describe);
                let _ = reply.send(Err(format!("工作进程 {pid} 崩溃了（{how}）")));
                return;
            }
        }
    }
    let _ = worker.join();
}

/// 工作进程的主循环：收一个任务，做完，把结果发回去；父进程关掉通道时结束。
pub fn serve<J: Message, R: Message>(boot: Boot, mut work: impl FnMut(J) -> R) -> shared::Result {
    let parent = boot.connect::<J, R>()?;
    while let Ok(job) = parent.recv() {
        parent.send(work(job))?;
    }
    Ok(())
}
