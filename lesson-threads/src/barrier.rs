//! 文档「凑线程」：`Barrier(3)` 和五个线程——凑齐三个才一起往下走。
//!
//! 前三个线程凑齐后一起通过；后两个永远凑不齐，会一直停在 `wait()`。文档的 Python
//! 程序因此永远不会结束。Rust 的 `main` 返回时进程退出，停着的线程随之消失，所以
//! 这里在最后打印一行 `注：` 说明谁还在等，然后结束。
//!
//! 输出的先后和文档一样，而且每次都一样，因为主线程一步一步地等：每个线程数完数才
//! 启动下一个；前三个通过、退出之后才启动后两个，所以后两个数到的是 1 和 2。

use std::sync::{Arc, Barrier, mpsc};
use std::thread::{self, JoinHandle};

use shared::threads::count;
use shared::time::secs;

const PARTIES: usize = 3;

/// 启动第 `i` 个线程（名字 Thread-i，和 Python 的默认名字一样），等它数完数再返回。
fn start(i: usize, bar: &Arc<Barrier>) -> Result<JoinHandle<()>, Box<dyn std::error::Error>> {
    let bar = Arc::clone(bar);
    let (counted_tx, counted_rx) = mpsc::channel();
    let thread = thread::Builder::new()
        .name(format!("Thread-{i}"))
        .spawn(move || {
            // 减去主线程，只数子线程。
            let n = count().map_or("?".into(), |n| (n - 1).to_string());
            println!("当前活动的子线程数量: {n}");
            let _ = counted_tx.send(());
            bar.wait();
            println!("子线程数量达到{PARTIES}");
        })?;
    counted_rx.recv()?;
    thread::sleep(secs(0.1)); // 稍等一下再启动下一个，`--timeline` 上看得出先后
    Ok(thread)
}

/// 五个线程：前三个凑齐通过，后两个永远凑不齐。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    count()?; // 读不到线程数（操作系统不让看）就在这里报错，而不是在子线程里
    let bar = Arc::new(Barrier::new(PARTIES));
    let first: Vec<_> = (1..=PARTIES)
        .map(|i| start(i, &bar))
        .collect::<Result<_, _>>()?;
    for thread in first {
        thread.join().expect("子线程不会 panic"); // 凑齐的三个打印完、退出
    }
    let rest: Vec<_> = (PARTIES + 1..=5)
        .map(|i| start(i, &bar))
        .collect::<Result<_, _>>()?;

    // 剩下的还停在 wait() 里：不 join（永远等不到）。
    let stuck = rest.iter().filter(|t| !t.is_finished()).count();
    println!();
    println!("—— 补充 (extra) ——");
    println!(
        "注：还有 {stuck} 个子线程停在 bar.wait()，永远凑不齐 {PARTIES} 个。\
         Python 的程序会一直挂在这里；Rust 的 main 一返回，进程就退出，它们随之结束。"
    );
    Ok(())
}
