//! 文档「多进程」：`Process(target=coding).start()` 启动一个子进程，它打印自己的 PID。
//!
//! Rust 的子进程是本程序再启动一次、扮演角色 `spawn.coding`（见 [`crate::child`]）。
//! 和 Python 不同：Python 在主进程退出前会替你等 (join) 子进程；`std::process::Child`
//! 被丢弃时既不等也不杀，本课的 [`Child`] 被丢弃时则杀掉子进程（免得留下孤儿进程）。
//! 所以这里明确地 `join`——不等的话，那两行也许来不及打印。

use crate::child::{Boot, Child};

/// 子进程里运行的函数，即文档的 `coding()`。
pub fn coding(boot: Boot) -> shared::Result {
    let _parent = boot.connect::<(), ()>()?;
    println!("开始写代码，PID是{}", std::process::id());
    println!("休息一会儿，PID是{}", std::process::id());
    Ok(())
}

/// 启动子进程并等它结束。
pub fn run() -> shared::Result {
    let p1 = Child::<(), ()>::spawn("spawn.coding")?;
    p1.join()?;
    Ok(())
}
