//! 协程程序 · 单协程：`loop.run_until_complete(hello())`。
//!
//! `async fn` 就是协程函数；运行时 (runtime) 相当于事件循环。这里手动建一个只用当前
//! 线程的 tokio 运行时，再用 `block_on` 跑完一个 future，对应 `get_event_loop()` 和
//! `run_until_complete()`。平时的写法是让宏替你建运行时（要开 tokio 的 `macros` feature）：
//!
//! ```ignore
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() {
//!     hello().await;
//! }
//! ```

/// 协程函数：调用它只得到一个 future，交给运行时才会执行。
async fn hello() {
    println!("Hello world!");
    println!("Hello again!");
}

/// 建立运行时，把 `hello()` 交给它，直到它运行完。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    // block_on 会把 future 包成任务来推进，就像 run_until_complete 把协程包成 task。
    runtime.block_on(hello());
    Ok(())
}
