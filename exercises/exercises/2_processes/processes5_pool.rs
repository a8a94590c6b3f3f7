// 练习 processes5：进程池 (process pool) 做真正的计算，比一个进程快。
// 对应文档「进程池」，课程例子 `cargo run -p lesson-processes -- pool`。
//
// 文档的进程池做的是下载（在等）；这里交给它纯计算 (CPU-bound) 的活：数几段数里的素数。
// 池里的工作进程 (worker) 一开始就启动好，`submit(函数, 参数元组)` 把一件事交给空闲的那个，
// 立刻返回一个句柄 (Handle)；`result()` 等这件事做完、取回结果（Python 的 `future.result()`）。
// 几个工作进程在几个核上同时算，总耗时比一个进程短。池被丢弃 (drop) 时等所有事做完，
// 就是 `with` 块的结束。
//
// 现在所有的段都在主进程里一段一段地数。把它们交给进程池。

use std::thread;

use shared::process::{self, ProcessPool};

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

/// 交给工作进程的一件事：数一段，交回 (做这件事的进程的 PID, 个数)。
fn count_part(start: u64, end: u64) -> (u32, u64) {
    (std::process::id(), count_primes(start, end))
}

/// 把 `0..limit` 分成 `parts` 段，交给有 `workers` 个工作进程的池。按段的顺序返回结果。
fn count_with_pool(
    limit: u64,
    parts: u64,
    workers: usize,
) -> Result<Vec<(u32, u64)>, process::Error> {
    // TODO：现在每段都在本进程里数。建一个池 `ProcessPool::new(workers)?`，每段
    // `pool.submit(count_part, (start, end))?` 交给它（拿到句柄），都交出去之后再逐个
    // `handle.result()` 取回结果。`collect::<Result<Vec<_>, _>>()` 能把一串 Result 收成一个。
    let _ = workers;
    Ok((0..parts)
        .map(|i| count_part(limit * i / parts, limit * (i + 1) / parts))
        .collect())
}

/// 本进程能用几个 CPU。
fn cpus() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    process::init()?;
    let got = count_with_pool(200_000, 8, cpus())?;
    for (pid, count) in &got {
        println!("工作进程 {pid} 数到 {count} 个");
    }
    let total: u64 = got.iter().map(|(_, count)| count).sum();
    println!("0..200000 里一共 {total} 个素数.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    shared::process::test_support!();

    /// 数到多少：调试构建 (debug build) 里一个进程约算 0.2 秒。
    const LIMIT: u64 = 200_000;

    #[test]
    fn the_workers_are_reused_processes() {
        let _one_at_a_time = ONE_AT_A_TIME.lock();
        process::init().expect("init");
        let got = count_with_pool(100_000, 6, 2).expect("池正常工作");
        assert_eq!(got.len(), 6, "6 段应该有 6 个结果，实际 {got:?}");
        let total: u64 = got.iter().map(|(_, count)| count).sum();
        assert_eq!(total, count_primes(0, 100_000), "6 段加起来要等于整段");
        let mut pids: Vec<u32> = got.iter().map(|(pid, _)| *pid).collect();
        assert!(
            !pids.contains(&std::process::id()),
            "有的段是在本进程里数的（PID {}）：用 pool.submit(count_part, (start, end)) 交给池",
            std::process::id()
        );
        pids.sort();
        pids.dedup();
        assert!(
            pids.len() <= 2,
            "池里只有 2 个工作进程，6 件事却由 {} 个进程做：{pids:?}",
            pids.len()
        );
    }

    /// 这个文件的测试一个一个地跑：同时跑的另一个测试也在算，会打乱计时。
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

    fn time(f: impl FnOnce()) -> Duration {
        let t = Instant::now();
        f();
        t.elapsed()
    }

    /// 对照：一个明摆着能并行的用法（建池、先交出所有的段、再取结果），
    /// 量出这台机器此刻给得出的加速比，建池、收池的开销也算在里面。
    fn reference(n: usize) {
        let parts = 2 * n as u64;
        let pool = ProcessPool::new(n).expect("建得起池");
        let handles: Vec<_> = (0..parts)
            .map(|i| {
                let part = (LIMIT * i / parts, LIMIT * (i + 1) / parts);
                pool.submit(count_part, part).expect("交得出去")
            })
            .collect();
        for handle in handles {
            handle.result().expect("工作进程交回结果");
        }
    }

    #[test]
    fn the_pool_beats_one_process() {
        let _one_at_a_time = ONE_AT_A_TIME.lock();
        process::init().expect("init");
        let n = cpus().min(4);
        if n < 2 {
            println!("注：本进程只能用 1 个 CPU，池再大也快不了，这一项不判断.");
            return;
        }
        let got = count_with_pool(LIMIT, 2 * n as u64, n).expect("池正常工作");
        assert!(
            got.iter().all(|&(pid, _)| pid != std::process::id()),
            "有的段是在本进程里数的：先把它们交给池，再来比快慢"
        );
        // 两个核至少 1.3 倍，四个核至少 2 倍（算上建池、收池的时间）。
        let bound = 1.0 + 0.3 * (n - 1) as f64;
        // 一轮：一个进程算全部、你的池、对照的池，紧挨着量，机器忙闲差不多。
        // 加速比 = 一个进程的耗时 ÷ 用池的耗时。有一轮够了就停，最多量 6 轮。
        let (mut yours, mut machine) = (0.0f64, 0.0f64);
        for round in 1..=6 {
            let one = || {
                time(|| {
                    std::hint::black_box(count_primes(0, LIMIT));
                })
            };
            let before = one();
            let pool =
                || time(|| drop(count_with_pool(LIMIT, 2 * n as u64, n).expect("池正常工作")));
            let theirs = || time(|| reference(n));
            let (pool, theirs) = if round % 2 == 1 {
                (pool(), theirs())
            } else {
                let theirs = theirs();
                (pool(), theirs)
            };
            // 一个进程的耗时在前后各量一次，取快的那次：别的程序恰好在量它时打扰，
            // 不会让加速比虚高。
            let one = before.min(one()).as_secs_f64();
            let (y, m) = (one / pool.as_secs_f64(), one / theirs.as_secs_f64());
            if y >= bound {
                return;
            }
            (yours, machine) = (yours.max(y), machine.max(m));
            // 量了 3 轮还没够：对照的也够不到，或者你的和对照的差不多，是机器太忙；
            // 对照的够得到、你的明显慢（不到它的四分之三），再多量 3 轮，还是这样才算你的慢。
            if round >= 3 && (machine < bound || yours >= 0.75 * machine) {
                println!(
                    "注：机器忙 (busy)：{round} 轮里对照的池最多快 {machine:.2} 倍，你的池最多快 {yours:.2} 倍，\
                     量不准，这一项不判断."
                );
                return;
            }
        }
        panic!(
            "{n} 个工作进程的池最多只比一个进程快 {yours:.2} 倍（同样 {n} 个工作进程的对照最多快了 {machine:.2} 倍）：\
             是不是交一件、等一件？先把所有的段都 submit 出去，再逐个 result()"
        );
    }
}
