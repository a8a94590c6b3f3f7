// 练习 threads4：凑线程——`Barrier(3)` 和五个线程，让程序能结束。
// 对应文档「其他线程方法」的凑线程，课程例子 `cargo run -p lesson-threads -- barrier`。
//
// 屏障 (barrier) 凑齐 3 个线程才一起放行，放行后重新开始凑下一批。五个线程：前三个凑齐
// 走了，后两个永远凑不齐，一直停在 `wait()`，等它们的 `join()` 也就永远等下去——文档的
// Python 程序因此不会结束。不改屏障的大小（每批还是 3 个），让最后一批也凑齐：
// 主线程自己也来 `wait()` 一次，凑上第三个。
//
// 现在程序停在最后两个线程的 join 上。不改屏障的大小，让它结束。

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

/// 每批凑几个。
const PARTIES: usize = 3;

/// 五个线程过屏障。返回一共几个线程（含主线程）被放行了，以及放行了几批。
fn gather() -> (usize, usize) {
    let bar = Arc::new(Barrier::new(PARTIES));
    let threads: Vec<_> = (1..=5)
        .map(|_| {
            let bar = Arc::clone(&bar);
            // `is_leader()`：每批放行时恰好有一个线程得到 true，数它就知道放行了几批。
            thread::spawn(move || bar.wait().is_leader())
        })
        .collect();
    // TODO：后两个线程凑不齐 3 个，下面 join 它们就永远等下去。让主线程在 join 之前
    // 也 `bar.wait()` 一次凑上第三个，并把主线程算进来：`passed` 从 1 开始，它的
    // `is_leader()` 为 true 时 `batches` 也从 1 开始（`usize::from(是不是 leader)`）。
    let mut passed = 0;
    let mut batches = 0;
    for t in threads {
        let leader = t.join().expect("线程不会 panic");
        passed += 1;
        batches += usize::from(leader);
    }
    (passed, batches)
}

/// 在另一个线程里运行 `gather`，最多等 `limit`：卡住了就返回 `None`。
fn gather_within(limit: Duration) -> Option<(usize, usize)> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(gather()));
    rx.recv_timeout(limit).ok()
}

fn main() {
    match gather_within(Duration::from_secs(2)) {
        Some((passed, batches)) => println!("{passed} 个线程分 {batches} 批通过了屏障，程序结束."),
        None => {
            println!("2 秒了还没结束：最后一批凑不齐 {PARTIES} 个，停在 wait() 里.");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_thread_passes_in_batches_of_three() {
        let Some((passed, batches)) = gather_within(Duration::from_secs(2)) else {
            panic!(
                "2 秒后 gather 还没返回：后两个线程凑不齐 {PARTIES} 个，一直停在 wait()，\
                 join 它们就永远等下去。让主线程也 wait() 一次，凑上第三个"
            );
        };
        assert_eq!(
            batches, 2,
            "应该放行两批（每批 {PARTIES} 个），实际 {batches} 批：屏障的大小别改，还是 {PARTIES}"
        );
        assert_eq!(
            passed, 6,
            "五个线程加上主线程，6 个都该通过，实际 {passed} 个"
        );
    }
}
