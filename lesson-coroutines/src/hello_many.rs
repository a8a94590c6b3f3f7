//! 协程程序 · 三个协程：`loop.run_until_complete(asyncio.wait(tasks))`。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add tokio --features rt,time,sync
//!     cargo add futures --no-default-features --features alloc
//!     cargo add tracing --no-default-features --features std
//! ```
//!
//! `futures::future::join_all` 把三个 future 合成一个，每次被推进 (poll) 时依次推进
//! 还没完成的每一个，对应 `asyncio.wait`。运行时只有当前这一个线程，六行都由它打印。
//! 顺序是必然的：`hello()` 里没有 `.await`，第一次被推进就从头跑到尾，下一个才开始。
//! 和 Python 不同：`#[tokio::main]` 默认是多线程运行时，`tokio::spawn` 出去的任务可能落在
//! 不同的工作线程 (worker thread) 上；current-thread 运行时才和 asyncio 一样只有一个线程。
//! 注：Python 3.11 起 `asyncio.wait` 不再接受协程对象（TypeError），文档这段要改。它在
//! 模块顶层运行，事件循环还没转起来，这里用 `asyncio.create_task` 会报 RuntimeError
//! (no running event loop)；要写 `loop.create_task(hello())`，或者
//! `loop.run_until_complete(asyncio.gather(*tasks))`。Python 3.14 起连开头的
//! `asyncio.get_event_loop()` 也会报 RuntimeError（没有事件循环时），新代码写成
//! `async def main()` 加 `asyncio.run(main())`。

use futures::future::join_all;
use tracing::Instrument;

async fn hello() {
    println!("Hello world! ({:?})", std::thread::current());
    println!("Hello again! ({:?})", std::thread::current());
}

pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    // tasks 保存三个 future，此刻它们一行也没有运行。`instrument` 给每个协程起个名字
    // (tracing 的 span)：没有装订阅者 (subscriber) 时它什么也不做，课程的 --timeline 靠它
    // 知道每个协程何时被推进。
    let tasks: Vec<_> = (1..=3)
        .map(|i| hello().instrument(tracing::info_span!("hello", i)))
        .collect();
    runtime.block_on(join_all(tasks));
    Ok(())
}
