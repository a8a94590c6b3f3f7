//! 文档「进程通信」第一段代码：两个进程各数各的 `counter`，结果 Ping、Pong 各 50 个。
//!
//! 每个进程有自己的内存，`static COUNTER` 在每个子进程里各有一份，都从 0 数到 50。
//! （Rust 不许随便改可变的 `static`，所以用原子整数 `AtomicU32`。）
//! 直接改一个普通的 `static`，编译器不答应（cannot assign to immutable static item）：
//!
//! ```compile_fail,E0594
//! static COUNTER: u32 = 0;
//! COUNTER += 1;
//! ```
//!
//! 文档没有等子进程；这里 join 两个子进程，最后补一个换行，免得提示符接在 Pong 后面。

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::child::{Boot, Child};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// 子进程里运行的函数，即文档的 `sub_task(string)`。
pub fn sub_task(boot: Boot) -> shared::Result {
    let parent = boot.connect::<String, ()>()?;
    let string = parent.recv()?;
    while COUNTER.load(Ordering::Relaxed) < 50 {
        print!("{string}");
        std::io::stdout().flush()?;
        COUNTER.fetch_add(1, Ordering::Relaxed);
        shared::time::sleep_secs(0.01);
    }
    Ok(())
}

/// 启动 Ping、Pong 两个子进程。
pub fn run() -> shared::Result {
    let mut ping = Child::<String, ()>::spawn("ping-pong.sub_task")?;
    let mut pong = Child::<String, ()>::spawn("ping-pong.sub_task")?;
    ping.send("Ping".to_owned())?;
    pong.send("Pong".to_owned())?;
    ping.join()?;
    pong.join()?;
    println!();
    Ok(())
}
