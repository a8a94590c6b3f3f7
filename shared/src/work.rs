//! 假的 CPU 活 (CPU-bound work)：程序运行概念一课里"喝一口酒"那样的一口计算，和量机器有多忙。
//!
//! [`crate::download`] 是只会等待的假任务（I/O 密集），这里是另一种：真的占着 CPU 算。
//! 一口 ([`mouthful`]) 是一段 xorshift 随机数的计算，每一步依赖上一步，编译器省不掉；
//! [`steps_for`] 先量一量这台机器，把"文档里的 0.1 秒"换算成步数（乘上时间比例）。
//! 在自己的项目里，把它换成真正要算的东西就行了。
//!
//! 量 CPU 的几个小帮手也在这里：[`cpu_time`] 是本线程真正在 CPU 上运行了多久；
//! [`ticks`] 和 [`others_since`] 看别的程序占着几个 CPU——机器很忙时，例子说出来，
//! 而不是给出一个错的结论；[`pin_to`] 把线程绑到一个 CPU 上（"单核"的例子要用）。
//! 这几件事每个系统的问法不同，都藏在这里的 `cfg` 后面：Linux、macOS、Windows 都能用，
//! 只有绑核 macOS 做不到（[`CAN_PIN`]）。

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
///
/// Linux 和 macOS 读线程的 CPU 时钟 (`CLOCK_THREAD_CPUTIME_ID`)，精确到纳秒；Windows 的
/// `GetThreadTimes` 按系统的时钟滴答累计，约 16 毫秒一跳，短的计算要多做几口才看得出来。
pub fn cpu_time() -> io::Result<Duration> {
    os::cpu_time()
}

/// 某一刻整台机器的所有 CPU 一共忙了多久、其中本进程用了多久（开机以来的累计，[`ticks`] 的结果）。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticks {
    /// 所有 CPU 不空闲的时间之和。
    pub machine: Duration,
    /// 其中本进程的线程在 CPU 上的时间。
    pub mine: Duration,
}

/// 到现在为止整台机器所有 CPU 忙了多少、其中本进程用了多少。
///
/// Linux 读 `/proc/stat` 和 `/proc/self/stat`，macOS 问 Mach 内核 (`host_statistics`) 和
/// `getrusage`，Windows 问 `GetSystemTimes` 和 `GetProcessTimes`；三者都按时钟滴答
/// (clock tick) 累计，10 到 16 毫秒一跳。
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

    pub fn ticks() -> io::Result<Ticks> {
        // SAFETY: sysconf 只读一个系统常数。
        let hz = match unsafe { libc::sysconf(libc::_SC_CLK_TCK) } {
            hz if hz > 0 => hz as u64,
            _ => 100,
        };
        let tick = |n: u64| Duration::from_nanos(n.saturating_mul(1_000_000_000 / hz));
        // 第一行：cpu user nice system idle iowait irq softirq steal；去掉空闲 (idle, iowait)。
        let all = std::fs::read_to_string("/proc/stat")?;
        let all: Vec<u64> = all
            .split_whitespace()
            .skip(1)
            .take(8)
            .map(|n| n.parse().unwrap_or(0))
            .collect();
        let busy = all.iter().sum::<u64>() - all.get(3..5).map_or(0, |idle| idle.iter().sum());
        // 本进程的 utime + stime：名字后面的第 12、13 列。
        let mine = std::fs::read_to_string("/proc/self/stat")?;
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
        GetCurrentProcess, GetCurrentProcessorNumber, GetCurrentThread, GetProcessTimes,
        GetSystemTimes, GetThreadTimes, SetThreadAffinityMask,
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
