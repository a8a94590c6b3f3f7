//! 协程程序 · 协程里的 `time.sleep(1)`：阻塞的睡眠让三个协程串行。
//!
//! `std::thread::sleep` 让整个线程停下。运行时只有这一个线程，睡眠期间它没有机会
//! 切到别的协程，所以三个 `hello()` 一个接一个，总共约 3 秒。
//! 躲不开的阻塞工作（读大文件、重计算）交给 `tokio::task::spawn_blocking`，它在另一个
//! 线程上运行，不挡住运行时。
//! 试一试 (try this)：`--timeline` 看三段睡眠首尾相接。

use futures::future::join_all;
use shared::stopwatch::Stopwatch;

async fn hello(_n: usize) {
    println!("Hello world! ({:?})", std::thread::current());
    // 增加 1 秒延迟：阻塞的睡眠，没有交出执行权。
    std::thread::sleep(shared::time::secs(1.0));
    println!("Hello again! ({:?})", std::thread::current());
}

/// 三个 `hello()` 交给单线程运行时。文档用"(1秒延迟)"标出停顿，这里最后多打印一行
/// `总耗时`（线程一节的格式），一共等了多久一目了然：约 3 秒。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let start = Stopwatch::start();
    runtime.block_on(join_all((1..=3).map(hello)));
    start.print_total(3);
    Ok(())
}
