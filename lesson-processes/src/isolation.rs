//! 文档「进程属性」和「提示」：一个进程卡住或崩溃，不影响别的进程。
//!
//! p1 一直阻塞：主进程最多等它 3 秒（`join_timeout`，即 Python 的 `p1.join(3)`），
//! 然后结束 (kill) 它，后面的 p2、p3 才得以运行。p2 真的崩溃（`abort`：立刻以 SIGABRT
//! 结束，不展开栈；系统开着 core dump 时会留下 core 文件）：它有自己的地址空间，崩掉的
//! 只是它自己。主进程从 `join` 的错误里看到每个子进程怎样结束，最后照常退出（退出码 0）。
//! 同一个进程里的线程就不同：一个线程 abort，整个进程都没了。
//!
//! 复制到自己的项目时把 shared/ 文件夹一起复制。

use std::thread;

use shared::process::{self, Process};
use shared::time::secs;

/// p1：永远阻塞。
fn stuck() {
    loop {
        thread::park();
    }
}

/// p2：崩溃。
fn crash() {
    std::process::abort();
}

/// p3：正常干活，即文档的 `coding()`。
fn coding() {
    println!("开始写代码，PID是{}", std::process::id());
    println!("休息一会儿，PID是{}", std::process::id());
}

/// 打印一个子进程怎样结束。
fn report(name: &str, result: Result<(), process::Error>) {
    match result {
        Ok(()) => println!("{name} 结束了：正常结束"),
        Err(e) => println!("{name} 结束了：{e}"),
    }
}

/// 依次运行 p1、p2、p3，每个都等它结束。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    process::init()?; // Rust 的 `if __name__ == '__main__':`
    let mut p1 = Process::spawn(stuck, ())?;
    println!("p1 一直阻塞，PID是{}", p1.pid());
    if !p1.join_timeout(secs(3.0)) {
        println!("p1 等了 3 秒还没结束，结束它");
        p1.kill()?;
    }
    report("p1", p1.join());

    let p2 = Process::spawn(crash, ())?;
    println!("p2 会崩溃，PID是{}", p2.pid());
    report("p2", p2.join());

    let p3 = Process::spawn(coding, ())?;
    report("p3", p3.join());
    println!("主进程安然无恙，PID是{}", std::process::id());
    Ok(())
}
