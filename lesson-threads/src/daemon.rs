//! 文档「守护线程」`daemon=True`：主线程睡 5 秒后结束，死循环的线程也随之消失。
//!
//! Rust 没有 daemon 标志，也不需要：不 join 的线程就是"守护线程"——`main` 返回、
//! 进程退出时，它们不论在做什么都被结束。（`all` 让每个例子在自己的进程里运行，
//! 所以这里也是真的随进程退出而结束。）

use std::io::{self, Write};
use std::thread;

use shared::time::secs;

/// 和非守护线程的例子一样一直打印，直到进程结束。
fn display(content: &str) -> io::Result<()> {
    loop {
        let mut out = io::stdout().lock();
        write!(out, "{content}")?;
        out.flush()?;
        drop(out); // 睡眠前放开 stdout 的锁
        thread::sleep(secs(0.1));
    }
}

/// 启动 Ping 和 Pong 两个线程，不 join；主线程睡 5 秒后返回，进程随之退出。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `thread::spawn(f)` 是同一个调用，但操作系统不让开线程时会 panic；
    // `Builder::spawn(f)?` 把这种拒绝变成一个错误。名字是时间线上的行名（最多 15 字节）。
    thread::Builder::new()
        .name("Ping".into())
        .spawn(|| display("Ping"))?;
    thread::Builder::new()
        .name("Pong".into())
        .spawn(|| display("Pong"))?;
    thread::sleep(secs(5.0));
    Ok(())
}
// 试一试 (try this)：把 `secs(5.0)` 改成 `secs(1.0)`，Ping/Pong 只打印约十个就随进程消失了。
