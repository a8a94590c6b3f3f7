// 练习 processes2：一个子进程卡住了，别让主进程陪它一直等。
// 对应文档「进程属性」和「提示」，课程例子 `cargo run -p lesson-processes -- isolation`。
//
// 每个进程有自己的地址空间，一个进程卡住或崩溃，别的进程照常运行——只要主进程别傻等。
// `join()` 会一直等到子进程结束；`join_timeout(d)`（Python 的 `p.join(3)`）最多等 `d`，
// 子进程做完了返回 `true`，还没做完返回 `false`。还没做完就 `kill()` 结束它，再 `join()`
// 收回它：这时 `join` 返回一个错误，说明它是被杀死的。
//
// 现在主进程会永远等着 p1。改成最多等 `patience`，等不到就结束它。

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use shared::process::{self, Process};

/// p1：永远阻塞。
fn stuck() {
    loop {
        thread::park();
    }
}

/// p2：正常干活，交回自己的 PID。
fn coding() -> u32 {
    println!("开始写代码，PID是{}", std::process::id());
    std::process::id()
}

/// `supervise` 的结果：p1 怎样结束（它的 `join` 的结果）和 p2 交回的 PID。
type Outcome = Result<(Result<(), process::Error>, u32), process::Error>;

/// 先启动会卡住的 p1，最多等它 `patience`；然后启动 p2。
fn supervise(patience: Duration) -> Outcome {
    let p1 = Process::spawn(stuck, ())?;
    println!("p1 一直阻塞，PID是{}", p1.pid());
    // TODO：p1 永远不会自己结束，这个 join() 就永远等下去，p2 永远轮不到。
    // 先 `p1.join_timeout(patience)`（`p1` 要改成 `let mut`）：返回 false 说明还没结束，
    // 就 `p1.kill()?` 结束它。然后再 `join()`，它会说明 p1 是被杀死的。
    let _ = patience;
    let p1_ended = p1.join();
    let p2 = Process::spawn(coding, ())?;
    Ok((p1_ended, p2.join()?))
}

/// 在另一个线程里运行 `supervise`，最多等 `limit`：它卡住了就返回 `None`。
/// （卡住的线程和子进程在本进程结束时一起结束。）
fn supervise_within(patience: Duration, limit: Duration) -> Option<Outcome> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(supervise(patience)));
    rx.recv_timeout(limit).ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    process::init()?;
    match supervise_within(Duration::from_millis(500), Duration::from_secs(3)) {
        Some(Ok((p1_ended, p2))) => {
            match p1_ended {
                Ok(()) => println!("p1 结束了：正常结束"),
                Err(e) => println!("p1 结束了：{e}"),
            }
            println!("p2（PID {p2}）做完了；主进程安然无恙.");
            Ok(())
        }
        Some(Err(e)) => Err(e.into()),
        None => {
            println!("3 秒了，主进程还卡在 p1 的 join() 上：p2 一直没机会运行.");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    shared::process::test_support!();

    #[test]
    fn the_stuck_child_is_killed_and_the_next_one_runs() {
        process::init().expect("init");
        let patience = Duration::from_millis(300);
        let start = Instant::now();
        // 启动两个子进程、等 0.3 秒：空闲时约 0.4 秒，给忙的机器留足余量。
        let outcome = supervise_within(patience, Duration::from_secs(3));
        let took = start.elapsed();
        let Some(outcome) = outcome else {
            panic!(
                "3 秒后 supervise 还没返回：主进程卡在 p1.join() 上，p1 永远不会自己结束。\
                 用 join_timeout(patience) 最多等一会儿，等不到就 kill()"
            );
        };
        let (p1_ended, p2) = outcome.expect("启动子进程不出错");
        assert!(
            p1_ended.is_err(),
            "p1 不会自己结束，它的 join() 应该说明它是被结束 (kill) 的，实际是 {p1_ended:?}"
        );
        assert!(
            took >= patience,
            "只过了 {took:?} 就结束了 p1：应该先给它 {patience:?}"
        );
        assert_ne!(p2, std::process::id(), "p2 在另一个进程里运行");
    }
}
