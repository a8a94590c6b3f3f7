//! 文档「多进程」：`Process(target=coding).start()` 启动一个子进程，它打印自己的 PID。
//!
//! Rust 没有 `fork` 式的 `multiprocessing`：`Process::spawn` 把本程序再启动一次，
//! 子进程的 `main` 第一行 `init()` 认出自己是子进程，运行 `coding`，然后退出——这就是
//! Python 的 `if __name__ == '__main__':`。少了这一行，`spawn` 会返回错误。
//! Python 退出前会替你等 (join) 子进程；Rust 不会（`Process` 被丢弃时结束子进程），
//! 所以这里明确 `join`。
//!
//! 复制到自己的项目时把 shared/ 文件夹一起复制（`shared::process` 在 shared/src/process/，
//! 先读它 `mod.rs` 开头的"原理：三件事"）。

use shared::process::{self, Process};

/// 子进程里运行的函数，即文档的 `coding()`。
fn coding() {
    println!("开始写代码，PID是{}", std::process::id());
    println!("休息一会儿，PID是{}", std::process::id());
}

/// 启动子进程并等它结束。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    process::init()?; // Rust 的 `if __name__ == '__main__':`，子进程运行完 coding 就在这里退出
    let p1 = Process::spawn(coding, ())?; // 参数的元组：没有参数就是 ()
    p1.join()?;
    Ok(())
}
