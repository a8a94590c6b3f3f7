//! 协程程序 · `await time.sleep(1)`：先被拒绝，再包进 `async fn`，仍然串行。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add tokio --features rt,time,sync
//!     cargo add futures --no-default-features --features alloc
//!     cargo add tracing --no-default-features --features std
//! ```
//!
//! Python 运行到这里才报 TypeError；Rust 在编译时就拒绝 `.await` 一个不是 future 的值
//! （大意：error[E0277]: `()` is not a future）：
//!
//! ```compile_fail,E0277
//! async fn hello() {
//!     std::thread::sleep(std::time::Duration::from_secs(1)).await;
//! }
//! ```
//!
//! 把它包进 `async fn sleep()` 就能编译了，可睡眠本身仍是阻塞的：`sleep()` 第一次被
//! 推进 (poll) 就把线程整整睡上 1 秒才返回，`.await` 没有机会交出执行权，照样串行。

use std::time::Instant;

use futures::future::join_all;
use shared::time::secs;
use tracing::Instrument;

/// 把阻塞的睡眠封装成一个协程函数。
async fn sleep() {
    std::thread::sleep(secs(1.0));
}

async fn hello() {
    println!("Hello world! ({:?})", std::thread::current());
    // 再通过 .await 去调用它：能编译，但线程还是被占住了。
    sleep().await;
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
    println!("总耗时: {:.3}秒.", start.elapsed().as_secs_f64()); // 仍约 3 秒
    Ok(())
}
