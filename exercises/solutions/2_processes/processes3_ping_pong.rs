// 练习 processes3：两个进程合用一个计数——经队列 (Queue) 传递。
// 对应文档「进程通信」，课程例子 `cargo run -p lesson-processes -- ping-pong` 和 `-- ping-pong-queue`。
//
// 每个进程有自己的内存：`static COUNTER` 在两个子进程里各有一份，各数各的，Ping、Pong
// 各 50 个，一共 100 个。要两个进程合起来只数 50 个，计数就得放在它们之间传递的地方：
// 一个跨进程的队列。谁 `get()` 拿到计数谁打印一个词，加一后 `put()` 放回；拿到 50 的进程
// 结束。另一个这时还在 `get()` 里等，主进程看到有一个结束了，就放进 50 让它也结束。
//
// 解法：`sub_task` 用队列里的计数，而不是自己的 `COUNTER`。

use std::io::{self, Write};
use std::thread;
use std::time::Duration;

use shared::process::{self, Process, Queue};

/// 子进程里运行的函数（文档的 `sub_task(content, queue)`），返回这个进程打印了几个词。
fn sub_task(content: String, queue: Queue<u32>) -> Result<u32, process::Error> {
    let mut printed = 0;
    let mut counter = queue.get()?;
    while counter < 50 {
        print!("{content}");
        let _ = io::stdout().flush();
        printed += 1;
        counter += 1;
        queue.put(counter)?;
        thread::sleep(Duration::from_millis(10));
        counter = queue.get()?;
    }
    Ok(printed)
}

/// 主进程：建队列、放入 0、启动 Ping 和 Pong，等其中一个结束后放入 50。
/// 返回两个子进程各打印了几个词。
fn ping_pong() -> Result<(u32, u32), Box<dyn std::error::Error>> {
    let queue = Queue::new()?;
    queue.put(0)?;
    let mut p1 = Process::spawn(sub_task, ("Ping".to_owned(), queue.clone()))?;
    let mut p2 = Process::spawn(sub_task, ("Pong".to_owned(), queue.clone()))?;
    while p1.is_alive() && p2.is_alive() {
        thread::sleep(Duration::from_millis(1));
    }
    queue.put(50)?; // 让还在 get() 里等的那个也结束
    let (ping, pong) = (p1.join()??, p2.join()??);
    println!();
    Ok((ping, pong))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    process::init()?;
    let (ping, pong) = ping_pong()?;
    println!("Ping {ping} 个，Pong {pong} 个，一共 {} 个.", ping + pong);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    shared::process::test_support!();

    #[test]
    fn the_two_processes_count_to_50_together() {
        process::init().expect("init");
        let (ping, pong) = ping_pong().expect("两个子进程正常结束");
        assert_eq!(
            ping + pong,
            50,
            "Ping {ping} 个、Pong {pong} 个，一共应该是 50 个。\
             一共 100 个说明每个进程各数各的：计数要经队列传递（get、加一、put）"
        );
        assert!(
            ping > 0 && pong > 0,
            "两个进程都该拿到过计数：Ping {ping} 个、Pong {pong} 个"
        );
    }
}
