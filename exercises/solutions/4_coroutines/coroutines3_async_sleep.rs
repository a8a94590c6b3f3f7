// 练习 coroutines3：把阻塞的睡眠换成异步的睡眠。
// 对应文档「协程程序」的 `time.sleep(1)` 和 `await asyncio.sleep(1)`，课程例子
// `cargo run -p lesson-coroutines -- blocking-sleep` 和 `-- async-sleep`。
//
// 运行时只有一个线程。`std::thread::sleep` 让整个线程停下：睡的时候运行时没法去推进别的
// 协程，三个协程的睡眠首尾相接。`tokio::time::sleep(d)` 返回一个 future，`.await` 它时
// 时间没到，这个协程就暂停、把线程交还运行时；计时器 (timer) 到点再叫醒它。三个协程
// 同时在睡，一共约等于一次睡眠。
//
// 解法：`tokio::time::sleep(Duration::from_millis(200)).await`。

use std::thread;
use std::time::{Duration, Instant};

use futures::future::join_all;

/// 一个协程：打印、睡 200 毫秒、再打印。返回它是在哪个线程上跑的。
async fn hello() -> thread::ThreadId {
    println!("Hello world! ({:?})", thread::current().id());
    tokio::time::sleep(Duration::from_millis(200)).await; // 异步的睡眠：交出执行权
    println!("Hello again! ({:?})", thread::current().id());
    thread::current().id()
}

/// 在单线程的运行时上一起跑三个 `hello`。
fn run() -> Vec<thread::ThreadId> {
    tokio::runtime::Builder::new_current_thread()
        .enable_time() // 要用 tokio 的计时器
        .build()
        .expect("建得起运行时")
        .block_on(join_all((0..3).map(|_| hello())))
}

fn main() {
    let start = Instant::now();
    run();
    println!("总耗时: {:.3}秒.", start.elapsed().as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sleeps_overlap_on_one_thread() {
        let start = Instant::now();
        let threads = run();
        let total = start.elapsed();
        assert!(
            threads.iter().all(|&t| t == thread::current().id()),
            "三个协程都应该在同一个线程（运行时的这一个线程）上跑：{threads:?}"
        );
        // 阻塞的睡眠：至少 600 毫秒；异步的：约 200 毫秒。
        assert!(
            total < Duration::from_millis(400),
            "总耗时 {total:?}：三次睡眠首尾相接。std::thread::sleep 让整个线程停下，\
             换成 tokio::time::sleep(…).await"
        );
    }
}
