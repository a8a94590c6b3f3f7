//! 文档「守护线程」`daemon=True`：主线程睡 5 秒后结束，死循环的线程也随之消失。
//!
//! Rust 没有 daemon 标志，也不需要：不 join 的线程就是"守护线程"——`main` 返回、
//! 进程退出时，它们不论在做什么都被结束。（`all` 让每个例子在自己的进程里运行，
//! 所以这里也是真的随进程退出而结束。）

use std::io::{self, Write};
use std::thread;
use std::time::Instant;

use shared::time::secs;

/// 和非守护线程的例子一样一直打印（每 0.1 秒一次），直到进程结束。
///
/// 每次睡到"第 k 拍"的时刻，而不是每次睡 0.1 秒：误差不会一拍拍累积。拍子落在
/// 0.05、0.15、0.25……秒，和主线程第 5 秒醒来错开半拍，所以机器不忙时 Ping、Pong 各约 50 个。
/// 这个数没有保证：主线程醒晚了（机器忙），进程多活一会儿，拍子就多几个。守护线程一直
/// 运行到进程退出的那一刻，谁也不等谁。
fn display(content: &str, start: Instant) -> io::Result<()> {
    for k in 0u64.. {
        let tick = start + secs(0.05 + 0.1 * k as f64);
        thread::sleep(tick.saturating_duration_since(Instant::now()));
        let mut out = io::stdout().lock();
        write!(out, "{content}")?;
        out.flush()?;
    }
    Ok(())
}

/// 启动 Ping 和 Pong 两个线程，不 join；主线程睡 5 秒后返回，进程随之退出。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 名字是时间线上的行名（最多 15 字节）。
    let start = Instant::now();
    thread::Builder::new()
        .name("Ping".into())
        .spawn(move || display("Ping", start))?;
    thread::Builder::new()
        .name("Pong".into())
        .spawn(move || display("Pong", start))?;
    thread::sleep((start + secs(5.0)).saturating_duration_since(Instant::now()));
    Ok(())
}
// 试一试 (try this)：把 `secs(5.0)` 改成 `secs(1.0)`，Ping/Pong 只打印约十个就随进程消失了。
