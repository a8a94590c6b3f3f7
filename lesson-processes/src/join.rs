//! 文档「进程阻塞」：不 `join` 时主进程不等子进程；`join` 让主进程等子进程结束再往下走。
//!
//! 不 join 的那一段，谁先打印由操作系统调度 (scheduler) 决定：子进程要先启动、连上父进程，
//! 所以主进程的两行通常在前；机器很忙时子进程也可能抢先。Python 退出前会替你 join
//! 剩下的子进程；Rust 不会，所以最后悄悄 join p1（不算在演示里）。
//! `--timeline` 画出时间线，子进程的那几行是它们自己记下、再送回主进程的。

use shared::timeline::{Kind, span};

use crate::child::{Boot, Child};

/// 子进程里运行的函数，即文档的 `coding()`。
pub fn coding(boot: Boot) -> shared::Result {
    let _parent = boot.connect::<(), ()>()?;
    let pid = std::process::id();
    span(format!("子进程 {pid}"), Kind::Running, || {
        println!("开始写代码，PID是{pid}");
        println!("休息一会儿，PID是{pid}");
    });
    Ok(())
}

/// 先不阻塞，再阻塞。
pub fn run() -> shared::Result {
    let pid = std::process::id();
    println!("无阻塞输出：");
    println!("我是主进程，PID是{pid}");
    let p1 = Child::<(), ()>::spawn("join.coding")?;
    println!("我是主进程，PID是{pid}");
    span("主进程", Kind::Sleeping, || {
        shared::time::sleep_secs(5.0)
    });
    println!("{}", "*".repeat(20));
    println!("有阻塞输出：");
    println!("我是主进程，PID是{pid}");
    let p2 = Child::<(), ()>::spawn("join.coding")?;
    // 阻塞主进程，等子进程 p2 结束。
    span("主进程", Kind::Waiting, || p2.join())?;
    println!("我是主进程，PID是{pid}");
    p1.join()?;
    Ok(())
}
