//! 文档「延迟线程」：`threading.Timer(5, run)`——一个过 5 秒才执行 `run` 的线程。
//!
//! 标准库没有 Timer，这里用 crossbeam-channel 写一个：线程里用 `select!` 同时等两件事，
//! `after(delay)` 到点（执行任务）或者取消通道来消息（直接结束）。哪个先来就走哪边，
//! 所以定时器和 Python 的一样可以在触发前 `cancel()`。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add crossbeam-channel
//! ```

use std::io;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::{Sender, after, bounded, select};
use shared::stopwatch::Stopwatch;
use shared::time::{secs, unscaled_secs};

/// 一次性定时器 (one-shot timer)：一个线程，到点执行任务，或者被取消。
#[derive(Debug)]
pub struct Timer {
    cancel: Sender<()>,
    thread: JoinHandle<bool>,
}

impl Timer {
    /// 启动定时器：`delay` 之后在新线程里执行 `f`，相当于 `Timer(delay, f).start()`。
    /// 操作系统不让开线程时返回错误。
    pub fn start(delay: Duration, f: impl FnOnce() + Send + 'static) -> io::Result<Self> {
        let (cancel, cancelled) = bounded(1);
        let thread = thread::Builder::new().spawn(move || {
            select! {
                recv(after(delay)) -> _ => { f(); true }
                recv(cancelled) -> _ => false,
            }
        })?;
        Ok(Timer { cancel, thread })
    }

    /// 在触发前取消；已经触发的取消不了。
    pub fn cancel(&self) {
        let _ = self.cancel.try_send(());
    }

    /// 等定时器线程结束；返回任务有没有执行。
    pub fn join(self) -> bool {
        // 先等线程，再丢掉 cancel：丢掉发送端也会让 `cancelled` 醒来，等于取消。
        let fired = self.thread.join().expect("定时任务不会 panic");
        drop(self.cancel);
        fired
    }
}

/// 文档里定时执行的 `run`。
fn task() {
    println!("启动线程");
    println!("结束线程");
}

/// 先照文档等一个 5 秒的定时器，再启动一个 2 秒的并在触发前取消它。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let t1 = Timer::start(secs(5.0), task)?;
    t1.join();
    println!("结束");

    println!();
    println!("—— 补充 (extra) ——");
    let watch = Stopwatch::start();
    let t2 = Timer::start(secs(2.0), task)?;
    thread::sleep(secs(1.0));
    t2.cancel();
    thread::sleep(secs(2.0)); // 等过原定的触发时刻：被取消的任务不会再执行
    let fired = t2.join();
    println!(
        "t2 原定 2 秒后启动，第 1 秒时被取消 (cancel)；到第 {:.0} 秒，它{}.",
        unscaled_secs(watch.elapsed()),
        if fired { "执行了" } else { "没有执行" }
    );
    Ok(())
}
