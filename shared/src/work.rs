//! 假的 CPU 活 (CPU-bound work)：程序运行概念一课里"喝一口酒"那样的一口计算，和量机器有多忙。
//!
//! [`crate::download`] 是只会等待的假任务（I/O 密集），这里是另一种：真的占着 CPU 算。
//! 一口 ([`mouthful`]) 是一段 xorshift 随机数的计算，每一步依赖上一步，编译器省不掉；
//! [`steps_for`] 先量一量这台机器，把"文档里的 0.1 秒"换算成步数（乘上时间比例）。
//! 在自己的项目里，把它换成真正要算的东西就行了。
//!
//! 量 CPU 的几个小帮手也在这里：[`cpu_time`] 是本线程真正在 CPU 上运行了多久；
//! [`usable_cpus`] 是本进程可以用几个 CPU；[`got_the_cpus`] 判断只算不等的几个线程有没有
//! 分到它们该有的 CPU——没分到，是别的线程或程序占着，例子说出来，而不是给出一个错的结论；
//! [`ticks`] 和 [`others_since`] 按时钟滴答看别的程序占着几个 CPU（量上几百毫秒才准）；
//! [`pin_to`] 把线程绑到一个 CPU 上（"单核"的例子要用）。
//! 这几件事每个系统的问法不同，都藏在这里的 `cfg` 后面：Linux、macOS、Windows 都能用，
//! 只有绑核 macOS 做不到（[`CAN_PIN`]）。

use std::io;
use std::time::{Duration, Instant};

/// 一口：`steps` 步真正占 CPU 的计算。
pub fn mouthful(steps: u64) -> u64 {
    crate::chart::note_thread();
    let mut x = std::hint::black_box(0x9E37_79B9_7F4A_7C15_u64);
    for _ in 0..steps {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    std::hint::black_box(x)
}

/// 文档里 `doc_secs` 秒的计算是多少步：量好几次短的计算，取最快的一次。
///
/// 量的是这个线程的 CPU 时间（[`cpu_time`]），不是墙上的时间：机器很忙、量的时候被别的
/// 程序打断了，一口也还是文档说的那么多计算。Windows 的线程 CPU 时钟太粗（约 16 毫秒一跳，
/// 见 [`CPU_CLOCK_STEP`]），那里量墙上的时间，被打断的那几次不算。
///
/// 这几次分散在 20 毫秒里（每两次之间睡 1 毫秒），不挤在一起：同样的十万步，在一台 2 核
/// 虚拟机上量到过 0.85 到 2.1 毫秒的 CPU 时间，慢的时候一连慢好几毫秒。连着量的几次全落在
/// 慢的时候，换算出的步数就太少，后面的每一口都比说好的短（见过短成三分之一左右）。
pub fn steps_for(doc_secs: f64) -> u64 {
    const PROBE: u64 = 100_000;
    const AT_LEAST: usize = 5;
    const SPREAD: Duration = Duration::from_millis(20);
    const AT_MOST: usize = 50;
    let fine = CPU_CLOCK_STEP < Duration::from_micros(10);
    let began = Instant::now();
    let mut fastest: Option<Duration> = None;
    let mut probes = 0;
    while probes < AT_LEAST || (began.elapsed() < SPREAD && probes < AT_MOST) {
        if probes > 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        let (t, c) = (Instant::now(), cpu_time().ok().filter(|_| fine));
        mouthful(PROBE);
        let took = match c.zip(cpu_time().ok()) {
            Some((before, after)) => after.saturating_sub(before),
            None => t.elapsed(),
        };
        if !took.is_zero() {
            fastest = Some(fastest.map_or(took, |f| f.min(took)));
        }
        probes += 1;
    }
    let fastest = fastest.unwrap_or(Duration::from_micros(100));
    (crate::time::secs(doc_secs).as_secs_f64() / fastest.as_secs_f64() * PROBE as f64) as u64
}

/// 本线程到现在为止真正在 CPU 上运行了多久（线程的 CPU 时钟，不算等待和排队）。
///
/// Linux 和 macOS 读线程的 CPU 时钟 (`CLOCK_THREAD_CPUTIME_ID`)，精确到纳秒；Windows 的
/// `GetThreadTimes` 按系统的时钟滴答累计，约 16 毫秒一跳，短的计算要多做几口才看得出来。
pub fn cpu_time() -> io::Result<Duration> {
    crate::chart::note_thread();
    os::cpu_time()
}

/// 线程的 CPU 时钟（[`cpu_time`]）一跳有多长：Linux 和 macOS 精确到纳秒（这里按 1 微秒算）；
/// Windows 按系统的时钟中断累计，默认约 15.6 毫秒一跳。比较 CPU 时间时，误差按它算。
pub const CPU_CLOCK_STEP: Duration = if cfg!(windows) {
    Duration::from_micros(15_625)
} else {
    Duration::from_micros(1)
};

/// 本进程可以用的 CPU 有几个：`taskset -c 0`（Linux）或 `start /affinity 1`（Windows）
/// 之后就是 1，不管机器上一共有几个。
///
/// Linux 和 macOS 上就是 [`std::thread::available_parallelism`]（Linux 上它看本进程的
/// 亲和性 (affinity) 和 cgroup 的配额）；Windows 上标准库数的是整台机器的 CPU，不看
/// 亲和性（见它的文档），所以这里数本进程的亲和性掩码 (`GetProcessAffinityMask`)。
pub fn usable_cpus() -> io::Result<usize> {
    os::usable_cpus()
}

/// 本可以同时用上 `could` 个 CPU 的 `threads` 个只算不等的线程，一共在 CPU 上算了 `cpu`，
/// 用了 `wall`：它们是不是真的分到了这些 CPU。
///
/// 只算不等的线程不是在运行，就是在排队等 CPU。平均同时在运行的个数 (`cpu / wall`) 低于
/// [`fair_share`] 的八成（算上 CPU 时钟一跳的误差），少掉的那些时间这些 CPU 在运行别的
/// 线程或程序：这次量到的时间说明不了例子要说的事。
pub fn got_the_cpus(cpu: Duration, threads: usize, wall: Duration, could: usize) -> bool {
    let wall = wall.as_secs_f64().max(1e-9);
    let slack = threads as f64 * CPU_CLOCK_STEP.as_secs_f64() / wall;
    cpu.as_secs_f64() / wall + slack >= FAIR * fair_share(threads, could)
}

/// 没有别人占 CPU 时，`threads` 个同样长的只算不等的线程在 `could` 个 CPU 上平均至少有几个
/// 同时在运行。开线程时调度器把它们分到各个 CPU 上，之后不一定再挪：每个 CPU 各自做完分到
/// 它上面的那几个时，总耗时是 ⌈threads ÷ could⌉ 个线程的时间。三个线程两个 CPU：独占一个
/// CPU 的那个先做完，这个 CPU 就闲着，另一个上的两个轮流做完，平均 1.5 个，不是 2 个（这台
/// 2 核虚拟机上量到过 1.48 和 1.50）。线程数是 CPU 数的整数倍时就是 `could`。
pub fn fair_share(threads: usize, could: usize) -> f64 {
    let (threads, could) = (threads.max(1), could.max(1));
    threads as f64 / threads.div_ceil(could) as f64
}

/// [`got_the_cpus`] 的界限：平均同时在运行的个数至少是 [`fair_share`] 的八成。
pub const FAIR: f64 = 0.8;

/// 某一刻本进程能用的 CPU 一共忙了多久、其中本进程用了多久（开机以来的累计，[`ticks`] 的结果）。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticks {
    /// 这些 CPU 不空闲的时间之和。
    pub machine: Duration,
    /// 其中本进程的线程在 CPU 上的时间。
    pub mine: Duration,
}

/// 到现在为止本进程能用的 CPU 一共忙了多少、其中本进程用了多少。
///
/// Linux 读 `/proc/stat` 里亲和性掩码（调用它的线程的；主线程的就是整个进程的）中的那几个 CPU
/// 和 `/proc/self/stat`；macOS（本来
/// 就不能限制进程用哪些 CPU）问 Mach 内核 (`host_statistics`) 和 `getrusage`；Windows 问
/// `GetSystemTimes` 和 `GetProcessTimes`，数的是整台机器（`start /affinity` 之后也是）。
/// 三者都按时钟滴答 (clock tick) 累计，10 到 16 毫秒一跳：只有量上几百毫秒才准。
pub fn ticks() -> io::Result<Ticks> {
    os::ticks()
}

/// 从 `before`（[`ticks`] 的结果）到现在（共 `wall`），别的程序平均占着几个 CPU。
pub fn others_since(before: Ticks, wall: Duration) -> io::Result<f64> {
    let now = ticks()?;
    let machine = now.machine.saturating_sub(before.machine);
    let others = machine.saturating_sub(now.mine.saturating_sub(before.mine));
    Ok(others.as_secs_f64() / wall.as_secs_f64().max(1e-9))
}

/// 这个系统能不能把一个线程绑定 (pin) 到一个 CPU 上：Linux (`sched_setaffinity`) 和
/// Windows (`SetThreadAffinityMask`) 能；macOS 不能，它没有指定 CPU 的调用，只有把线程
/// 分组的"亲和性提示" (affinity hint)，在 Apple 芯片上连提示也不支持。
pub const CAN_PIN: bool = cfg!(any(target_os = "linux", windows));

/// 当前线程此刻在哪个 CPU 上（一定是允许本进程使用的 CPU），好把别的线程绑到它上面；
/// 不能绑核的系统（见 [`CAN_PIN`]）返回 `None`。
pub fn pinnable_cpu() -> io::Result<Option<usize>> {
    os::current_cpu()
}

/// 把当前线程绑定到 CPU `cpu` 上：此后操作系统只在这个 CPU 上运行它。
/// 不能绑核的系统（macOS）返回 `ErrorKind::Unsupported`。
pub fn pin_to(cpu: usize) -> io::Result<()> {
    crate::chart::note_thread();
    os::pin_to(cpu)
}

#[cfg(unix)]
fn timespec_now(clock: libc::clockid_t) -> io::Result<Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` 是一个有效的、可写的 timespec，内核只往里面写。
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

#[cfg(target_os = "linux")]
mod os {
    use super::{Ticks, timespec_now};
    use std::io;
    use std::time::Duration;

    pub fn cpu_time() -> io::Result<Duration> {
        timespec_now(libc::CLOCK_THREAD_CPUTIME_ID)
    }

    pub fn usable_cpus() -> io::Result<usize> {
        Ok(std::thread::available_parallelism()?.get())
    }

    /// 本进程的亲和性掩码里的 CPU（`taskset` 设的那些）。
    fn allowed() -> io::Result<Vec<usize>> {
        // SAFETY: cpu_set_t 全零是合法的空集合；pid 0 是本线程，内核只往 `set` 里写它的大小那么多；
        // CPU_ISSET 只读这块内存，下标不超过 CPU_SETSIZE。
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut set) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok((0..libc::CPU_SETSIZE as usize)
                .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
                .collect())
        }
    }

    pub fn ticks() -> io::Result<Ticks> {
        // SAFETY: sysconf 只读一个系统常数。
        let hz = match unsafe { libc::sysconf(libc::_SC_CLK_TCK) } {
            hz if hz > 0 => hz as u64,
            _ => 100,
        };
        let tick = |n: u64| Duration::from_nanos(n.saturating_mul(1_000_000_000 / hz));
        // 每个 CPU 一行：cpuN user nice system idle iowait irq softirq steal；只数本进程能用的
        // CPU（别的 CPU 再忙也不碍它的事），去掉空闲 (idle, iowait)。
        let allowed = allowed()?;
        let stat = std::fs::read_to_string("/proc/stat")
            .map_err(|e| crate::threads::proc_error("/proc/stat", "数 CPU 忙了多久", e))?;
        let mut busy = 0;
        for line in stat.lines() {
            let mut fields = line.split_whitespace();
            let Some(cpu) = fields
                .next()
                .and_then(|name| name.strip_prefix("cpu"))
                .and_then(|n| n.parse::<usize>().ok())
            else {
                continue;
            };
            if !allowed.contains(&cpu) {
                continue;
            }
            let times: Vec<u64> = fields.take(8).map(|n| n.parse().unwrap_or(0)).collect();
            busy += times.iter().sum::<u64>() - times.get(3..5).map_or(0, |idle| idle.iter().sum());
        }
        // 本进程的 utime + stime：名字后面的第 12、13 列。
        let mine = std::fs::read_to_string("/proc/self/stat").map_err(|e| {
            crate::threads::proc_error("/proc/self/stat", "数本进程用了多少 CPU", e)
        })?;
        let after_name = mine.rsplit(')').next().unwrap_or_default();
        let mine = after_name
            .split_whitespace()
            .skip(11)
            .take(2)
            .map(|n| n.parse().unwrap_or(0))
            .sum();
        Ok(Ticks {
            machine: tick(busy),
            mine: tick(mine),
        })
    }

    pub fn current_cpu() -> io::Result<Option<usize>> {
        // SAFETY: sched_getcpu 没有参数，只返回一个数，出错时返回 -1。
        let cpu = unsafe { libc::sched_getcpu() };
        usize::try_from(cpu)
            .map(Some)
            .map_err(|_| io::Error::last_os_error())
    }

    pub fn pin_to(cpu: usize) -> io::Result<()> {
        if cpu >= libc::CPU_SETSIZE as usize {
            return Err(io::Error::other(format!("没有 CPU {cpu}")));
        }
        // SAFETY: cpu_set_t 是一块位图，全零是合法的空集合；CPU_SET 只写这块内存（上面查过
        // 范围）；pid 0 表示当前线程，传入的大小就是 `set` 的大小，内核只读它。
        let failed = unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut set);
            libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set) != 0
        };
        if failed {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

#[cfg(target_os = "macos")]
mod os {
    use super::{Ticks, timespec_now};
    use std::io;
    use std::time::Duration;

    unsafe extern "C" {
        // 本机的 Mach 端口（<mach/mach_init.h>）。
        fn mach_host_self() -> libc::mach_port_t;
    }

    pub fn cpu_time() -> io::Result<Duration> {
        timespec_now(libc::CLOCK_THREAD_CPUTIME_ID)
    }

    pub fn ticks() -> io::Result<Ticks> {
        let mut load = libc::host_cpu_load_info {
            cpu_ticks: [0; libc::CPU_STATE_MAX as usize],
        };
        let mut count = libc::HOST_CPU_LOAD_INFO_COUNT;
        // SAFETY: `load` 可写，`count` 是它以 integer_t 计的大小，内核最多写这么多。
        let kr = unsafe {
            libc::host_statistics(
                mach_host_self(),
                libc::HOST_CPU_LOAD_INFO,
                (&raw mut load).cast(),
                &mut count,
            )
        };
        if kr != libc::KERN_SUCCESS {
            return Err(io::Error::other("host_statistics 失败"));
        }
        // SAFETY: sysconf 只读一个系统常数。
        let hz = match unsafe { libc::sysconf(libc::_SC_CLK_TCK) } {
            hz if hz > 0 => hz as u64,
            _ => 100,
        };
        let t = load.cpu_ticks;
        let busy = u64::from(t[libc::CPU_STATE_USER as usize])
            + u64::from(t[libc::CPU_STATE_SYSTEM as usize])
            + u64::from(t[libc::CPU_STATE_NICE as usize]);
        // SAFETY: rusage 是普通的数据结构，全零合法；getrusage 只往里面写。
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
        Ok(Ticks {
            machine: Duration::from_nanos(busy.saturating_mul(1_000_000_000 / hz)),
            mine: tv(usage.ru_utime) + tv(usage.ru_stime),
        })
    }

    pub fn usable_cpus() -> io::Result<usize> {
        Ok(std::thread::available_parallelism()?.get())
    }

    pub fn current_cpu() -> io::Result<Option<usize>> {
        Ok(None)
    }

    pub fn pin_to(cpu: usize) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("macOS 不能把线程绑到 CPU {cpu} 上 (no CPU pinning on macOS)"),
        ))
    }
}

#[cfg(windows)]
mod os {
    use super::Ticks;
    use std::io;
    use std::time::Duration;
    use windows_sys::Win32::Foundation::FILETIME;
    use windows_sys::Win32::System::Threading::{
        GetCurrentProcess, GetCurrentProcessorNumber, GetCurrentThread, GetProcessAffinityMask,
        GetProcessTimes, GetSystemTimes, GetThreadTimes, SetThreadAffinityMask,
    };

    const ZERO: FILETIME = FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    };

    /// FILETIME 是以 100 纳秒为单位的 64 位数，拆成两半存放。
    fn duration(t: FILETIME) -> Duration {
        let units = (u64::from(t.dwHighDateTime) << 32) | u64::from(t.dwLowDateTime);
        Duration::from_nanos(units.saturating_mul(100))
    }

    fn check(ok: i32) -> io::Result<()> {
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    pub fn cpu_time() -> io::Result<Duration> {
        let (mut created, mut exited, mut kernel, mut user) = (ZERO, ZERO, ZERO, ZERO);
        // SAFETY: 当前线程的伪句柄，四个可写的 FILETIME。
        check(unsafe {
            GetThreadTimes(
                GetCurrentThread(),
                &mut created,
                &mut exited,
                &mut kernel,
                &mut user,
            )
        })?;
        Ok(duration(kernel) + duration(user))
    }

    pub fn ticks() -> io::Result<Ticks> {
        let (mut idle, mut kernel, mut user) = (ZERO, ZERO, ZERO);
        // SAFETY: 三个可写的 FILETIME；内核时间里包含空闲时间。
        check(unsafe { GetSystemTimes(&mut idle, &mut kernel, &mut user) })?;
        let machine = (duration(kernel) + duration(user)).saturating_sub(duration(idle));
        let (mut created, mut exited, mut my_kernel, mut my_user) = (ZERO, ZERO, ZERO, ZERO);
        // SAFETY: 当前进程的伪句柄，四个可写的 FILETIME。
        check(unsafe {
            GetProcessTimes(
                GetCurrentProcess(),
                &mut created,
                &mut exited,
                &mut my_kernel,
                &mut my_user,
            )
        })?;
        Ok(Ticks {
            machine,
            mine: duration(my_kernel) + duration(my_user),
        })
    }

    pub fn usable_cpus() -> io::Result<usize> {
        let (mut process, mut system) = (0usize, 0usize);
        // SAFETY: 当前进程的伪句柄，两个可写的掩码。
        check(unsafe { GetProcessAffinityMask(GetCurrentProcess(), &mut process, &mut system) })?;
        match process.count_ones() {
            0 => Ok(std::thread::available_parallelism()?.get()),
            n => Ok(n as usize),
        }
    }

    pub fn current_cpu() -> io::Result<Option<usize>> {
        // SAFETY: 没有参数，只返回当前 CPU 在它的处理器组里的编号。
        Ok(Some(unsafe { GetCurrentProcessorNumber() } as usize))
    }

    pub fn pin_to(cpu: usize) -> io::Result<()> {
        let mask = 1usize
            .checked_shl(cpu as u32)
            .ok_or_else(|| io::Error::other(format!("没有 CPU {cpu}")))?;
        // SAFETY: 当前线程的伪句柄；掩码里只有 `cpu` 这一位；失败时返回 0。
        if unsafe { SetThreadAffinityMask(GetCurrentThread(), mask) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
mod os {
    use super::Ticks;
    use std::io;
    use std::time::Duration;

    fn unsupported() -> io::Error {
        io::Error::new(
            io::ErrorKind::Unsupported,
            "这个系统不支持 (unsupported OS)",
        )
    }

    pub fn cpu_time() -> io::Result<Duration> {
        Err(unsupported())
    }

    pub fn ticks() -> io::Result<Ticks> {
        Err(unsupported())
    }

    pub fn usable_cpus() -> io::Result<usize> {
        Ok(std::thread::available_parallelism()?.get())
    }

    pub fn current_cpu() -> io::Result<Option<usize>> {
        Ok(None)
    }

    pub fn pin_to(_cpu: usize) -> io::Result<()> {
        Err(unsupported())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mouthful_burns_cpu_time_and_sleeping_does_not() {
        // 算满 0.1 秒：Windows 的线程时钟约 16 毫秒才跳一次，太短的计算可能一跳也没有。
        let before = cpu_time().expect("cpu time");
        let wall = Instant::now();
        while wall.elapsed() < Duration::from_millis(100) {
            mouthful(100_000);
        }
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
