//! 协程 · 不需要锁：同一个线程上的协程共享一个计数器，不用 `Mutex`。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add tokio --features rt,time,sync
//! ```
//!
//! 文档说"因为协程在线程内，所以协程没有锁"。在 Rust 里这是编译器检查的事实：
//! `Rc<Cell<…>>` 不是 `Send`，只能留在创建它的线程上；`LocalSet` 的 `spawn_local` 把任务
//! 都留在当前线程，于是它们轮流（只在 `.await` 处切换）改同一个计数器，不需要锁。
//! 要把它交给多线程运行时的 `tokio::spawn`，编译器会拒绝（大意：`Rc<Cell<u32>>` cannot
//! be sent between threads safely），那时就得换成 `Arc<Mutex<…>>` 或原子类型 (atomic)：
//!
//! ```compile_fail
//! use std::{cell::Cell, rc::Rc};
//! async fn count(counter: Rc<Cell<u32>>) {
//!     counter.set(counter.get() + 1);
//! }
//! let counter = Rc::new(Cell::new(0));
//! tokio::spawn(count(Rc::clone(&counter)));
//! ```
//!
//! 注意：两次 `.await` 之间的代码才是不可打断的；读了计数器、`.await`、再写回去，
//! 一样会丢更新——协程省掉的是锁，不是思考。

use std::cell::Cell;
use std::rc::Rc;

/// 每个协程加 `times` 次，每次之后交出执行权 (`yield_now`)，让别的协程插进来；
/// 返回它做完时计数器的值。
async fn count(counter: Rc<Cell<u32>>, times: u32) -> u32 {
    for _ in 0..times {
        counter.set(counter.get() + 1); // 读-改-写，中间没有 .await：不会被打断
        tokio::task::yield_now().await;
    }
    counter.get()
}

pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let counter = Rc::new(Cell::new(0));
    let local = tokio::task::LocalSet::new();
    let finished = local.block_on(&runtime, async {
        let tasks: Vec<_> = (0..3)
            .map(|_| tokio::task::spawn_local(count(Rc::clone(&counter), 100)))
            .collect();
        let mut finished = Vec::new();
        for task in tasks {
            finished.push(task.await?.to_string());
        }
        Ok::<_, tokio::task::JoinError>(finished)
    })?;
    println!("三个协程各加 100 次，计数器 = {}", counter.get());
    // 轮流加，三个几乎同时做完。
    println!(
        "三个协程做完时，计数器分别是 {}（一个接一个地加会是 100、200、300）.",
        finished.join("、")
    );
    println!(
        "计数器是 {}：不是 Send，只能留在这个线程上，也没有锁.",
        std::any::type_name_of_val(&counter)
    );
    Ok(())
}
