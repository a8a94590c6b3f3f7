//! 高并发限制：`asyncio.Semaphore(2)`，同时最多两个协程在里面。
//!
//! `tokio::sync::Semaphore` 有两个许可 (permit)。`acquire().await` 拿不到许可时协程
//! 暂停等待，不占线程；许可 (`SemaphorePermit`) 被丢弃 (drop) 时自动归还，相当于
//! 离开 `async with`。三个协程：两个先进去，第三个等一个出来才进去，一共约 2 秒。

use futures::future::join_all;
use shared::stopwatch::Stopwatch;
use tokio::sync::Semaphore;

async fn hello(_n: usize, semaphore: &Semaphore) {
    // 有了信号量的控制，最多两个协程同时在下面这段里。
    let _permit = semaphore
        .acquire()
        .await
        .expect("信号量从不关闭 (never closed)");
    println!("Hello world! ({:?})", std::thread::current());
    tokio::time::sleep(shared::time::secs(1.0)).await;
    println!("Hello again! ({:?})", std::thread::current());
} // 这里 _permit 被丢弃，许可还给信号量。

/// 创建一个限制并发量为 2 的信号量，三个 `hello()` 共用它；最后多打印一行 `总耗时`：约 2 秒。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let semaphore = Semaphore::new(2);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let start = Stopwatch::start();
    runtime.block_on(join_all((1..=3).map(|n| hello(n, &semaphore))));
    start.print_total(3);
    Ok(())
}
