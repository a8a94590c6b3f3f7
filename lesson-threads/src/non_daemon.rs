//! 文档「守护线程」第一段：两个死循环的线程，不是守护线程，程序不会自己结束。
//!
//! Rust 的线程没有 daemon 标志：`main` 一返回，进程退出，所有线程都跟着消失，
//! 所以不 join 的 Rust 线程都像守护线程。要得到 Python 非守护线程的样子（进程等着
//! 它们），就得 `join`。这个例子一直运行，按 Ctrl-C 停止。

use std::io::{self, Write};
use std::thread;

use shared::time::secs;

/// 文档的 `display(content)`：不换行地一直打印，每次都刷新 (flush) 输出缓冲区。
/// 只有标准输出被关掉（比如管道另一端退出了）时才返回错误。
fn display(content: &str) -> io::Result<()> {
    loop {
        let mut out = io::stdout().lock();
        write!(out, "{content}")?;
        out.flush()?;
        drop(out); // 睡眠前放开 stdout 的锁
        thread::sleep(secs(0.1));
    }
}

/// 启动 Ping 和 Pong 两个线程，然后等它们——永远等下去。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 名字会出现在时间线和 `top -H` 里。
    let ping = thread::Builder::new()
        .name("Ping".into())
        .spawn(|| display("Ping"))?;
    let pong = thread::Builder::new()
        .name("Pong".into())
        .spawn(|| display("Pong"))?;
    ping.join().expect("display 不会 panic")?;
    pong.join().expect("display 不会 panic")?;
    Ok(())
}
