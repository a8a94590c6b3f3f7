//! 假的 CPU 活 (CPU-bound work)：程序运行概念一课里"喝一口酒"那样的一口计算，和量机器有多忙。
//!
//! [`crate::download`] 是只会等待的假任务（I/O 密集），这里是另一种：真的占着 CPU 算。
//! 一口 ([`mouthful`]) 是一段 xorshift 随机数的计算，每一步依赖上一步，编译器省不掉；
//! [`steps_for`] 先量一量这台机器，把"文档里的 0.1 秒"换算成步数（乘上时间比例）。
//! 在自己的项目里，把它换成真正要算的东西就行了。
//!
//! 量 CPU 的几个小帮手也在这里：[`cpu_time`] 是本线程真正在 CPU 上运行了多久；
//! [`ticks`] 和 [`others_since`] 从 `/proc/stat` 看别的程序占着几个 CPU——机器很忙时，
//! 例子说出来，而不是给出一个错的结论。只支持 Linux。

use std::io;
use std::time::{Duration, Instant};

/// 一口：`steps` 步真正占 CPU 的计算。
pub fn mouthful(steps: u64) -> u64 {
    let mut x = std::hint::black_box(0x9E37_79B9_7F4A_7C15_u64);
    for _ in 0..steps {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    std::hint::black_box(x)
}

/// 文档里 `doc_secs` 秒的计算是多少步：量五次短的计算取最快的，被别的程序打断的那几次不算。
pub fn steps_for(doc_secs: f64) -> u64 {
    const PROBE: u64 = 100_000;
    let fastest = (0..5)
        .map(|_| {
            let t = Instant::now();
            mouthful(PROBE);
            t.elapsed()
        })
        .min()
        .unwrap_or_default();
    (crate::time::secs(doc_secs).as_secs_f64() / fastest.as_secs_f64().max(1e-9) * PROBE as f64)
        as u64
}

/// 本线程到现在为止真正在 CPU 上运行了多久（线程的 CPU 时钟，不算等待和排队）。
pub fn cpu_time() -> io::Result<Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` 是一个有效的、可写的 timespec，内核只往里面写。
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

/// 到现在为止整台机器所有 CPU 忙了多少、其中本进程用了多少，单位是时钟滴答 (clock tick，
/// Linux 上是 1/100 秒)：`/proc/stat` 第一行去掉空闲 (idle, iowait)，`/proc/self/stat` 的 utime + stime。
pub fn ticks() -> io::Result<(u64, u64)> {
    let all = std::fs::read_to_string("/proc/stat")?;
    let all: Vec<u64> = all
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|n| n.parse().unwrap_or(0))
        .collect();
    let busy = all.iter().sum::<u64>() - all.get(3..5).map_or(0, |idle| idle.iter().sum());
    let mine = std::fs::read_to_string("/proc/self/stat")?;
    let after_name = mine.rsplit(')').next().unwrap_or_default();
    let mine = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .map(|n| n.parse().unwrap_or(0))
        .sum();
    Ok((busy, mine))
}

/// 从 `before`（[`ticks`] 的结果）到现在（共 `wall`），别的程序平均占着几个 CPU。
pub fn others_since(before: (u64, u64), wall: Duration) -> io::Result<f64> {
    let now = ticks()?;
    let others = (now.0.saturating_sub(before.0)).saturating_sub(now.1.saturating_sub(before.1));
    Ok(others as f64 / 100.0 / wall.as_secs_f64().max(1e-9))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mouthful_burns_cpu_time_and_more_steps_take_longer() {
        let before = cpu_time().expect("cpu time");
        mouthful(2_000_000);
        let one = cpu_time().expect("cpu time") - before;
        assert!(one > Duration::ZERO);
        let before = cpu_time().expect("cpu time");
        std::thread::sleep(Duration::from_millis(20));
        let slept = cpu_time().expect("cpu time") - before;
        assert!(
            slept < Duration::from_millis(5),
            "sleeping is not CPU time: {slept:?}"
        );
    }

    #[test]
    fn others_since_is_a_small_non_negative_number() {
        let before = ticks().expect("ticks");
        let others = others_since(before, Duration::from_millis(100)).expect("ticks");
        assert!((0.0..1000.0).contains(&others), "{others}");
    }
}
