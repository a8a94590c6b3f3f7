// 练习 coroutines5：高并发限制——同时最多 3 个协程在里面。
// 对应文档「高并发限制」，课程例子 `cargo run -p lesson-coroutines -- semaphore`。
//
// 十个下载一起开始，服务器（或者你的电脑）吃不消。信号量 (semaphore) 手里有 3 个许可
// (permit)：`acquire().await` 拿到一个才往下走，拿不到就暂停等待（不占线程）；许可被丢弃
// (drop) 时自动归还，下一个等着的协程进来。同时在下载的永远不超过 3 个，一共约
// ⌈10 ÷ 3⌉ = 4 轮。
//
// 现在十个下载同时进行。用信号量限制成最多 3 个。

use std::cell::Cell;
use std::time::{Duration, Instant};

use futures::future::join_all;
use tokio::sync::Semaphore;

/// 一次下载要多久。
const DOWNLOAD: Duration = Duration::from_millis(100);

/// 数着同时有几个在下载（已经写好，不用改）。
#[derive(Default)]
struct Inside {
    now: Cell<usize>,
    most: Cell<usize>,
}

/// 一个下载：先拿许可，再下载。
async fn download(semaphore: &Semaphore, inside: &Inside) {
    // TODO：先拿许可再下载：`let _permit = semaphore.acquire().await.expect("…");`。
    // 拿不到就在这里等；`_permit` 活到函数结束时被丢弃，许可就还回去了。
    // （别写成 `let _ = …`：那样许可当场就被丢弃了。）
    let _ = semaphore;
    inside.now.set(inside.now.get() + 1);
    inside.most.set(inside.most.get().max(inside.now.get()));
    tokio::time::sleep(DOWNLOAD).await;
    inside.now.set(inside.now.get() - 1);
}

/// 十个下载一起开始，最多 3 个同时进行。返回同时在下载的最多有几个。
fn run() -> usize {
    let semaphore = Semaphore::new(3);
    let inside = Inside::default();
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("建得起运行时")
        .block_on(join_all((0..10).map(|_| download(&semaphore, &inside))));
    inside.most.get()
}

fn main() {
    let start = Instant::now();
    let most = run();
    println!(
        "同时最多 {most} 个在下载，总耗时 {:.3}秒.",
        start.elapsed().as_secs_f64()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_than_three_inside() {
        let start = Instant::now();
        let most = run();
        let total = start.elapsed();
        assert_eq!(
            most, 3,
            "同时最多有 {most} 个在下载，应该是 3 个：下载之前先 semaphore.acquire().await 拿许可"
        );
        // 3 个一轮，10 个要 4 轮：约 400 毫秒（不限制时约 100 毫秒，一个一个地下载要 1 秒）。
        assert!(
            total >= DOWNLOAD * 4,
            "总耗时 {total:?}，不到 4 轮下载的时间"
        );
    }
}
