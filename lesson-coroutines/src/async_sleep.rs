//! 协程程序 · `await asyncio.sleep(1)`：真正的并发。
//!
//! `tokio::time::sleep` 返回一个 future：`.await` 它时，若时间未到，当前协程就暂停，
//! 把线程交还运行时去推进别的协程；计时器 (timer) 到点后再叫醒它。于是三个
//! `Hello world!` 先打印，约 1 秒后三个 `Hello again!`，一共约 1 秒。
//! 试一试：把它和 `blocking-sleep` 都加上 `--timeline`，对比三段睡眠。

use futures::future::join_all;
use shared::stopwatch::Stopwatch;

async fn hello(_n: usize) {
    println!("Hello world! ({:?})", std::thread::current());
    // 支持异步的睡眠，.await 让它交出执行权。
    tokio::time::sleep(shared::time::secs(1.0)).await;
    println!("Hello again! ({:?})", std::thread::current());
}

/// 三个 `hello()` 交给单线程运行时，最后多打印一行 `总耗时`：约 1 秒。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let start = Stopwatch::start();
    runtime.block_on(join_all((1..=3).map(hello)));
    start.print_total(3);
    Ok(())
}
