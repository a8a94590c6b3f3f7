//! 文档「核与任务 · 单核单任务」：一个人先把酒喝完，再把烟抽完，最后把烤鸭吃完。
//!
//! 这里"人"就是一个 CPU 核。每件事是一个线程，三个线程都绑定 (pin) 在同一个 CPU 上，
//! 而且主线程等前一件做完（`join`）才开始下一件：时间线上三行像台阶一样首尾相接，
//! 数字都是同一个 CPU 号。每一口 (mouthful) 是一小段真正的计算，不是睡眠。
//! 只能在 Linux 上运行：绑核用 Linux 的 `sched_setaffinity`，时间线读 Linux 的 `/proc`。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add libc
//! ```
//!
//! 试一试 (try this)：把 `MOUTHFULS` 改成 10，每一级台阶变长一倍，先后顺序不变。

use std::error::Error;
use std::io;
use std::thread;
use std::time::Instant;

use shared::chart::{Sampler, render};
use shared::work::{mouthful, steps_for};

/// 文档里的三件事，也是三个线程的名字（线程名最多 15 个字节）。
const TASKS: [&str; 3] = ["喝酒", "抽烟", "吃烤鸭"];
/// 每件事吃几口，每口是文档里的 0.1 秒计算。
const MOUTHFULS: usize = 5;

pub fn main() -> Result<(), Box<dyn Error>> {
    let one = current_cpu()?;
    let bite = steps_for(0.1);
    println!("单核单任务：一个人（CPU {one}），一件事做完才做下一件：喝酒 → 抽烟 → 吃烤鸭。");
    let sampler = Sampler::start()?;
    let start = Instant::now();
    for task in TASKS {
        // `thread::spawn(f)` 是同一个调用，只是操作系统不给开线程时会 panic；
        // `Builder::spawn` 把拒绝变成一个错误，还能给线程起名字（时间线上的行名）。
        let person = thread::Builder::new().name(task.into()).spawn(move || {
            pin_to(one)?; // 单核：只许在这一个 CPU 上运行
            let began = Instant::now();
            for _ in 0..MOUTHFULS {
                mouthful(bite);
            }
            io::Result::Ok(began.elapsed())
        })?;
        // 等这件事做完，才去开始下一件：这就是"单任务"。
        let took = person.join().expect("吃喝的线程不会 panic")?;
        println!("{task}：{MOUTHFULS} 口，用时 {:.3}秒.", took.as_secs_f64());
    }
    println!("总耗时: {:.3}秒.", start.elapsed().as_secs_f64());
    print!("{}", render(&sampler.finish()));
    Ok(())
}

/// 当前线程此刻在哪个 CPU 上：它一定是允许本进程使用的 CPU。
fn current_cpu() -> io::Result<usize> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sched_getcpu 没有参数，只返回一个数，出错时返回 -1。
        let cpu = unsafe { libc::sched_getcpu() };
        usize::try_from(cpu).map_err(|_| io::Error::last_os_error())
    }
    #[cfg(not(target_os = "linux"))]
    Err(io::Error::other("这个例子只能在 Linux 上运行 (Linux only)"))
}

/// 把当前线程绑定到 CPU `cpu` 上：此后内核只在这个 CPU 上运行它。
fn pin_to(cpu: usize) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: cpu_set_t 是一块位图，全零是合法的空集合；CPU_SET 只写这块内存；
        // pid 0 表示当前线程，传入的大小就是 `set` 的大小，内核只读它。
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
    #[cfg(not(target_os = "linux"))]
    Err(io::Error::other(format!(
        "绑到 CPU {cpu} 只能在 Linux 上做 (Linux only)"
    )))
}
