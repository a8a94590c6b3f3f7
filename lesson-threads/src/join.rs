//! 文档「线程阻塞」：不 `join` 时主线程不等子线程；`join` 让主线程等子线程结束。
//!
//! 不 join 的那一段，四行的先后每次可能不同（这正是要看的）。Rust 的 `main` 返回时
//! 进程退出，不会像 Python 那样等没 join 的线程；为了不让第一段的输出混进第二段，
//! 第二段开始前悄悄等一下 t1（不算在演示里）。

use std::thread;

fn child() {
    println!("子线程开始");
    println!("子线程结束");
}

/// 先不阻塞，再阻塞。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("无阻塞输出：");
    println!("主线程开始");
    let t1 = thread::spawn(child);
    println!("主线程结束");
    t1.join().expect("子线程不会 panic");

    println!();
    println!("有阻塞输出：");
    println!("主线程开始");
    let t2 = thread::spawn(child);
    // 阻塞主线程，直到 t2 结束。
    t2.join().expect("子线程不会 panic");
    println!("主线程结束");
    Ok(())
}
