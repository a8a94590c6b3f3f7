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
//! 文档没有等子进程（Python 退出前会替你等）；这里 join 两个子进程：一个子进程被杀了，
//! `join` 的错误会说出来，程序以退出码 1 结束。最后补一个换行，免得提示符接在 Pong 后面。
//!
//! 复制到自己的项目时把 shared/ 文件夹一起复制。

use std::io::{self, Write};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;

use shared::process::{self, Process};
use shared::time::secs;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// 子进程里运行的函数，即文档的 `sub_task(string)`。
fn sub_task(string: String) {
    while COUNTER.load(Ordering::Relaxed) < 50 {
        print!("{string}");
        let _ = io::stdout().flush(); // 同 `flush=True`；管道关了 print! 会先报错
        COUNTER.fetch_add(1, Ordering::Relaxed);
        thread::sleep(secs(0.01));
    }
}

/// 启动 Ping、Pong 两个子进程，等它们结束。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    process::init()?; // Rust 的 `if __name__ == '__main__':`
    let p1 = Process::spawn(sub_task, ("Ping".to_owned(),))?; // 一个参数的元组：("Ping",)
    let p2 = Process::spawn(sub_task, ("Pong".to_owned(),))?;
    let (r1, r2) = (p1.join(), p2.join());
    println!();
    r1?;
    r2?;
    Ok(())
}
