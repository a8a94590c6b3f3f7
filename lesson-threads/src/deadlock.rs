//! 文档「线程锁」第 3 点：死锁 (deadlock)——线程拿着锁不放，别的线程无休止地等它放开。
//!
//! 最常见的一种：两个线程要同样两把锁，拿的顺序相反。t1 先拿 a 再拿 b，t2 先拿 b 再拿 a；
//! 各拿到第一把以后，t1 等 t2 放开 b，t2 等 t1 放开 a，谁也等不到。这里不靠运气：两个线程
//! 拿到第一把锁后在屏障 (Barrier) 上碰头，确定对方也拿着一把了，才去拿第二把，所以每次
//! 都死锁。修正的办法是所有线程按同一个顺序拿锁（都先 a 后 b），就不会互相等。
//!
//! 卡在 `lock()` 里的线程没法叫醒，std 的 `Mutex` 也没有带超时的 `lock`。所以主线程不 join
//! 它们，而是在通道 (channel) 上等"做完了"的消息，最多等 1 秒（`recv_timeout`）。卡住的
//! 两个线程一直留到 `main` 返回、进程退出；Python 会等这样的非守护线程，程序就挂在那里。

use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use shared::time::secs;

/// 在 `within` 之内最多收 `n` 条消息，返回收到几条。
fn receive(rx: &Receiver<()>, n: usize, within: Duration) -> usize {
    let deadline = Instant::now() + within;
    (0..n)
        .take_while(|_| {
            let left = deadline.saturating_duration_since(Instant::now());
            rx.recv_timeout(left).is_ok()
        })
        .count()
}

/// 先让两个线程反着顺序拿锁，看它们死锁；再按同一顺序拿锁，看它们做完。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("t1 先拿 a 再拿 b，t2 先拿 b 再拿 a；拿到第一把后在屏障上碰头.");
    let (a, b) = (Arc::new(Mutex::new(())), Arc::new(Mutex::new(())));
    let meet = Arc::new(Barrier::new(2));
    let (holding_tx, holding) = mpsc::channel();
    let (done_tx, done) = mpsc::channel();
    let mut stuck = Vec::new();
    for (name, first, second) in [("死锁 t1", &a, &b), ("死锁 t2", &b, &a)] {
        let (first, second, meet) = (Arc::clone(first), Arc::clone(second), Arc::clone(&meet));
        let (holding_tx, done_tx) = (holding_tx.clone(), done_tx.clone());
        stuck.push(thread::Builder::new().name(name.into()).spawn(move || {
            let _first = first.lock().expect("持锁的线程不会 panic");
            let _ = holding_tx.send(()); // 拿到第一把了
            meet.wait(); // 等另一个线程也拿到它的第一把
            let _second = second.lock().expect("持锁的线程不会 panic"); // 永远等在这里
            let _ = done_tx.send(());
        })?);
    }
    // 两个都拿到第一把锁（马上就会到；10 秒只是防止改坏了以后卡住），再给它们 1 秒。
    let holding = receive(&holding, 2, Duration::from_secs(10));
    let done = receive(&done, 2, secs(1.0));
    if holding == 2 && done == 0 {
        println!("死锁 (deadlock)：两个线程各拿着一把锁，又等了 1 秒，谁也没拿到第二把.");
    } else {
        println!("没看到这种死锁：{holding} 个线程拿到了第一把锁，{done} 个拿到了两把.");
    }

    println!("修正：两个线程都先拿 a 再拿 b.");
    let (a, b) = (Arc::new(Mutex::new(())), Arc::new(Mutex::new(())));
    let mut fixed = Vec::new();
    for name in ["修正 t1", "修正 t2"] {
        let (a, b) = (Arc::clone(&a), Arc::clone(&b));
        fixed.push(thread::Builder::new().name(name.into()).spawn(move || {
            let _a = a.lock().expect("持锁的线程不会 panic");
            let _b = b.lock().expect("持锁的线程不会 panic");
        })?);
    }
    for thread in fixed {
        thread.join().expect("持锁的线程不会 panic");
    }
    println!("两个线程都拿到了两把锁，做完了.");

    let stuck = stuck.iter().filter(|t| !t.is_finished()).count();
    println!(
        "注：还有 {stuck} 个线程卡在 lock() 里，std 的 Mutex 没法取消等待。\
         main 一返回，进程退出，它们随之结束；Python 的程序会一直等着它们，挂在这里。"
    );
    Ok(())
}
// 试一试 (try this)：加 `--timeline`，两个卡住的线程一直是"等待"（·），直到进程结束。
