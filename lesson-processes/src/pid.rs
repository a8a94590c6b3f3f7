//! 文档「多进程」：每个程序至少有一个进程，即主进程；每个进程有自己的进程号 (PID)。
//!
//! `std::process::id()` 对应 `os.getpid()`。同一个程序每次运行都是一个新进程，
//! 所以 PID 每次都可能不同。

/// 打印主进程自己的 PID。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("我是主进程，PID是{}", std::process::id());
    Ok(())
}
