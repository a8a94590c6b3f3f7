// 练习 coroutines4：重计算别挡住运行时——`spawn_blocking`。
// 对应文档「协程程序」里阻塞的 `time.sleep(1)`，和协程的缺点"失去了使用多核 CPU 的能力"；
// 课程例子 `cargo run -p lesson-coroutines -- blocking-sleep`。
//
// 单线程的运行时里，一个协程算起东西来，`.await` 之前从不交出线程：它算多久，别的协程
// 就停多久。这里有一个每 10 毫秒跳一下的心跳 (heartbeat) 协程，和一段约 500 毫秒的重计算。
// 躲不开的阻塞工作（重计算、读大文件）交给 `tokio::task::spawn_blocking(f)`：它在运行时
// 另备的线程上运行 `f`，返回一个可以 `.await` 的句柄；运行时的线程照常推进别的协程。
//
// 现在重计算在运行时的线程上算，心跳停住了。把它交给另一个线程。

use std::cell::Cell;
use std::time::{Duration, Instant};

/// 重计算要多久。
const CRUNCH: Duration = Duration::from_millis(500);

/// 一段重计算：实打实地占着 CPU 算满 `CRUNCH`（已经写好，不用改）。
fn crunch() -> u64 {
    let start = Instant::now();
    let mut x = 0u64;
    while start.elapsed() < CRUNCH {
        for i in 0..1000 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
    }
    x
}

/// 要做重计算的协程。
async fn work() -> u64 {
    // TODO：直接调用 crunch()，它算完之前运行时的线程一直被占着。交给
    // `tokio::task::spawn_blocking(crunch)`，再 `.await` 它的句柄：得到 `Result`，
    // 里面是 crunch 的返回值（crunch panic 了才是 `Err`）。
    crunch()
}

/// 心跳：每 10 毫秒跳一下，直到 `done`；返回两次心跳之间最长隔了多久。
async fn heartbeat(done: &Cell<bool>) -> Duration {
    let mut last = Instant::now();
    let mut longest = Duration::ZERO;
    while !done.get() {
        tokio::time::sleep(Duration::from_millis(10)).await;
        longest = longest.max(last.elapsed());
        last = Instant::now();
    }
    longest
}

/// 在单线程的运行时上同时跑重计算和心跳，返回心跳最长的间隔。
fn run() -> Duration {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("建得起运行时");
    let done = Cell::new(false);
    // 先推进心跳（它开始等第一个 10 毫秒），再推进重计算。
    let (longest, _) = runtime.block_on(futures::future::join(heartbeat(&done), async {
        let x = work().await;
        done.set(true);
        x
    }));
    longest
}

fn main() {
    let longest = run();
    println!("重计算约 {CRUNCH:?}，其间心跳最长隔了 {longest:?}.");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heartbeat_keeps_beating() {
        let longest = run();
        // 重计算挡住运行时：心跳停够整段计算（≥ 500 毫秒）；交出去了：约 10 毫秒，忙的机器上几十毫秒。
        assert!(
            longest < CRUNCH / 2,
            "心跳有一次隔了 {longest:?}，差不多是整段重计算的时间：重计算在运行时的线程上算，\
             别的协程都停着。用 tokio::task::spawn_blocking(crunch).await 交给另一个线程"
        );
    }
}
