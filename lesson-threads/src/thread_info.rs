//! 文档「其他线程方法」：`currentThread()`、`enumerate()`、`TIMEOUT_MAX` 在 Rust 里是什么。
//!
//! - `threading.currentThread()` → `thread::current()`：名字（可能没有）和进程内唯一的 `ThreadId`。
//! - `threading.enumerate()` → 标准库不登记线程，只能问操作系统（`shared::threads::list`）：
//!   Linux 的 `/proc/self/task` 每个线程一个目录，名字是内核里的 `comm`（最多 15 字节，
//!   主线程是程序名）；Windows 的线程快照，主线程叫 main；macOS 的 `task_threads`。
//! - `threading.TIMEOUT_MAX` → 没有。Rust 没有全局的超时上限，每个会等待的方法自己接收
//!   一个 `Duration`（`recv_timeout`、`Condvar::wait_timeout`、`park_timeout`），
//!   `JoinHandle::join` 则没有超时版本。

use std::sync::mpsc;
use std::thread;

use shared::stopwatch::Stopwatch;
use shared::time::{secs, unscaled_secs};

fn describe(t: &thread::Thread) -> String {
    format!("名字 {:?}，id {:?}", t.name(), t.id())
}

/// 打印主线程和一个子线程的信息，列出本进程的所有线程，再演示一次有上限的等待。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "threading.currentThread() → thread::current()：{}",
        describe(&thread::current())
    );

    let (ready_tx, ready_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let worker = thread::Builder::new()
        .name("worker".into())
        .spawn(move || {
            println!(
                "子线程里的 thread::current()：{}",
                describe(&thread::current())
            );
            let _ = ready_tx.send(());
            // 等到主线程放手：发送端被丢掉时 recv 返回 Err。
            let _ = stop_rx.recv();
        })?;
    ready_rx.recv()?; // 子线程打印完、还活着的时候再列出线程

    let list = shared::threads::list()?;
    println!(
        "threading.enumerate() → 问操作系统：本进程有 {} 个线程：",
        list.len()
    );
    for (tid, name) in &list {
        println!("  线程号 {tid}，名字 {name}");
    }
    drop(stop_tx);
    worker.join().expect("子线程不会 panic");

    println!("threading.TIMEOUT_MAX → Rust 没有全局超时上限：每次等待自己带一个 Duration.");
    let (_tx, rx) = mpsc::channel::<()>();
    let watch = Stopwatch::start();
    let waited = rx.recv_timeout(secs(1.0));
    println!(
        "rx.recv_timeout(1 秒) 返回 {waited:?}，等了 {:.3} 秒.",
        unscaled_secs(watch.elapsed())
    );
    Ok(())
}
