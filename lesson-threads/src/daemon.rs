//! 文档「守护线程」`daemon=True`：主线程睡 5 秒后结束，死循环的线程也随之消失。
//!
//! Rust 没有 daemon 标志，也不需要：不 join 的线程就是"守护线程"——`main` 返回、
//! 进程退出时，它们不论在做什么都被结束。单独运行这个例子时正是这样。
//! 只有 `all` 不同：它在同一个进程里接着跑别的例子，进程并没有退出，所以 `run`
//! 返回前举起一个停止标志，等两个线程停下，免得 Ping/Pong 混进后面的输出。

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use shared::time::sleep_secs;
use shared::timeline::{Kind, span};

/// 代替"进程退出"的停止标志，只为 `all` 而设。
static PROCESS_EXITING: AtomicBool = AtomicBool::new(false);

/// 和非守护线程的例子一样一直打印，只是每圈看一眼停止标志。
fn display(content: &str) -> io::Result<()> {
    while !PROCESS_EXITING.load(Ordering::Relaxed) {
        span(content, Kind::Running, || -> io::Result<()> {
            let mut out = io::stdout().lock();
            write!(out, "{content}")?;
            out.flush()
        })?;
        span(content, Kind::Sleeping, || sleep_secs(0.1));
    }
    Ok(())
}

/// 启动 Ping 和 Pong 两个线程，主线程睡 5 秒后返回。
pub fn run() -> shared::Result {
    PROCESS_EXITING.store(false, Ordering::Relaxed);
    let ping = thread::spawn(|| display("Ping"));
    let pong = thread::spawn(|| display("Pong"));
    span("主线程", Kind::Sleeping, || sleep_secs(5.0));
    // 单独运行时，main 在这里返回就够了，进程退出会带走两个线程；下面三行只为 `all`。
    PROCESS_EXITING.store(true, Ordering::Relaxed);
    ping.join().expect("display 不会 panic")?;
    pong.join().expect("display 不会 panic")?;
    println!(); // Ping/Pong 不换行，这里收个尾
    Ok(())
}
