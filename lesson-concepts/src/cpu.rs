//! 本课程的例子共用的两样东西：一口 (mouthful) 真实的 CPU 计算，和 CPU 亲和性 (CPU affinity)。
//!
//! - 「一口」是一小段真正占用 CPU 的计算（不是睡眠），长短用文档里的秒表示，
//!   按 `LESSON_TIME_SCALE` 缩放：第一次用时先量一下这台机器每秒能算多少次。
//! - [`work`] 一边计算一边看表：每隔约 20 微秒读一次墙钟和本线程的 CPU 时间 (thread CPU time)。
//!   两者的差就是线程被操作系统换下 CPU 的时间，于是时间线上能画出它真正在哪个 CPU 上
//!   运行（数字是 CPU 号），被换下的时候是空白。
//! - 绑核用 Linux 的 `sched_setaffinity`，查 CPU 号用 `sched_getcpu`。其他系统上
//!   [`pin_to`] 什么也不做，CPU 号未知，例子照常运行并用一行说明看不到什么。

use std::hint::black_box;
use std::io;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use shared::timeline::{Kind, Span, now, record};

/// 文档比喻里的三件事，(动词, 东西)：喝酒、抽烟、吃烤鸭。
pub const FEAST: [(&str, &str); 3] = [("喝", "酒"), ("抽", "烟"), ("吃", "烤鸭")];

/// 能不能把线程绑到指定的 CPU 上：只有 Linux 能。
pub const CAN_PIN: bool = cfg!(target_os = "linux");

/// 一口的长短：文档里的 0.1 秒。
pub const MOUTHFUL_SECS: f64 = 0.1;

/// 两次看表之间没在运行超过这么久，才算被换下过 CPU（更短的多半是中断）。
const GAP: Duration = Duration::from_micros(60);

/// 本进程允许使用的 CPU 编号，至少一个。要在绑核之前问：绑核以后线程只看得到一个。
pub fn allowed_cpus() -> io::Result<Vec<usize>> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: cpu_set_t 是普通的位图，全零是合法的空集合。
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        // SAFETY: 传入的大小就是 `set` 的大小，内核只往里面写。
        if unsafe { libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut set) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: CPU_ISSET 只读 `set`，下标小于 CPU_SETSIZE。
        let on = |cpu| unsafe { libc::CPU_ISSET(cpu, &set) };
        Ok((0..libc::CPU_SETSIZE as usize).filter(|&c| on(c)).collect())
    }
    #[cfg(not(target_os = "linux"))]
    {
        Ok((0..std::thread::available_parallelism()?.get()).collect())
    }
}

/// 把当前线程绑定 (pin) 到这几个 CPU 上：此后内核只在它们当中挑一个来运行它。
/// 只有 Linux 能绑；其他系统上什么也不做（例子用 [`CAN_PIN`] 说明看不到什么）。
pub fn pin_to(cpus: &[usize]) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: cpu_set_t 是普通的位图，全零是合法的空集合。
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        for &cpu in cpus {
            // SAFETY: CPU_SET 只写 `set`，越界的编号会被它忽略。
            unsafe { libc::CPU_SET(cpu, &mut set) };
        }
        // SAFETY: pid 0 表示调用的线程；大小就是 `set` 的大小，内核只读它。
        if unsafe { libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = cpus;
        Ok(())
    }
}

/// 当前线程此刻在哪个 CPU 上运行；不知道时为 `None`。
pub fn current_cpu() -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sched_getcpu 没有参数，出错时返回 -1。
        u32::try_from(unsafe { libc::sched_getcpu() }).ok()
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// 当前线程到目前为止用掉的 CPU 时间；不知道时为 `None`。
pub fn thread_cpu_time() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `t` 是一个可写的 timespec，时钟编号是常量。
        let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0;
        ok.then(|| Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// 文档里 `secs` 秒（已按时间比例缩放）的计算量，单位是"次"。
pub fn iterations_for(secs: f64) -> u64 {
    (rate() * shared::time::secs(secs).as_secs_f64()).max(1.0) as u64
}

/// 任务 `task` 吃一口：[`MOUTHFUL_SECS`] 的计算，记在时间线上。
pub fn mouthful(task: &str) -> u64 {
    work(task, iterations_for(MOUTHFUL_SECS))
}

/// 做 `iterations` 次计算，把真正占着 CPU 的几段记为 `task` 的运行（带 CPU 号）。
/// 中途被操作系统换下 CPU 的时间不记，时间线上是空白。返回计算结果，免得编译器把计算省掉。
pub fn work(task: &str, iterations: u64) -> u64 {
    let chunk = (rate() * 20e-6).max(64.0) as u64; // 每算约 20 微秒看一次表
    let (mut x, mut done) = (0x9E37_79B9_7F4A_7C15_u64, 0);
    let mut cpu = current_cpu();
    let mut run_start = now();
    let (mut wall, mut used) = (run_start, thread_cpu_time());
    while done < iterations {
        let n = chunk.min(iterations - done);
        x = chew(x, n);
        done += n;
        let (wall_now, used_now, cpu_now) = (now(), thread_cpu_time(), current_cpu());
        // 墙钟走过的时间减去本线程用掉的 CPU 时间 = 这段时间里没在运行的时间。
        let off = match (used, used_now) {
            (Some(a), Some(b)) => Duration::from_nanos(wall_now.saturating_sub(wall))
                .saturating_sub(b.saturating_sub(a)),
            _ => Duration::ZERO,
        };
        if off > GAP || cpu_now != cpu {
            // 中间被换下过（换 CPU 也一定先被换下）：上一段到上次看表为止，新一段从现在算起。
            // 两头都往里收，记下的运行时间只会少一点，不会把别人的时间算成自己的。
            record(on(Span::new(task, Kind::Running, run_start, wall), cpu));
            (run_start, cpu) = (wall_now, cpu_now);
        }
        (wall, used) = (wall_now, used_now);
    }
    // 到最后一次看表为止：如果恰好在那次看表时被换下，这样也不会把换下的时间算进来。
    record(on(Span::new(task, Kind::Running, run_start, wall), cpu));
    x
}

fn on(span: Span, cpu: Option<u32>) -> Span {
    match cpu {
        Some(c) => span.on_cpu(c),
        None => span,
    }
}

/// 真正的计算：xorshift 随机数，每一步都依赖上一步，编译器和 CPU 都没法跳过。
fn chew(mut x: u64, n: u64) -> u64 {
    for _ in 0..black_box(n) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    black_box(x)
}

/// 先量一下这台机器算得多快（约 20 毫秒）。例子在开始计时之前调用它，
/// 免得第一口把测量的时间也算进去。
pub fn calibrate() {
    rate();
}

/// 这台机器上每秒 CPU 时间能做多少次计算：第一次调用时量 20 毫秒。
fn rate() -> f64 {
    static RATE: OnceLock<f64> = OnceLock::new();
    *RATE.get_or_init(|| {
        let (wall, cpu) = (Instant::now(), thread_cpu_time());
        let mut n = 0u64;
        loop {
            chew(n, 10_000);
            n += 10_000;
            let spent = match (cpu, thread_cpu_time()) {
                (Some(a), Some(b)) => b - a,
                _ => wall.elapsed(),
            };
            if spent >= Duration::from_millis(20) {
                return n as f64 / spent.as_secs_f64();
            }
        }
    })
}
