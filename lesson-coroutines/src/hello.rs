//! 协程程序 · 单协程：`loop.run_until_complete(hello())`。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add tokio --features rt,time,sync
//! ```
//!
//! `async fn` 就是协程函数 (coroutine function)；tokio 的运行时 (runtime) 相当于事件循环
//! (event loop)。这里手动建一个只用当前线程的运行时，再用 `block_on` 跑完一个 future，
//! 对应 `get_event_loop()` 和 `run_until_complete()`。（Python 3.14 起，没有事件循环时
//! `asyncio.get_event_loop()` 报 RuntimeError，文档这段要写成 `asyncio.run(hello())`。）
//! 和 Python 不同：`block_on` 不把 future 包成任务 (task)，它就在调用它的这个线程上直接
//! 推进 (poll) 这个 future，直到完成；要一个真正的任务得用 `tokio::spawn`（见 `lazy`）。

/// 协程函数：调用它只得到一个 future，交给运行时才会执行。
async fn hello() {
    println!("Hello world!");
    println!("Hello again!");
}

pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 平时的写法是让宏替你建运行时（要开 tokio 的 `macros` 特性）：
    // `#[tokio::main(flavor = "current_thread")] async fn main() { hello().await }`
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    // 把 hello() 交给运行时，直到它运行完。
    runtime.block_on(hello());
    Ok(())
}
