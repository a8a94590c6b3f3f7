// 练习 concepts2：同步 (synchronous) 和异步 (asynchronous)——要不要等别人的结果。
// 对应文档「同步异步」，课程例子 `cargo run -p lesson-concepts -- sync-async`。
//
// 任务1 算出一个数，经通道 (channel) 交给任务2。任务2 自己也有一段活要做，做完再把
// 两个数相加。任务2 若一开始就 `recv()` 等任务1 的结果，就是同步：先干等，再干活，
// 总耗时是两段相加。可任务2 自己那段活用不着任务1 的结果，只有最后相加才要——
// 先做自己的，最后再 `recv()`：两段活同时进行，总耗时约等于长的那一段。
//
// 现在的任务2 是同步的。把它改成异步：不等任务1，先做自己的活。

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// 任务1 要多久才有结果；任务2 自己的活要多久。
const TASK1: Duration = Duration::from_millis(200);
const TASK2: Duration = Duration::from_millis(150);

/// 任务1：一会儿之后得出 42。还交回它做完的时刻（从 `start` 算起）。
fn task1(start: Instant) -> (u64, Duration) {
    thread::sleep(TASK1);
    (42, start.elapsed())
}

/// 任务2 自己的活：一会儿之后得出 8，用不着任务1 的结果。还交回它开始和做完的时刻。
fn task2_own_work(start: Instant) -> (u64, Duration, Duration) {
    let began = start.elapsed();
    thread::sleep(TASK2);
    (8, began, start.elapsed())
}

/// 一次运行的记录（从开始算起的时刻）。
#[derive(Debug)]
struct Report {
    /// 任务1 交出结果的时刻。
    task1_done: Duration,
    /// 任务2 开始做自己的活的时刻。
    task2_began: Duration,
    /// 任务2 做完自己的活的时刻。
    task2_own_done: Duration,
    /// 任务2 最后算出的和。
    sum: u64,
}

fn run() -> Report {
    let start = Instant::now();
    let (tx, rx) = mpsc::channel();
    let t1 = thread::spawn(move || {
        let (result, done) = task1(start);
        tx.send(result).expect("任务2 还在等结果");
        done
    });
    let t2 = thread::spawn(move || {
        // TODO：任务2 一开始就 recv() 等任务1 的结果，等到了才开始自己的活（同步）。
        // 自己的活用不着这个结果：把 recv() 挪到 `task2_own_work(start)` 之后、相加之前。
        let from_task1 = rx.recv().expect("任务1 会交出结果");
        let (own, began, own_done) = task2_own_work(start);
        (began, own_done, from_task1 + own)
    });
    let task1_done = t1.join().expect("任务1 不会 panic");
    let (task2_began, task2_own_done, sum) = t2.join().expect("任务2 不会 panic");
    Report {
        task1_done,
        task2_began,
        task2_own_done,
        sum,
    }
}

fn main() {
    let r = run();
    println!("任务1 在第 {:?} 交出结果.", r.task1_done);
    println!("任务2 在第 {:?} 开始做自己的活.", r.task2_began);
    println!("任务2 在第 {:?} 做完自己的活.", r.task2_own_done);
    println!("和 = {}.", r.sum);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task2_does_not_wait_for_task1() {
        let r = run();
        assert_eq!(r.sum, 50, "任务2 还是要用任务1 的结果：42 + 8 = 50");
        assert!(
            r.task2_began < r.task1_done,
            "任务2 在第 {:?} 才开始，任务1 在第 {:?} 交出结果：任务2 先干等了（同步）。\
             它自己的活用不着任务1 的结果，先做自己的，最后再 recv()",
            r.task2_began,
            r.task1_done
        );
        // 两段活同时进行的时间：从任务2 开始到先做完的那个。异步时约等于短的那段
        // （150 毫秒），所以总耗时约等于长的那段；同步时它们根本不重叠。
        let overlap = r
            .task1_done
            .min(r.task2_own_done)
            .saturating_sub(r.task2_began);
        assert!(
            overlap >= TASK2 / 2,
            "两段活只重叠了 {overlap:?}（任务1 在第 {:?} 做完，任务2 的活从第 {:?} 到第 {:?}）：\
             它们没有同时进行",
            r.task1_done,
            r.task2_began,
            r.task2_own_done
        );
    }
}
