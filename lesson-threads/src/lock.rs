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
//! 能跨线程共享的只有 `Sync` 的类型（原子量、`Mutex`…）。要重现文档里的混乱，只能用原子量
//! (atomic) 把 `num += i` 拆成分开的"读"和"写"两步：每步各自是原子的，两步之间另一个线程的
//! 写入却会被覆盖掉。
//!
//! 文档注释说的"还没完成全部操作就切换到了另一个线程"，要线程切换正好落在读和写之间。
//! 两个核上两个线程本来就同时在跑，随时会撞上；只有一个核时（`taskset -c 0`）只有操作系统
//! 换线程时才会交错，而它几毫秒才换一次，`num += i` 的读和写之间只有几纳秒，多半碰不上。
//! 所以每 10 万次，线程在两个地方主动让出 CPU（`thread::yield_now`），请操作系统换别的线程：
//! 读和写之间（另一个线程读到同一个旧值），加和减之间（另一个线程看到做了一半的 `+i`）。
//! 加和减互相抵消，一个线程写回的旧值要盖掉的是另一个做了一半的结果，丢失才看得出来。
//!
//! GIL 保护的是 CPython 解释器自己的数据（引用计数、字典这些对象的内部），不是你的 `num`：
//! `num += i` 是读、加、写几条字节码。CPython 3.10 起只在函数入口、调用和循环回跳处才可能
//! 换线程，文档的程序在 Python 3.11 上试了几次都打印 0；而 3.13 起可选的自由线程构建 (free-threaded，如
//! `python3.13t`) 没有 GIL，线程真正并行，文档里的丢失又会出现。两种情况下都要加锁。

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering::SeqCst};
use std::thread;

const TIMES: i64 = 1_000_000;
/// 每隔多少次让出两次 CPU。
const SWITCH_EVERY: i64 = 100_000;
/// 丢失的更新也可能碰巧互相抵消，结果恰好是 0：最多再试这么多次。
const TRIES: u32 = 20;

/// 不加锁：每次加减都是"读出、算、写回"，不是一个整体。
fn unlocked(num: &AtomicI64) {
    for i in 0..TIMES {
        let switch = i % SWITCH_EVERY == 0;
        let v = num.load(SeqCst);
        if switch {
            thread::yield_now(); // 读了还没写：换别的线程
        }
        num.store(v + i, SeqCst);
        if switch {
            thread::yield_now(); // 加了还没减：换别的线程
        }
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
    // 文档同时启动四个线程。这里分两组：不加锁的两个要互相交错，不让加锁的两个插进来。
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
        println!(
            "不加锁的两个线程试了 {TRIES} 次结果都是 0：丢失的更新每次都正好抵消了，\
             或者两个线程没有交错运行（别的程序占着 CPU 时，一个线程可能停着等另一个跑完）."
        );
    }
    Ok(())
}
// 试一试 (try this)：删掉两行 `yield_now`，用 `taskset -c 0 cargo run --release -p lesson-threads
// -- lock` 只给它一个核：多半 20 次都是 0——竞争还在，只是很少碰上。再把两对 load/store 换成
// `num.fetch_add(i, SeqCst)` 和 `num.fetch_sub(i, SeqCst)`（读-改-写一步完成），结果总是 0。
