//! 文档「线程属性」的缺点：「一个线程死掉……导致整个进程就死掉」。
//!
//! 这句话说的是崩溃 (crash)，不是出错，而且 Python 和 Rust 一样：
//! - 出错：Python 线程里没人接住的异常只结束这个线程——`threading.excepthook` 打印回溯，
//!   主线程照常运行，`join()` 也不告诉你出了事。Rust 线程 panic（下标越界、`expect` 失败）
//!   也只结束它自己：它的栈被展开 (unwind)，拿着的东西被释放，`join` 返回 `Err`，里面装着
//!   panic 的内容 (payload)，由主线程决定怎么办。
//! - 崩溃：任何一个线程 abort（Python 的 `os.abort()`、Rust 的 `std::process::abort()`）
//!   或者段错误 (segfault)，整个进程立刻结束，别的线程什么也来不及做。Rust 里主线程
//!   panic，或者 Cargo.toml 设了 `panic = "abort"` 时任何线程 panic，也会结束整个进程。
//!
//! 加 `--crash` 再看崩溃：一个线程 abort，主线程的最后一行不会出现。
//! 注意：panic 时它拿着的 `Mutex` 会"中毒" (poisoned)，别的线程 `lock()` 会得到 `Err`。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add clap --features derive
//! ```

use std::any::Any;
use std::io::{self, Write};
use std::panic;
use std::process;
use std::thread;

use clap::Parser;

/// 一个线程 panic 只结束它自己；加 --crash 再看一个线程 abort 结束整个进程。
#[derive(Debug, Parser)]
pub struct Opts {
    /// 最后再让一个线程 abort：整个进程随之结束 (a thread aborts and the process ends)
    #[arg(long)]
    pub crash: bool,
}

/// panic 的内容：`panic!("文字")` 是 `&str`，`panic!("{x}")` 是 `String`。
fn message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "（不是文字）"
    }
}

pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    run(Opts::parse())
}

/// 一个好好干活的线程和一个 panic 的线程，主线程分别 join；`--crash` 时再来一个 abort 的。
pub fn run(opts: Opts) -> Result<(), Box<dyn std::error::Error>> {
    // panic 时默认打印 `thread '…' panicked at …` 和回溯提示，看起来像程序崩溃了。
    // 换一个钩子 (panic hook)，只打印一行说明；它在 panic 的那个线程里运行。
    // 钩子里不能再 panic（panic 中再 panic，进程直接 abort），所以不用写失败会 panic 的
    // `println!`，而用 `writeln!` 并忽略它的错误（比如标准输出满了）。
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        let name = thread::current().name().unwrap_or("?").to_owned();
        let _ = writeln!(
            io::stdout(),
            "（panic hook）线程 {name} panic 了：{}",
            message(info.payload())
        );
    }));

    println!("主线程：启动两个子线程，bad 会 panic");
    let good = thread::Builder::new()
        .name("good".into())
        .spawn(|| (1..=100).sum::<u32>())?;
    let bad = thread::Builder::new()
        .name("bad".into())
        .spawn(|| -> u32 { panic!("模拟一个 bug") })?;

    match bad.join() {
        Ok(n) => println!("主线程：bad.join() 返回 Ok({n})"),
        Err(payload) => println!(
            "主线程：bad.join() 返回 Err，内容是 {:?}",
            message(&*payload)
        ),
    }
    match good.join() {
        Ok(n) => println!("主线程：good.join() 返回 Ok({n})"),
        Err(payload) => println!(
            "主线程：good.join() 返回 Err，内容是 {:?}",
            message(&*payload)
        ),
    }
    panic::set_hook(previous); // 换回原来的钩子

    if opts.crash {
        println!("主线程：再启动 crash 线程，它会 abort");
        let crash = thread::Builder::new().name("crash".into()).spawn(|| {
            println!("（crash 线程）调用 std::process::abort()：整个进程就此结束");
            process::abort()
        })?;
        let _ = crash.join(); // 等不到：abort 连主线程一起结束了
    }
    println!("主线程还在运行：一个线程 panic 了，进程没有跟着死掉.");
    Ok(())
}
// 试一试 (try this)：去掉 `set_hook` 那几行，看看默认的 panic 信息；主线程仍然活着。
