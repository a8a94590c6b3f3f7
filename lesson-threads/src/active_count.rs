//! 文档「多线程」第一段：每个进程一开始都有一个主线程 (main thread)。
//!
//! Python 的 `threading.activeCount()` 数的是它自己登记的 `Thread` 对象；Rust 标准库
//! 不登记线程，所以这里直接问操作系统（`shared::threads::count`：Linux 读 `/proc/self/status`，
//! Windows、macOS 各有自己的调用），数到的是真实的操作系统线程 (OS thread)。

/// `print('线程数量:', threading.activeCount())`
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("线程数量: {}", shared::threads::count()?);
    Ok(())
}
