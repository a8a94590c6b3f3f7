//! 高并发限制：`asyncio.Semaphore(2)`，同时最多两个协程在里面。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add tokio --features rt,time,sync
//!     cargo add futures --no-default-features --features alloc
//!     cargo add tracing --no-default-features --features std
//! ```
//!
//! `tokio::sync::Semaphore` 有两个许可 (permit)。`acquire().await` 拿不到许可时协程暂停
//! 等待，不占线程；许可 (`SemaphorePermit`) 被丢弃 (drop) 时自动归还，相当于离开
//! `async with`。两个先进去，第三个等一个出来才进去，一共约 2 秒。
//! 前两行（两个 world）和最后一行（again）的位置是必然的：第三个在第一轮推进里就拿不到
//! 许可。中间三行按文档是 again、again、world，这要前两个协程同一刻醒来；它们的睡眠
//! 相差几微秒开始，tokio 的计时器按毫秒走，偶尔（约百分之一）两个落在相邻的两个毫秒上，
//! 第一个先醒、归还许可，第三个马上进来：again、world、again。信号量允许这样，
//! Python 的 asyncio 也一样。

use std::time::Instant;

use futures::future::join_all;
use shared::time::secs;
use tokio::sync::Semaphore;
use tracing::Instrument;

async fn hello(semaphore: &Semaphore) {
    // 有了信号量的控制，最多两个协程同时在下面这段里。
    // （instrument 在时间线上标出等许可的这一段，没有订阅者时什么也不做。）
    let _permit = semaphore
        .acquire()
        .instrument(tracing::info_span!("acquire"))
        .await
        .expect("信号量从不关闭 (never closed)");
    println!("Hello world! ({:?})", std::thread::current());
    tokio::time::sleep(secs(1.0)).await;
    println!("Hello again! ({:?})", std::thread::current());
} // 这里 _permit 被丢弃，许可还给信号量。

pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 创建一个信号量，限制并发量为 2。
    let semaphore = Semaphore::new(2);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let start = Instant::now();
    let tasks = (1..=3).map(|i| hello(&semaphore).instrument(tracing::info_span!("hello", i)));
    runtime.block_on(join_all(tasks));

    println!();
    println!("—— 补充 (extra) ——");
    println!("总耗时: {:.3}秒.", start.elapsed().as_secs_f64()); // 约 2 秒
    Ok(())
}
