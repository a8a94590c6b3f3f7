//! 文档「进程通信」的 Queue 版本：两个进程轮流从队列里取计数，合起来正好 50 个词。
//!
//! 队列见 [`crate::queue`]。谁拿到计数谁打印一个词，加一后放回；取到 50 的进程结束，
//! 另一个还在 `get` 里等，所以主进程看到第一个子进程结束后放入 50，让它也结束。
//! 文档用 `while p1.is_alive() and p2.is_alive(): pass` 空转等待，白白占满一个核；
//! 这里每个子进程交给一个线程去 join，主线程阻塞在 channel 上，谁先结束谁先报到。
//! 试一试：`-- ping-pong-queue --crash`，Ping 拿着计数崩溃，游戏结束并说明原因。

use std::io::Write;

use clap::Parser;
use shared::timeline::{Kind, span};

use crate::child::{Boot, Child, describe};
use crate::queue::Queue;

/// 子进程收到的参数：要打印的词、队列、第几次拿到计数时崩溃（试一试用）。
type Args = (String, Queue<u32>, Option<u32>);

/// 子进程里运行的函数，即文档的 `sub_task(content, queue)`。
pub fn sub_task(boot: Boot) -> shared::Result {
    let parent = boot.connect::<Args, ()>()?;
    let (content, queue, crash_at) = parent.recv()?;
    let get = || span(&content, Kind::Waiting, || queue.get());
    let mut counter = get()?;
    let mut turns = 0;
    while counter < 50 {
        turns += 1;
        if crash_at == Some(turns) {
            crate::child::crash(); // 拿着计数崩溃：没有人会把它放回队列
        }
        span(&content, Kind::Running, || {
            print!("{content}");
            std::io::stdout().flush()
        })?;
        counter += 1;
        queue.put(counter)?;
        span(&content, Kind::Sleeping, || shared::time::sleep_secs(0.01));
        counter = get()?;
    }
    Ok(())
}

#[derive(Debug, Parser)]
struct Opts {
    /// 让 Ping 的进程第 10 次拿到计数时崩溃 (crash while holding the counter)
    #[arg(long)]
    crash: bool,
}

/// 主进程：建队列、放入 0、启动两个子进程，等第一个结束后放入 50。
pub fn run(args: &[String]) -> shared::Result {
    let opts: Opts = shared::cli::parse_args("ping-pong-queue", args)?;
    let (queue, broker) = Queue::new()?;
    queue.put(0)?;
    // 像文档的 p1.start()、p2.start()：两个子进程先一起启动，再分别发参数（`send` 要等
    // 对方连上）。先等 Ping 连上再启动 Pong 的话，忙碌的机器上 Pong 可能赶不上游戏。
    let role = "ping-pong-queue.sub_task";
    let crash_at = opts.crash.then_some(10); // 只有 Ping 会崩溃
    let p1 = (Child::<Args, ()>::spawn(role)?, "Ping", crash_at);
    let p2 = (Child::<Args, ()>::spawn(role)?, "Pong", None);
    let (ended_tx, ended) = crossbeam_channel::unbounded();
    for (mut p, content, crash_at) in [p1, p2] {
        p.send((content.to_owned(), queue.clone(), crash_at))?;
        let ended_tx = ended_tx.clone();
        std::thread::spawn(move || ended_tx.send((content, p.join())));
    }
    let first = span("主进程", Kind::Waiting, || ended.recv())?;
    queue.put(50)?;
    let second = span("主进程", Kind::Waiting, || ended.recv())?;
    drop(queue);
    broker.join().expect("经纪人线程不会 panic");
    println!();
    for (content, status) in [first, second] {
        let status = status?;
        if !status.success() {
            return Err(format!(
                "{content} 的进程拿着计数异常结束（{}），主进程放入 50 让另一个也结束了",
                describe(status)
            )
            .into());
        }
    }
    Ok(())
}
