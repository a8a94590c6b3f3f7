//! 文档「线程锁」：两个线程不加锁地改同一个数会丢失更新；加锁 (`Mutex`) 后结果总是 0。
//!
//! Rust 在编译时就拒绝两个线程同时改一个普通变量（数据竞争 (data race)）：
//!
//! ```compile_fail,E0499
//! let mut num = 0i64;
//! std::thread::scope(|s| {
//!     s.spawn(|| num += 1);
//!     s.spawn(|| num -= 1); // error[E0499]: cannot borrow `num` as mutable more than once
//! });
//! ```
//!
//! 所以 Rust 不需要 GIL：能跨线程共享的只有 `Sync` 的类型（原子量、`Mutex`…），
//! 线程可以真正并行。要重现文档里的混乱，只能用原子量 (atomic) 把 `num += i` 拆成
//! 分开的"读"和"写"两步：每步各自是原子的，两步之间另一个线程的写入却会被覆盖掉。
//! CPython ≥ 3.10 只在循环回跳、函数调用处切换线程，`num += i` 中途几乎不会被打断，
//! 所以文档的程序在新版 Python 上多半也打印 0。

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering::SeqCst};
use std::thread;

const TIMES: i64 = 1_000_000;
/// 机器很忙时两个线程可能一个接一个地跑完，看不到丢失：最多试这么多次。
const TRIES: u32 = 20;

/// 不加锁：每次加减都是"读出、算、写回"，不是一个整体。
fn unlocked(num: &AtomicI64) {
    for i in 0..TIMES {
        let v = num.load(SeqCst);
        num.store(v + i, SeqCst);
        let v = num.load(SeqCst);
        num.store(v - i, SeqCst);
    }
}

/// 加锁：`lock()` 返回守卫 (guard)，守卫离开作用域时自动解锁，相当于 `with lock:`。
fn locked(num1: &Mutex<i64>) {
    for i in 0..TIMES {
        let mut n = num1.lock().expect("持锁的线程不会 panic");
        *n += i;
        *n -= i;
    }
}

/// 在两个线程里同时运行 `f`，等它们都结束。
fn two_threads(f: impl Fn() + Sync) -> std::io::Result<()> {
    // scope 里的线程可以借用局部变量；scope 结束时自动 join 其中的线程。
    thread::scope(|s| {
        thread::Builder::new().spawn_scoped(s, &f)?;
        thread::Builder::new().spawn_scoped(s, &f)?;
        Ok(())
    })
}

/// 两个线程不加锁地改 `num`，再两个线程加锁改 `num1`，最后打印两个数。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 文档同时启动四个线程。这里分两组：两个核的机器上四个线程抢两个核，不加锁的
    // 两个常常是轮流而不是同时运行。竞争要两个线程真的交错着改，所以没看到丢失就再试。
    let mut tries = 0;
    let num = loop {
        tries += 1;
        let num = AtomicI64::new(0);
        two_threads(|| unlocked(&num))?;
        let num = num.into_inner();
        if num != 0 || tries == TRIES {
            break num;
        }
    };
    let num1 = Mutex::new(0i64);
    two_threads(|| locked(&num1))?;
    println!("{num}");
    println!("{}", num1.into_inner().expect("持锁的线程不会 panic"));

    println!();
    println!("—— 补充 (extra) ——");
    if num != 0 {
        println!("不加锁的两个线程试到第 {tries} 次就丢失了更新（最多试 {TRIES} 次）.");
    } else {
        println!("试了 {TRIES} 次都没有丢失更新：机器太忙，两个线程没能交错运行.");
    }
    Ok(())
}
// 试一试 (try this)：把两对 load/store 换成 `num.fetch_add(i, SeqCst)` 和
// `num.fetch_sub(i, SeqCst)`（读-改-写一步完成），不加锁的结果也总是 0。
