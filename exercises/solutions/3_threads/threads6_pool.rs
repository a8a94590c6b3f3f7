// 练习 threads6：线程池 (thread pool) 里一个任务 panic 了，池照常干活，句柄拿到那个 panic。
// 对应文档「线程池」，课程例子 `cargo run -p lesson-threads -- pool` 和 `-- thread-panic`。
//
// 课程的最小线程池：4 个工作线程 (worker) 从同一个通道里取任务。任务 panic 时，panic
// 沿着工作线程的栈展开 (unwind)，把这个工作线程也结束了：池少了一个线程，任务的结果也
// 没了。Python 的 `future.result()` 会把任务里的异常重新抛出来；在 Rust 里，用
// `std::panic::catch_unwind` 在任务外面接住 panic，得到 `Err(内容)`，把它当结果送回去：
// 工作线程活下来，句柄的 `result()` 返回 `Err(panic 的内容)`。
//
// 解法：`let outcome = panic::catch_unwind(AssertUnwindSafe(f)); let _ = tx.send(outcome);`。

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// 固定数量工作线程的线程池。
struct ThreadPool {
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

/// `submit` 返回的句柄：`result()` 等任务做完并取回结果。
struct Handle<T>(Receiver<thread::Result<T>>);

impl ThreadPool {
    /// 启动 `max_workers` 个工作线程，名字是 `pool-0`、`pool-1`……
    fn new(max_workers: usize) -> ThreadPool {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let workers = (0..max_workers)
            .map(|i| {
                let queue = Arc::clone(&queue);
                let work = move || {
                    loop {
                        // 取任务时拿着锁，取到就放开，再做任务。
                        let job = queue.lock().expect("取任务时不会 panic").recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break, // 池被丢弃，任务也取完了
                        }
                    }
                };
                thread::Builder::new()
                    .name(format!("pool-{i}"))
                    .spawn(work)
                    .expect("操作系统允许开线程")
            })
            .collect();
        ThreadPool {
            jobs: Some(jobs),
            workers,
        }
    }

    /// 提交一个任务，立即返回句柄；任务由某个空闲的工作线程执行。
    fn submit<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Handle<T> {
        let (tx, rx) = mpsc::channel();
        let job = Box::new(move || {
            // 接住任务的 panic：工作线程不跟着结束，panic 的内容当作结果送回。
            let outcome = panic::catch_unwind(AssertUnwindSafe(f));
            let _ = tx.send(outcome);
        });
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job); // 工作线程都不在了就送不出去，result() 会说明
        }
        Handle(rx)
    }

    /// 还活着的工作线程有几个。
    fn alive(&self) -> usize {
        self.workers.iter().filter(|w| !w.is_finished()).count()
    }
}

impl<T> Handle<T> {
    /// 等任务做完：`Ok(结果)`，或 `Err(panic 的内容)`。
    fn result(self) -> Result<T, String> {
        match self.0.recv() {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(payload)) => Err(message(&*payload)),
            Err(_) => Err("没有结果：做这个任务的工作线程死了".to_owned()),
        }
    }
}

/// panic 的内容：`panic!("文字")` 是 `&str`，`panic!("{x}")` 是 `String`。
fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "（不是文字）".to_owned()
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

fn main() {
    let pool = ThreadPool::new(4);
    let bad = pool.submit(|| -> u32 { panic!("模拟一个 bug") });
    let good = pool.submit(|| (1..=100).sum::<u32>());
    println!("bad.result() = {:?}", bad.result());
    println!("good.result() = {:?}", good.result());
    println!("池里还有 {} 个工作线程.", pool.alive());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::time::Duration;

    #[test]
    fn result_returns_the_panic() {
        let pool = ThreadPool::new(2);
        let bad = pool.submit(|| -> u32 { panic!("模拟一个 bug") });
        assert_eq!(
            bad.result(),
            Err("模拟一个 bug".to_owned()),
            "panic 的任务，result() 应该返回 Err(panic 的内容)：用 catch_unwind 接住它，把结果送回去"
        );
    }

    #[test]
    fn the_pool_keeps_its_workers() {
        let pool = ThreadPool::new(4);
        // 四个任务都 panic：没接住的话，四个工作线程全死了。
        let bad: Vec<_> = (0..4)
            .map(|i| pool.submit(move || -> u32 { panic!("第 {i} 个坏任务") }))
            .collect();
        for handle in bad {
            assert!(handle.result().is_err(), "panic 的任务没有结果");
        }
        // 再交 8 个正常的任务：每个睡一会儿，让几个工作线程都轮上。
        let good: Vec<_> = (0..8)
            .map(|i| {
                pool.submit(move || {
                    thread::sleep(Duration::from_millis(20));
                    (i, thread::current().name().unwrap_or("?").to_owned())
                })
            })
            .collect();
        let mut names = BTreeSet::new();
        for (i, handle) in good.into_iter().enumerate() {
            let (j, name) = handle.result().unwrap_or_else(|e| {
                panic!("第 {i} 个正常的任务没有结果（{e}）：工作线程被前面 panic 的任务带走了")
            });
            assert_eq!(i, j, "句柄应该拿回自己那个任务的结果");
            names.insert(name);
        }
        assert_eq!(
            pool.alive(),
            4,
            "panic 之后池里只剩 {} 个工作线程：任务的 panic 要接住，别让它结束工作线程",
            pool.alive()
        );
        assert!(
            names.iter().all(|n| n.starts_with("pool-")),
            "任务应该由池里的工作线程做：{names:?}"
        );
    }
}
