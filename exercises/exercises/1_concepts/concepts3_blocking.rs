// 练习 concepts3：阻塞 (blocking) 和非阻塞 (non-blocking)——等数据的空隙有没有用上。
// 对应文档「阻塞性」，课程例子 `cargo run -p lesson-concepts -- blocking`。
//
// 一个人（一个线程）做两件事。任务1 做三步后要等数据（另一个线程"读数据"，要一会儿
// 才送来），拿到数据再做三步；任务2 一共 8 步，不需要那份数据。
// 阻塞：`recv()` 干等，线程睡着，空隙里什么也不做，任务2 全排在最后。
// 非阻塞：`try_recv()` 只看一眼——数据没到 (`TryRecvError::Empty`) 就先做一步任务2，
// 再回来看；空隙被任务2 填上，总耗时变短。
//
// 现在 `one_person` 是阻塞的。把等数据的那一句改成非阻塞的。

use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

/// 读数据要多久：任务1 中间的空隙。
const GAP: Duration = Duration::from_millis(400);
/// 每一步活（任务1 和任务2 的都一样）要多久。
const STEP: Duration = Duration::from_millis(30);
/// 任务2 一共几步。
const TASK2_STEPS: u32 = 8;

/// 一步活：实打实地占着 CPU 算满 `STEP`（已经写好，不用改）。
fn step() {
    let start = Instant::now();
    record(|log| log.steps.push(start));
    while start.elapsed() < STEP {
        std::hint::spin_loop();
    }
}

/// 发出读数据的请求：另一个线程过 `GAP` 把数据送来（已经写好，不用改）。
fn read_data() -> Receiver<u64> {
    record(|log| log.asked = Some(Instant::now()));
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        thread::sleep(GAP);
        record(|log| log.arrived = Some(Instant::now()));
        let _ = tx.send(7);
    });
    rx
}

/// 给测试看的记录：每一步开始的时刻，请求数据和数据送到的时刻。
#[derive(Default)]
struct Log {
    steps: Vec<Instant>,
    asked: Option<Instant>,
    arrived: Option<Instant>,
}

static LOG: Mutex<Option<Log>> = Mutex::new(None);

fn record(f: impl FnOnce(&mut Log)) {
    if let Ok(mut log) = LOG.lock() {
        f(log.get_or_insert_with(Log::default));
    }
}

/// 一个人做完两件事；返回等数据的空隙里做了几步任务2，和收到的数据。
fn one_person() -> (u32, u64) {
    let task2_left = TASK2_STEPS;
    let in_gap = 0;
    (0..3).for_each(|_| step()); // 任务1 的前三步
    let data = read_data();
    // TODO：recv() 让线程睡着干等，空隙里什么也不做。改成一个循环：
    // 每圈 `data.try_recv()` 看一眼（要 `use std::sync::mpsc::TryRecvError;`），
    // - `Ok(value)`：数据到了，带着它跳出循环；
    // - `Err(TryRecvError::Empty)`：还没到，任务2 还有活就做一步 (`step()`)，
    //   `task2_left` 减一、`in_gap` 加一（两个变量都要改成 `let mut`）；任务2 做完了就只好 `recv()` 等；
    // - `Err(TryRecvError::Disconnected)`：读数据的线程没送就走了，panic。
    let value = data.recv().expect("读数据的线程会送来数据");
    (0..3).for_each(|_| step()); // 任务1 的后三步
    (0..task2_left).for_each(|_| step()); // 任务2 剩下的
    (in_gap, value)
}

fn main() {
    let start = Instant::now();
    let (in_gap, value) = one_person();
    println!("收到数据 {value}；等数据的空隙里，任务2 做了 {in_gap} 步.");
    println!("总耗时 {:?}.", start.elapsed());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gap_is_used_for_task2() {
        let (in_gap, value) = one_person();
        assert_eq!(value, 7, "任务1 还是要拿到数据");
        let log = LOG.lock().expect("不会 panic").take().expect("有记录");
        let (asked, arrived) = (
            log.asked.expect("请求过数据"),
            log.arrived.expect("数据送到过"),
        );
        // 从请求数据到数据送到之间开始的步：阻塞时一步也没有（线程睡着），非阻塞时是任务2 的。
        let steps_in_gap = log
            .steps
            .iter()
            .filter(|&&t| asked <= t && t < arrived)
            .count();
        // 空隙 400 毫秒，一步 30 毫秒：8 步都塞得进去；机器很忙、一步拖得很长时也有两步。
        assert!(
            steps_in_gap >= 2,
            "从请求数据到数据送到的 {:?} 里，只开始了 {steps_in_gap} 步：recv() 让线程干等着。\
             用 try_recv() 看一眼，数据没到就先做一步任务2",
            arrived - asked
        );
        assert_eq!(
            log.steps.len(),
            6 + TASK2_STEPS as usize,
            "任务1 的 6 步和任务2 的 {TASK2_STEPS} 步都要做，一步也不能多、不能少"
        );
        assert!(
            in_gap as usize <= steps_in_gap,
            "你数的空隙里的步数 ({in_gap}) 比实际多 ({steps_in_gap})"
        );
    }
}
