//! 协程程序 · 协程里的 `time.sleep(1)`：阻塞的睡眠让三个协程串行。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add tokio --features rt,time,sync
//!     cargo add futures --no-default-features --features alloc
//!     cargo add tracing --no-default-features --features std
//! ```
//!
//! `std::thread::sleep` 让整个线程停下。运行时只有这一个线程，睡眠期间它没法切到别的
//! 协程：`hello()` 里没有 `.await`，第一次被推进就连睡带打印跑完，下一个才开始。
//! 所以每个 world 后面紧跟它自己的 again（必然如此），三次睡眠首尾相接，约 3 秒。
//! 躲不开的阻塞工作（读大文件、重计算）交给 `tokio::task::spawn_blocking`，它在另一个
//! 线程上运行，不挡住运行时。
//! 试一试 (try this)：`cargo run -p lesson-coroutines -- blocking-sleep --timeline`。

use std::time::Instant;

use futures::future::join_all;
use shared::time::secs;
use tracing::Instrument;

async fn hello() {
    println!("Hello world! ({:?})", std::thread::current());
    // 增加 1 秒延迟：阻塞的睡眠，没有交出执行权。
    std::thread::sleep(secs(1.0));
    println!("Hello again! ({:?})", std::thread::current());
}

pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let start = Instant::now();
    // instrument：给时间线起名字，没有订阅者 (subscriber) 时什么也不做。
    let tasks = (1..=3).map(|i| hello().instrument(tracing::info_span!("hello", i)));
    runtime.block_on(join_all(tasks));

    println!();
    println!("—— 补充 (extra) ——");
    // 文档用"(1秒延迟)"标出停顿；这里量出一共等了多久：约 3 秒。
    println!("总耗时: {:.3}秒.", start.elapsed().as_secs_f64());
    Ok(())
}
