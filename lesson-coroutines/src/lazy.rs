//! asyncio模块 · 协程对象：调用 `async fn` 只得到一个 future，什么也不执行。
//!
//! 和 Python 调用协程函数只返回协程对象一样，Rust 的 future 是惰性的 (lazy)：不
//! `.await` 它、也不交给运行时，函数体一行也不会跑。丢掉不用时，Python 到运行时才警告
//! "coroutine 'hello' was never awaited"；Rust 在编译时就警告（大意：unused implementer
//! of `Future` that must be used），下面用 `deny` 把这个警告变成错误来演示：
//!
//! ```compile_fail
//! #![deny(unused_must_use)]
//! async fn hello() {}
//! fn main() {
//!     hello();
//! }
//! ```
//!
//! `tokio::spawn` 把 future 包成任务 (task) 交给运行时：不用 `.await` 它，只要当前协程
//! 交出执行权，运行时就会去运行它。

async fn hello() {
    println!("Hello world!");
    println!("Hello again!");
}

/// 依次演示：创建不运行、`.await` 才运行、spawn 的任务不等 await 也会运行。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    runtime.block_on(async {
        let coroutine = hello();
        println!("调用了 hello()，得到一个 future：还什么都没打印。");
        println!("现在 .await 它：");
        coroutine.await;

        let task = tokio::spawn(hello());
        println!("tokio::spawn(hello()) 交出一个任务，我们不 await 它。");
        // 交出执行权：单线程运行时趁机运行排队的任务。
        tokio::task::yield_now().await;
        println!("交出执行权之后，任务已经运行完了吗？{}", task.is_finished());
    });
    Ok(())
}
