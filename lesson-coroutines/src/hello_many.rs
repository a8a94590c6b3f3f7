//! 协程程序 · 三个协程：`loop.run_until_complete(asyncio.wait(tasks))`。
//!
//! `futures::future::join_all` 把三个 future 合成一个，轮流推进，直到全部完成，
//! 对应 `asyncio.wait`。运行时只有当前这一个线程，所以六行打印的是同一个线程。
//! 和 Python 不同：`#[tokio::main]` 默认是多线程运行时，`tokio::spawn` 出去的任务
//! 可能落在不同的工作线程 (worker thread) 上；current-thread 运行时才和 asyncio 一样。

use futures::future::join_all;

/// `n` 只用来给时间线上的这一行起名字。
async fn hello(_n: usize) {
    println!("Hello world! ({:?})", std::thread::current());
    println!("Hello again! ({:?})", std::thread::current());
}

/// 三个 `hello()` 交给同一个单线程运行时。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    // tasks 列表保存三个 future；此刻它们一行也没有运行。
    let tasks: Vec<_> = (1..=3).map(hello).collect();
    runtime.block_on(join_all(tasks));
    Ok(())
}
