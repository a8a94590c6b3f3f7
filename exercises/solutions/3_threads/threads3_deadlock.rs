// 练习 threads3：死锁 (deadlock)——两个线程按相反的顺序拿两把锁。
// 对应文档「线程锁」之后的死锁，课程例子 `cargo run -p lesson-threads -- deadlock`。
//
// 线程 A 先拿 a 再拿 b，线程 B 先拿 b 再拿 a。两人各拿到第一把，再去拿第二把时，
// 那把正在对方手里，而对方也在等自己手里的这把：谁也不松手，永远等下去。
// 最简单的办法：所有线程都按同一个顺序拿锁。那样先拿到第一把的人一定也能拿到第二把，
// 另一个人在第一把那里等着，等前一个人做完、放开，再轮到他。
//
// 解法：`b_to_a` 也先拿 a 再拿 b（转账的方向不变）。

use std::sync::Mutex;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// 拿到第一把锁之后、拿第二把之前要做的事（查账）要多久：两个线程都有足够的时间
/// 先拿到各自的第一把。
const CHECKING: Duration = Duration::from_millis(200);

/// 从 a 转 `amount` 到 b：先拿 a，再拿 b。
fn a_to_b(a: &Mutex<i64>, b: &Mutex<i64>, amount: i64) {
    let mut from = a.lock().expect("持锁的线程不会 panic");
    thread::sleep(CHECKING);
    let mut to = b.lock().expect("持锁的线程不会 panic");
    *from -= amount;
    *to += amount;
}

/// 从 b 转 `amount` 到 a。
fn b_to_a(a: &Mutex<i64>, b: &Mutex<i64>, amount: i64) {
    // 和 a_to_b 一样，先拿 a 再拿 b；转账的方向还是 b → a。
    let mut to = a.lock().expect("持锁的线程不会 panic");
    thread::sleep(CHECKING);
    let mut from = b.lock().expect("持锁的线程不会 panic");
    *from -= amount;
    *to += amount;
}

/// 两个账户各 100：线程 A 从 a 转 30 到 b，线程 B 同时从 b 转 10 到 a。
/// 两个线程在 `limit` 之内都做完就返回两个账户的余额，做不完（死锁了）返回 `None`。
fn transfer_both_ways(limit: Duration) -> Option<(i64, i64)> {
    let (done_tx, done_rx) = mpsc::channel();
    // 两个线程在另一个线程里启动和等待：它们死锁了，这个线程也跟着卡住，
    // 而调用者只等 `limit` 那么久。进程结束时，卡住的线程随之消失。
    thread::spawn(move || {
        let (a, b) = (Mutex::new(100), Mutex::new(100));
        thread::scope(|s| {
            s.spawn(|| a_to_b(&a, &b, 30));
            s.spawn(|| b_to_a(&a, &b, 10));
        });
        let balances = (
            a.into_inner().expect("没有线程 panic"),
            b.into_inner().expect("没有线程 panic"),
        );
        let _ = done_tx.send(balances);
    });
    done_rx.recv_timeout(limit).ok()
}

fn main() {
    match transfer_both_ways(Duration::from_secs(2)) {
        Some((a, b)) => println!("两笔转账都做完了：a = {a}，b = {b}."),
        None => {
            println!("2 秒后两个线程还没做完：死锁了，各自拿着一把锁在等对方的那把.");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_threads_finish() {
        // 不死锁时两个线程一个接一个地过，约 0.4 秒；给忙的机器留 5 倍的余量。
        let balances = transfer_both_ways(Duration::from_secs(2));
        assert!(
            balances.is_some(),
            "2 秒后两个线程还没做完：死锁了。a_to_b 先拿 a 再拿 b，b_to_a 却先拿 b 再拿 a；\
             让两个函数按同一个顺序拿锁"
        );
        assert_eq!(
            balances,
            Some((80, 120)),
            "a 转出 30、收到 10，b 反过来：应该是 a = 80，b = 120。转账的方向别改"
        );
    }
}
