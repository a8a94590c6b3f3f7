//! 文档「进程阻塞」：不 `join` 时主进程不等子进程；`join` 让主进程等子进程结束再往下走。
//!
//! 输出的先后不靠谁快几微秒，而是这样保证的：
//! - `Process::spawn` 在子进程连上之后才返回，主进程接着只剩一行要打印；子进程却要先
//!   准备 0.5 秒（按比例缩放）才打印第一行——几个数量级的余量，忙碌的机器上也一样，
//!   所以不 join 时主进程的两行总在子进程的两行之前；
//! - 子进程两行之间有一段真正的运算（文档说的"大量的耗时的运算"，1 秒），一共 1.5 秒，
//!   远少于主进程睡的 5 秒，所以它的两行都在分隔线之前；
//! - `join` 时主进程等子进程整个做完，它的两行一定在主进程的最后一行之前。
//!
//! Python 退出前会替你等没 join 的 p1；Rust 的 `Process` 被丢弃时会结束子进程，所以最后
//! 明确 join p1（它早就结束了）。加 `--timeline` 看两个子进程什么时候在算、什么时候在睡。
//!
//! 复制到自己的项目时把 shared/ 文件夹一起复制。

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use shared::process::{self, Process};
use shared::time::secs;

/// 耗时的运算：实打实地算满 `d`（占着一个 CPU）。
fn compute(d: Duration) -> u64 {
    let start = Instant::now();
    let mut x = 0u64;
    while start.elapsed() < d {
        for i in 0..10_000 {
            x = black_box(x.wrapping_mul(31).wrapping_add(i));
        }
    }
    x
}

/// 子进程里运行的函数，即文档的 `coding()`。
fn coding() {
    let pid = std::process::id();
    thread::sleep(secs(0.5)); // 先准备一会儿
    println!("开始写代码，PID是{pid}");
    compute(secs(1.0)); // 大量的耗时的运算
    println!("休息一会儿，PID是{pid}");
}

/// 先不阻塞，再阻塞。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    process::init()?; // Rust 的 `if __name__ == '__main__':`
    let pid = std::process::id();
    println!("无阻塞输出：");
    println!("我是主进程，PID是{pid}");
    let p1 = Process::spawn(coding, ())?;
    println!("我是主进程，PID是{pid}");
    thread::sleep(secs(5.0));
    println!("{}", "*".repeat(20));
    println!("有阻塞输出：");
    println!("我是主进程，PID是{pid}");
    let p2 = Process::spawn(coding, ())?;
    p2.join()?; // 阻塞主进程，等待子进程 p2 执行结束
    println!("我是主进程，PID是{pid}");
    p1.join()?; // 幕后：收回 p1（Python 退出前也会等它）
    Ok(())
}
