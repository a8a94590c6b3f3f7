// 练习 concepts4：并行 (parallel)——把计算分给本机所有的 CPU。
// 对应文档「并发并行」，课程例子 `cargo run -p lesson-concepts -- concurrency-parallelism`
// 和 `-- tasks-vs-cores`（当任务数等于核芯数时，效率最高）。
//
// 数一段数里有多少个素数 (prime) 是纯计算 (CPU-bound)：一个线程只能用一个核。把这段数
// 平分成几份，每份一个线程，几个核就能同时算。Rust 没有 GIL，线程真的并行。
// 分几份？本进程能用几个 CPU 就分几份：`thread::available_parallelism()`。
//
// 现在 `count_parallel` 只用一个线程。把它改成每份一个线程。

use std::ops::Range;
use std::thread;

/// 数 `range` 里的素数（已经写好，不用改）。
fn count_primes(range: Range<u64>) -> u64 {
    range.filter(|&n| is_prime(n)).count() as u64
}

fn is_prime(n: u64) -> bool {
    n >= 2
        && (2..)
            .take_while(|d| d * d <= n)
            .all(|d| !n.is_multiple_of(d))
}

/// 把 `0..limit` 平分成 `threads` 份，每份一个线程，返回每份数到的个数。
fn count_parallel(limit: u64, threads: usize) -> Vec<u64> {
    // TODO：现在整段都在当前线程里数，只有一份。改成 `threads` 份：第 i 份是
    // `limit * i / n..limit * (i + 1) / n`（n = threads），每份在 `thread::scope(|s| …)`
    // 里用 `s.spawn(move || count_primes(part))` 开一个线程。先把所有线程都开出去，
    // 再逐个 `join()` 收结果——开一个就 join 一个，它们就又一个接一个地跑了。
    let _ = threads;
    vec![count_primes(0..limit)]
}

/// 本进程能用几个 CPU。
fn cpus() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

fn main() {
    let parts = count_parallel(200_000, cpus());
    println!(
        "0..200000 里有 {} 个素数，分成 {} 份同时数，每份：{parts:?}",
        parts.iter().sum::<u64>(),
        parts.len()
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    /// 数到多少：调试构建 (debug build) 里一个线程约算 0.2 秒。
    const LIMIT: u64 = 200_000;

    #[test]
    fn the_work_is_split_into_one_part_per_cpu() {
        let _one_at_a_time = ONE_AT_A_TIME.lock();
        let parts = count_parallel(100_000, 3);
        assert_eq!(parts.len(), 3, "分成 3 份，就该有 3 个结果，实际 {parts:?}");
        assert_eq!(
            parts.iter().sum::<u64>(),
            count_primes(0..100_000),
            "几份加起来要等于一个线程数到的个数：每个数恰好数一次"
        );
        assert_eq!(count_parallel(10, 1), [4], "0..10 里有 2 3 5 7 四个素数");
    }

    /// 量 `f` 用了多久。
    /// 这个文件的测试一个一个地跑：同时跑的另一个测试也在算，会打乱计时。
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

    fn time(f: impl FnOnce()) -> Duration {
        let t = Instant::now();
        f();
        t.elapsed()
    }

    /// 对照：一个明摆着能并行的写法（n 个线程各算一份），量出这台机器此刻给得出的加速比。
    fn reference(n: usize) {
        thread::scope(|s| {
            for i in 0..n as u64 {
                let part = LIMIT * i / n as u64..LIMIT * (i + 1) / n as u64;
                s.spawn(move || std::hint::black_box(count_primes(part)));
            }
        });
    }

    #[test]
    fn more_cpus_make_it_faster() {
        let _one_at_a_time = ONE_AT_A_TIME.lock();
        let n = cpus().min(4);
        if n < 2 {
            println!("注：本进程只能用 1 个 CPU，看不到并行的加速，这一项不判断.");
            return;
        }
        let parts = count_parallel(LIMIT, n);
        assert_eq!(
            parts.len(),
            n,
            "应该分成 {n} 份（每个 CPU 一份），实际 {parts:?}"
        );
        // 两个核至少 1.4 倍，四个核至少 2.2 倍（理想是 2 倍、4 倍）。
        let bound = 1.0 + 0.4 * (n - 1) as f64;
        // 一轮：一个线程算全部、你的 n 个线程、对照的 n 个线程，紧挨着量，机器忙闲差不多。
        // 加速比 = 一个线程的耗时 ÷ n 个线程的耗时。有一轮够了就停，最多量 6 轮。
        let (mut yours, mut machine) = (0.0f64, 0.0f64);
        for round in 1..=6 {
            let one = || {
                time(|| {
                    std::hint::black_box(count_primes(0..LIMIT));
                })
            };
            let before = one();
            let mine = || time(|| drop(count_parallel(LIMIT, n)));
            let theirs = || time(|| reference(n));
            let (mine, theirs) = if round % 2 == 1 {
                (mine(), theirs())
            } else {
                let theirs = theirs();
                (mine(), theirs)
            };
            // 一个线程的耗时在前后各量一次，取快的那次：别的程序恰好在量它时打扰，
            // 不会让加速比虚高。
            let one = before.min(one()).as_secs_f64();
            let (y, m) = (one / mine.as_secs_f64(), one / theirs.as_secs_f64());
            if y >= bound {
                return;
            }
            (yours, machine) = (yours.max(y), machine.max(m));
            // 量了 3 轮还没够：对照的也够不到，或者你的和对照的差不多，是机器太忙；
            // 对照的够得到、你的明显慢（不到它的四分之三），再多量 3 轮，还是这样才算你的慢。
            if round >= 3 && (machine < bound || yours >= 0.75 * machine) {
                println!(
                    "注：机器忙 (busy)：{round} 轮里对照的写法最多快 {machine:.2} 倍，你的最多快 {yours:.2} 倍，\
                     量不准，这一项不判断."
                );
                return;
            }
        }
        panic!(
            "分给 {n} 个线程最多只快了 {yours:.2} 倍（对照的写法最多快了 {machine:.2} 倍）：\
             线程是不是一个接一个地跑了？先把 {n} 个线程都开出去，再逐个 join"
        );
    }
}
