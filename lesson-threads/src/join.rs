//! 文档「线程阻塞」：不 `join` 时主线程不等子线程；`join` 让主线程等子线程结束。
//!
//! 输出的先后不靠运气，而是这样保证的：
//! - Python 的 `t1.start()` 要等新线程真的开始运行才返回；这里子线程打印第一行后
//!   通过通道 (channel) 发一声"开始了"，主线程收到才往下走，所以 `子线程开始` 在前；
//! - 子线程在两行之间有一段耗时的运算（文档说的"大量的耗时的运算"，这里睡 1 秒），
//!   主线程收到信号后只剩一行要打印，所以不 join 时 `主线程结束` 先于 `子线程结束`；
//! - `join` 时主线程等子线程整个做完，`子线程结束` 一定在 `主线程结束` 之前。
//!
//! Rust 的 `main` 返回时进程退出，不会像 Python 那样等没 join 的线程；为了不让第一段
//! 的 `子线程结束` 丢掉或混进第二段，第二段开始前悄悄等 t1 结束（不算在演示里）。

use std::sync::mpsc::{self, Sender};
use std::thread;

use shared::time::secs;

/// 文档的 `run()`：开始、耗时的运算、结束。
fn child(started: Sender<()>) {
    println!("子线程开始");
    let _ = started.send(()); // 告诉主线程：已经开始了
    thread::sleep(secs(1.0)); // 耗时的运算
    println!("子线程结束");
}

/// 启动一个子线程，等它开始运行才返回（和 Python 的 `start()` 一样）。
fn start() -> Result<thread::JoinHandle<()>, Box<dyn std::error::Error>> {
    let (tx, rx) = mpsc::channel();
    let t = thread::Builder::new().spawn(move || child(tx))?;
    rx.recv()?;
    Ok(t)
}

/// 先不阻塞，再阻塞。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("无阻塞输出：");
    println!("主线程开始");
    let t1 = start()?;
    println!("主线程结束");
    t1.join().expect("子线程不会 panic"); // 幕后：等第一段的子线程打印完

    println!("有阻塞输出：");
    println!("主线程开始");
    let t2 = start()?;
    // 阻塞主线程，直到 t2 结束。
    t2.join().expect("子线程不会 panic");
    println!("主线程结束");
    Ok(())
}
