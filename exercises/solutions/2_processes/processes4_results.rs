// 练习 processes4：子进程的结果经队列 (Queue) 送回主进程。
// 对应文档「进程通信」，课程例子 `cargo run -p lesson-processes -- ping-pong-queue`。
//
// 四个子进程各数一段数里的素数。子进程把结果放进自己的全局变量，主进程是看不到的：
// 子进程是另一个程序实例，有自己的一份内存，主进程的那份一直是空的。
// 结果要经一个两边都能用的通道送回来：`Queue::new()` 建一个队列，`clone()` 一份交给
// 每个子进程（它是参数元组的一员，跨进程传过去），子进程 `put`，主进程 `get`。
//
// 解法：子进程 `results.put((pid, count))`，主进程 `get_timeout` 四次、相加。

use std::time::Duration;

use shared::process::{self, Process, Queue};

/// 数 `start..end` 里的素数（已经写好，不用改）。
fn count_primes(start: u64, end: u64) -> u64 {
    (start..end).filter(|&n| is_prime(n)).count() as u64
}

fn is_prime(n: u64) -> bool {
    n >= 2
        && (2..)
            .take_while(|d| d * d <= n)
            .all(|d| !n.is_multiple_of(d))
}

/// 子进程里运行的函数：数自己那一段，把 (PID, 个数) 放进队列。
fn worker(start: u64, end: u64, results: Queue<(u32, u64)>) -> Result<(), process::Error> {
    let count = count_primes(start, end);
    results.put((std::process::id(), count))
}

/// 把 `0..limit` 分成 `workers` 段，每段一个子进程。返回每个子进程送回的 (PID, 个数)。
fn count_in_processes(limit: u64, workers: u64) -> Result<Vec<(u32, u64)>, process::Error> {
    let results = Queue::new()?;
    let procs = (0..workers)
        .map(|i| {
            let (start, end) = (limit * i / workers, limit * (i + 1) / workers);
            Process::spawn(worker, (start, end, results.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for p in procs {
        p.join()??;
    }
    // 子进程都结束了，它们放进去的结果都在队列里；最多等 5 秒，免得少一个就永远等下去。
    let mut got = Vec::new();
    for _ in 0..workers {
        match results.get_timeout(Duration::from_secs(5))? {
            Some(result) => got.push(result),
            None => break,
        }
    }
    Ok(got)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    process::init()?;
    let got = count_in_processes(100_000, 4)?;
    for (pid, count) in &got {
        println!("子进程 {pid} 数到 {count} 个素数");
    }
    let total: u64 = got.iter().map(|(_, count)| count).sum();
    println!("0..100000 里一共 {total} 个素数.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    shared::process::test_support!();

    #[test]
    fn every_result_comes_back_through_the_queue() {
        process::init().expect("init");
        let got = count_in_processes(100_000, 4).expect("子进程正常结束");
        assert_eq!(
            got.len(),
            4,
            "四个子进程应该送回四个结果，实际收到 {got:?}。子进程的变量主进程看不到：\
             子进程要把结果 put 进队列，主进程 get 出来"
        );
        let total: u64 = got.iter().map(|(_, count)| count).sum();
        assert_eq!(
            total,
            count_primes(0, 100_000),
            "四段加起来要等于整段的个数"
        );
        let mut pids: Vec<u32> = got.iter().map(|(pid, _)| *pid).collect();
        pids.sort();
        pids.dedup();
        assert_eq!(pids.len(), 4, "四个结果应该来自四个不同的子进程：{got:?}");
        assert!(
            !pids.contains(&std::process::id()),
            "结果应该是子进程算的，不是主进程"
        );
    }
}
