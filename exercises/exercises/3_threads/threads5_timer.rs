// 练习 threads5：一个能取消 (cancel) 的定时器 (timer)。
// 对应文档「其他线程方法」的延迟线程，课程例子 `cargo run -p lesson-threads -- timer`。
//
// `threading.Timer(5, run)` 是一个过 5 秒才执行 `run` 的线程，到点之前可以 `cancel()`。
// 标准库没有 Timer。只会 `thread::sleep(delay)` 的定时器取消不了：线程睡着，听不见。
// 要让它一边等时间、一边听取消，就在一个通道 (channel) 上等：`recv_timeout(delay)`
// 最多等 `delay`——先收到取消（或者发送端被丢弃）就不执行；等满了（`Timeout`）才执行。
//
// 现在的定时器睡到点就执行，取消不了。让它在通道上等，听得见取消。

use std::sync::mpsc::{self, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// 一次性定时器：一个线程，到点执行任务，或者被取消。
struct Timer {
    cancel: Sender<()>,
    thread: JoinHandle<bool>,
}

impl Timer {
    /// `delay` 之后在新线程里执行 `f`，相当于 `Timer(delay, f).start()`。
    fn start(delay: Duration, f: impl FnOnce() + Send + 'static) -> Timer {
        let (cancel, cancelled) = mpsc::channel::<()>();
        let thread = thread::spawn(move || {
            // TODO：睡着的线程听不见取消。别睡：`match cancelled.recv_timeout(delay)`，
            // 等满了还没消息（`Err(RecvTimeoutError::Timeout)`，要 `use` 它）才执行 f、
            // 返回 true；收到取消 `Ok(())`、或发送端没了 `Err(RecvTimeoutError::Disconnected)`，
            // 都返回 false。
            let _cancelled = cancelled; // 现在没人听取消
            thread::sleep(delay);
            f();
            true
        });
        Timer { cancel, thread }
    }

    /// 在触发前取消；已经触发的取消不了。
    fn cancel(&self) {
        let _ = self.cancel.send(());
    }

    /// 等定时器的线程结束；返回任务有没有执行。
    fn join(self) -> bool {
        // 先等线程再丢掉 cancel：发送端一丢，等待的线程会以为被取消了。
        let fired = self.thread.join().expect("定时任务不会 panic");
        drop(self.cancel);
        fired
    }
}

fn main() {
    let t1 = Timer::start(Duration::from_millis(300), || println!("启动线程"));
    println!("t1 执行了吗：{}", t1.join());
    let t2 = Timer::start(Duration::from_millis(300), || println!("这一行不该出现"));
    thread::sleep(Duration::from_millis(100));
    t2.cancel();
    println!("t2 在第 0.1 秒被取消，执行了吗：{}", t2.join());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Instant;

    /// 一个记下"我执行过"的任务。
    fn task() -> (Arc<AtomicBool>, impl FnOnce() + Send + 'static) {
        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        (ran, move || flag.store(true, Ordering::SeqCst))
    }

    #[test]
    fn a_timer_runs_its_task_after_the_delay() {
        let (ran, f) = task();
        let start = Instant::now();
        let t = Timer::start(Duration::from_millis(100), f);
        assert!(t.join(), "没被取消的定时器到点应该执行任务");
        assert!(ran.load(Ordering::SeqCst), "任务应该执行过");
        assert!(
            start.elapsed() >= Duration::from_millis(100),
            "任务在 {:?} 就执行了，应该等满 100 毫秒",
            start.elapsed()
        );
    }

    #[test]
    fn a_cancelled_timer_does_not_run_its_task() {
        let (ran, f) = task();
        let start = Instant::now();
        let t = Timer::start(Duration::from_millis(1000), f);
        thread::sleep(Duration::from_millis(50));
        t.cancel();
        let fired = t.join();
        let took = start.elapsed();
        assert!(
            !fired && !ran.load(Ordering::SeqCst),
            "定时器在第 50 毫秒就取消了，1 秒后任务还是执行了：sleep 的线程听不见取消。\
             在通道上 recv_timeout(delay)，收到取消就不执行"
        );
        // 取消之后线程马上结束，不必睡到原定的 1 秒。
        assert!(
            took < Duration::from_millis(700),
            "取消之后过了 {took:?} 定时器的线程才结束：它应该一收到取消就结束"
        );
    }
}
