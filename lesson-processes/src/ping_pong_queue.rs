//! 文档「进程通信」的 Queue 版本：两个进程轮流从队列里取计数，合起来正好 50 个词。
//!
//! 谁拿到计数谁打印一个词，加一后放回；取到 50 的进程结束。另一个这时还在 `get` 里等，
//! 所以主进程看到第一个子进程结束后放入 50，让它也结束。队列把值交给等得最久的那个
//! （先来先得），所以两个进程都在等时，它们一人一次轮流拿到计数。
//! 文档用 `while p1.is_alive() and p2.is_alive(): pass` 空转，白白占满一个核；这里每圈睡
//! 1 毫秒。一个子进程死了（试一试：另开终端 `kill -9` 它），它手里可能正拿着计数，
//! 另一个就一直等下去——主进程照样放入 50 让它结束，然后报告谁怎样死的。
//!
//! `Queue` 在 shared/src/process/queue.rs：ipc-channel 的接收端只能有一个主人，`multiprocessing.Queue`
//! 却让好几个进程 `get`，所以队列的内容放在主进程的一个经纪人 (broker) 线程里。
//! 复制到自己的项目时把 shared/ 文件夹一起复制。

use std::io::{self, Write};
use std::thread;
use std::time::Duration;

use shared::process::{self, Process, Queue};
use shared::time::secs;

/// 子进程里运行的函数，即文档的 `sub_task(content, queue)`。
fn sub_task(content: String, queue: Queue<u32>) -> Result<(), process::Error> {
    let mut counter = queue.get()?;
    while counter < 50 {
        print!("{content}");
        io::stdout().flush()?;
        counter += 1;
        queue.put(counter)?;
        thread::sleep(secs(0.01));
        counter = queue.get()?;
    }
    Ok(())
}

/// 主进程：建队列、放入 0、启动两个子进程，等其中一个结束后放入 50。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    process::init()?; // Rust 的 `if __name__ == '__main__':`
    let queue = Queue::new()?;
    queue.put(0)?;
    let mut p1 = Process::spawn(sub_task, ("Ping".to_owned(), queue.clone()))?;
    let mut p2 = Process::spawn(sub_task, ("Pong".to_owned(), queue.clone()))?;
    while p1.is_alive() && p2.is_alive() {
        thread::sleep(Duration::from_millis(1));
    }
    queue.put(50)?;
    let results = [("Ping", p1.join()), ("Pong", p2.join())];
    println!();
    for (content, result) in results {
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(format!("{content} 的子进程出错：{e}").into()),
            Err(e) => {
                return Err(format!(
                    "{content} 的进程出错：{e}（它若死在半路，计数可能正在它手里：总数可能不到 50，另一个靠主进程放入的 50 结束）"
                )
                .into());
            }
        }
    }

    println!();
    println!("—— 补充 (extra) ——");
    // 文档的提示：`get` 默认一直等；`get_timeout` 只等一会儿（Python 的 `get(timeout=…)`）。
    match queue.get_timeout(secs(0.1))? {
        None => println!("队列空了：get_timeout 等了 0.1 秒，返回 None（Python 抛出 queue.Empty）"),
        Some(n) => println!("队列里还剩 {n}"),
    }
    Ok(())
}
