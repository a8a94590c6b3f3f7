//! 文档「多线程」：创建并启动一个子线程，对应 `Thread(target=run).start()`。
//!
//! 和 Python 不同：Rust 的 `main` 一返回，进程就退出，没等完的线程会被直接结束。
//! Python 会在退出前等所有非守护线程，所以文档没写 `join`；Rust 里要自己 `join`。

use std::thread;

use shared::threads::count;

fn child() -> std::io::Result<()> {
    println!("启动线程");
    println!("线程数量: {}", count()?);
    println!("结束线程");
    Ok(())
}

/// 主线程数一次线程，再启动子线程，子线程里再数一次。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("线程数量: {}", count()?);
    // 相当于 target=run。`thread::spawn(child)` 是同一个调用，但操作系统不让开线程时
    // 它会 panic；`Builder::spawn` 把这种情况变成一个错误，`?` 把它交给 main 的调用者。
    // 本课的例子都这样开线程。
    let t1 = thread::Builder::new().spawn(child)?;
    // join 返回子线程的返回值；子线程 panic 时返回 Err（见 thread-panic 例子）。
    t1.join().expect("子线程不会 panic")?;
    Ok(())
}
