// 练习 coroutines1：协程 (coroutine) 不用锁——但两次 `.await` 之间才不会被打断。
// 对应文档「协程」的"因为协程在线程内，所以协程没有锁"，课程例子
// `cargo run -p lesson-coroutines -- no-lock`。
//
// 三个协程在同一个线程上轮流跑，共用一个 `Rc<Cell<u32>>` 计数器，不用 `Mutex`。
// 协程只在 `.await` 处交出执行权 (yield)：两次 `.await` 之间的代码一口气跑完，别的协程
// 插不进来。可要是读出计数、`.await`、再写回，别的协程就在这中间读到同一个旧值，
// 更新照样会丢。协程省掉的是锁，不是思考。
//
// 解法：在 `.await` 之前就把"读-改-写"做完：`counter.set(counter.get() + 1)`。

use std::cell::Cell;
use std::rc::Rc;

/// 每个协程加 `times` 次，每次之后交出执行权，让别的协程插进来。
async fn count(counter: Rc<Cell<u32>>, times: u32) {
    for _ in 0..times {
        counter.set(counter.get() + 1); // 读-改-写，中间没有 .await：不会被打断
        tokio::task::yield_now().await; // 交出执行权
    }
}

/// 三个协程在当前线程上各加 `times` 次，返回计数器最后的值。
fn run(times: u32) -> u32 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("建得起运行时");
    let counter = Rc::new(Cell::new(0));
    // LocalSet：任务都留在当前线程上，所以可以共用不是 Send 的 Rc。
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async {
        let tasks: Vec<_> = (0..3)
            .map(|_| tokio::task::spawn_local(count(Rc::clone(&counter), times)))
            .collect();
        for task in tasks {
            task.await.expect("协程不会 panic");
        }
    });
    counter.get()
}

fn main() {
    println!("三个协程各加 100 次，计数器 = {}", run(100));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_update_is_lost_without_a_lock() {
        let total = run(100);
        assert_eq!(
            total, 300,
            "三个协程各加 100 次，计数器却是 {total}：读出计数之后、写回之前有一次 .await，\
             别的协程在这中间读到了同一个旧值。把读-改-写放在 .await 之前一口气做完"
        );
    }
}
