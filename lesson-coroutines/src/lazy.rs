//! asyncio模块 · 协程对象：调用 `async fn` 只得到一个 future，什么也不执行。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add tokio --features rt,time,sync
//! ```
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
//! 每一行的先后都是必然的：运行时只有这一个线程，我们的代码不 `.await`，别的什么也
//! 插不进来。`tokio::spawn` 把 future 包成任务 (task) 排进队列，要等当前协程交出执行权
//! 才轮到它；哪一刻轮到，tokio 不保证，所以这里 `.await` 它的句柄 (JoinHandle) 来等它。

async fn hello() {
    println!("Hello world!");
    println!("Hello again!");
}

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
        println!("tokio::spawn(hello()) 把它排成任务：我们还没交出执行权，它还没运行。");
        task.await?; // 交出执行权，直到任务结束
        println!("await 它的句柄 (JoinHandle)：任务运行完了。");
        Ok(())
    })
}
