// 练习 coroutines2：几个协程一起等，而不是一个一个地等。
// 对应文档「协程程序」的多协程 `asyncio.wait(tasks)`，课程例子
// `cargo run -p lesson-coroutines -- hello-many` 和 `-- lazy`。
//
// 调用 `async fn` 只得到一个 future，它什么也不做；`.await` 它才开始跑，而且要等它整个
// 跑完才往下走。所以 `hello(1).await; hello(2).await;` 是一个接一个：第二个在第一个睡醒、
// 结束之后才开始。要几个一起跑，先把 future 都造出来放进 Vec，再交给
// `futures::future::join_all`：它轮流推进 (poll) 每一个，谁在睡就去推进别人——
// 文档的 `asyncio.wait`。
//
// 现在三个协程是一个一个地等的。让它们一起跑。

use std::time::{Duration, Instant};

/// 一个协程：打印、睡 200 毫秒（异步的睡眠，会交出执行权）、再打印。
/// 返回它开始和结束的时刻。
async fn hello(i: u32) -> (Instant, Instant) {
    let start = Instant::now();
    println!("Hello world! ({i})");
    tokio::time::sleep(Duration::from_millis(200)).await;
    println!("Hello again! ({i})");
    (start, Instant::now())
}

/// 运行三个 `hello`，返回每个的开始、结束时刻。
async fn three() -> Vec<(Instant, Instant)> {
    // TODO：`.await` 一个，等它整个跑完，才轮到下一个。先造出三个 future（调用 `hello(i)`
    // 还不会运行它），再交给 `futures::future::join_all(…).await` 一起等；它按原来的
    // 顺序返回每个的结果。
    let mut times = Vec::new();
    for i in 1..=3 {
        times.push(hello(i).await);
    }
    times
}

/// 在一个单线程的运行时 (runtime) 上跑完 `three`，相当于 `loop.run_until_complete(…)`。
fn run() -> Vec<(Instant, Instant)> {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("建得起运行时")
        .block_on(three())
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
    fn the_three_run_together() {
        let start = Instant::now();
        let times = run();
        let total = start.elapsed();
        assert_eq!(times.len(), 3, "三个协程都要跑");
        let first_end = times.iter().map(|t| t.1).min().expect("有三个");
        assert!(
            times.iter().all(|t| t.0 < first_end),
            "有的协程在别的协程结束之后才开始：它们是一个一个地 .await 的。\
             先把三个 future 放进 Vec，再 join_all(…).await 一起等"
        );
        // 一起等：约 200 毫秒；一个一个：至少 600 毫秒。
        assert!(
            total < Duration::from_millis(400),
            "总耗时 {total:?}，三个 200 毫秒的睡眠没有重叠"
        );
    }
}
