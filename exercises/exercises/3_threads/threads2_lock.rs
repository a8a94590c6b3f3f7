// 练习 threads2：不用锁也不丢更新——原子的读-改-写 (read-modify-write)。
// 对应文档「线程锁」，课程例子 `cargo run -p lesson-threads -- lock`。
//
// 两个线程同时给一个计数器加一。`load` 读出、`store` 写回，每一步各自是原子的，两步之间
// 却可能插进另一个线程的写入，被这次 `store` 盖掉：更新丢了 (lost update)。课程用 `Mutex`
// 把读和写包成一个整体；对一个整数，更省事的是原子类型 (atomic) 自己的 `fetch_add`：
// 读、加、写在硬件上一步完成，中间插不进别人。
//
// 现在的 `add_one` 会丢更新。不加锁，把它改对。

use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::thread;
use std::time::{Duration, Instant};

/// 给计数器加一。两个线程会同时调用它。
fn add_one(num: &AtomicU64) {
    // TODO：读出、加一、写回是分开的两步，两步之间别的线程的写入会被盖掉。
    // 换成原子类型一步完成的读-改-写：`fetch_add`（它返回加之前的值，这里用不着）。
    let v = num.load(SeqCst);
    num.store(v + 1, SeqCst);
}

/// 两个线程同时给一个计数器加一，各加满 `window` 这么长的时间。
/// 返回计数器最后的值和两个线程一共调用了几次 `add_one`。
fn race(window: Duration) -> (u64, u64) {
    let num = AtomicU64::new(0);
    let calls: u64 = thread::scope(|s| {
        let worker = || {
            let start = Instant::now();
            let mut calls = 0;
            while start.elapsed() < window {
                for _ in 0..1000 {
                    add_one(&num);
                }
                calls += 1000;
            }
            calls
        };
        let a = s.spawn(worker);
        let b = s.spawn(worker);
        a.join().expect("不会 panic") + b.join().expect("不会 panic")
    });
    (num.into_inner(), calls)
}

fn main() {
    let (num, calls) = race(Duration::from_millis(100));
    println!(
        "两个线程一共加了 {calls} 次，计数器 = {num}，丢了 {} 次.",
        calls - num
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_update_is_lost() {
        // 两个线程要真的同时在跑，丢更新才会发生；忙的机器上可能一轮里没碰上，所以多跑几轮。
        for round in 1..=10 {
            let (num, calls) = race(Duration::from_millis(50));
            assert_eq!(
                num,
                calls,
                "第 {round} 轮：两个线程一共加了 {calls} 次，计数器却是 {num}，丢了 {} 次更新。\
                 load 和 store 之间别的线程也写了：用 fetch_add 一步做完读、加、写",
                calls - num
            );
        }
    }
}
