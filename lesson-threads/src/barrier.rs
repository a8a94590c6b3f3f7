//! 文档「凑线程」：`Barrier(3)` 和五个线程——凑齐三个才一起往下走。
//!
//! 前三个线程凑齐后一起通过；后两个永远凑不齐，会一直停在 `wait()`。文档的 Python
//! 程序因此永远不会结束。Rust 的 `main` 返回时进程退出，停着的线程随之消失，所以
//! 这里等前三个通过后，打印一行 `注：` 说明谁还在等，然后结束。

use std::collections::BTreeMap;
use std::sync::{Arc, Barrier, mpsc};
use std::thread;

use shared::threads::count;
use shared::time::secs;

const PARTIES: usize = 3;

/// 启动五个线程，一个数完数、再过 0.1 秒才启动下一个，输出的先后因此和文档一样。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    count()?; // 读不到线程数（非 Linux）就在这里报错，而不是在子线程里
    let bar = Arc::new(Barrier::new(PARTIES));
    let (passed_tx, passed_rx) = mpsc::channel();
    let mut waiting = BTreeMap::new(); // 编号 → 句柄
    for i in 1..=5 {
        let (bar, passed_tx) = (Arc::clone(&bar), passed_tx.clone());
        let (counted_tx, counted_rx) = mpsc::channel();
        let thread = thread::Builder::new().name(format!("Thread-{i}")).spawn(move || {
            // 减去主线程，只数子线程。
            let n = count().map_or("?".into(), |n| (n - 1).to_string());
            println!("当前活动的子线程数量: {n}");
            let _ = counted_tx.send(());
            bar.wait();
            println!("子线程数量达到{PARTIES}");
            let _ = passed_tx.send(i);
        })?;
        waiting.insert(i, thread);
        counted_rx.recv()?; // 等它数完再启动下一个
        thread::sleep(secs(0.1));
    }
    drop(passed_tx);

    // 五个线程只凑得齐一组：等这一组的三个通过。
    for _ in 0..PARTIES {
        let i = passed_rx.recv()?;
        let thread = waiting.remove(&i).expect("发来的是我们的线程编号");
        thread.join().expect("子线程不会 panic");
    }
    // 剩下的还停在 wait() 里：不 join（永远等不到）。
    let stuck = waiting.values().filter(|t| !t.is_finished()).count();
    println!(
        "注：还有 {stuck} 个子线程停在 bar.wait()，永远凑不齐 {PARTIES} 个。\
         Python 的程序会一直挂在这里；Rust 的 main 一返回，进程就退出，它们随之结束。"
    );
    Ok(())
}
