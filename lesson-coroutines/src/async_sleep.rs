//! 协程程序 · `await asyncio.sleep(1)`：真正的并发。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add tokio --features rt,time,sync
//!     cargo add futures --no-default-features --features alloc
//!     cargo add tracing --no-default-features --features std
//! ```
//!
//! `tokio::time::sleep` 返回一个 future：`.await` 它时，时间未到，当前协程就暂停，把线程
//! 交还运行时去推进别的协程；计时器 (timer) 到点后再叫醒它。
//! 顺序是必然的：`join_all` 在同一次推进里依次推进三个协程，每个打印 world 后停在睡眠上；
//! 计时器只有在运行时回到事件循环时才会触发，那时三个 world 都已打印。约 1 秒后三个
//! again，一共约 1 秒，而不是 3 秒。
//! 试一试 (try this)：`cargo run -p lesson-coroutines -- async-sleep --timeline`。

use std::time::Instant;

use futures::future::join_all;
use shared::time::secs;
use tracing::Instrument;

async fn hello() {
    println!("Hello world! ({:?})", std::thread::current());
    // 支持异步的睡眠，.await 让它交出执行权。
    tokio::time::sleep(secs(1.0)).await;
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
    println!("总耗时: {:.3}秒.", start.elapsed().as_secs_f64()); // 约 1 秒
    Ok(())
}
