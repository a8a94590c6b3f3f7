//! 文档「并发并行」：同样三件计算，先挤在一个 CPU 上，再分到所有 CPU 上。
//!
//! 并发 (concurrency)：三个线程绑定 (pin) 在同一个 CPU 上，调度器每隔几毫秒换一个上去。
//! 拉远了看（一段时间），三件事都在进行；凑近了看（一个时刻），只有一件在运行。
//! 总耗时约等于三件相加。
//! 并行 (parallel)：不绑 CPU，操作系统把它们分到所有 CPU 上，同一时刻真的有几件在运行，
//! 总耗时约等于三件相加 ÷ min(任务数, 核数)。时间线上能看到同一列里几个不同的 CPU 号。
//! 和 Python 不同：Python 的线程受 GIL 限制，算东西时做不到并行（要用多进程）；
//! Rust 的线程本来就能并行。
//! 绑核在 Linux 和 Windows 上做得到；macOS 不能绑核，例子说一行：那里"并发"的一半也分到了
//! 几个 CPU 上，两半一样快。时间线读 Linux 内核的 `/proc`，别的系统上只说一行画不出来。
//!
//! 复制到自己的项目里就能运行（只用到 `shared`）。
//!
//! 试一试 (try this)：`taskset -c 0`（Linux；Windows 的 cmd 里是 `start /affinity 1`）只给它一个 CPU
//! 再运行，并行那一半就和并发一样了。

use std::error::Error;
use std::thread;
use std::time::{Duration, Instant};

use shared::chart::{Sampler, render};
use shared::work::{cpu_time, mouthful, others_since, pin_to, pinnable_cpu, steps_for, ticks};

/// 三件同样多的计算，也是三个线程的名字（线程名最多 15 个字节）。
const TASKS: [&str; 3] = ["喝酒", "抽烟", "吃烤鸭"];
/// 每件事吃几口，每口是文档里的 0.1 秒计算。
const MOUTHFULS: usize = 5;
/// 机器忙的界限：别的程序平均占了这么多 CPU、并行又没做到，这次的并行就不算数。
const BUSY: f64 = 0.3;

pub fn main() -> Result<(), Box<dyn Error>> {
    let one = pinnable_cpu()?; // 此刻所在的 CPU；不能绑核的系统 (macOS) 是 None
    let cores = thread::available_parallelism()?.get();
    let bite = steps_for(0.1);
    match one {
        Some(cpu) => println!("并发 (concurrency)：三件事挤在一个 CPU（CPU {cpu}）上，轮换执行。"),
        None => {
            println!("并发 (concurrency)：三件事挤在一个 CPU 上，轮换执行。");
            println!(
                "注：这个系统不能把线程绑到一个 CPU 上 (no CPU pinning)，这一半也会分到几个 CPU 上，和下面的并行一样快."
            );
        }
    }
    let concurrent = phase(bite, one)?;
    println!();
    println!("并行 (parallel)：同样三件事，由操作系统分到本进程可用的 {cores} 个 CPU 上同时执行。");
    let parallel = phase(bite, None)?;
    println!();
    let best = TASKS.len().min(cores);
    println!(
        "加速比 (speed-up)：并发总耗时 ÷ 并行总耗时 = {:.2}，最多 min(任务数 3, 核数 {cores}) = {best}.",
        concurrent.as_secs_f64() / parallel.as_secs_f64()
    );
    Ok(())
}

/// 三个线程各算一件事：`pin` 是 `Some(cpu)` 时都绑在这个 CPU 上。打印并返回总耗时。
fn phase(bite: u64, pin: Option<usize>) -> Result<Duration, Box<dyn Error>> {
    let sampler = Sampler::start()?;
    let before = ticks()?;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for task in TASKS {
        // `thread::spawn(f)` 是同一个调用，只是操作系统不给开线程时会 panic。
        tasks.push(thread::Builder::new().name(task.into()).spawn(move || {
            if let Some(cpu) = pin {
                pin_to(cpu)?; // 并发：全挤在一个 CPU 上
            }
            for _ in 0..MOUTHFULS {
                mouthful(bite);
            }
            cpu_time()
        })?);
    }
    let mut sum = Duration::ZERO;
    for task in tasks {
        sum += task.join().expect("计算的线程不会 panic")?;
    }
    let wall = start.elapsed();
    let others = others_since(before, wall)?;
    println!("三件事的计算时间之和: {:.3}秒.", sum.as_secs_f64());
    println!("总耗时: {:.3}秒.", wall.as_secs_f64());
    let at_once = sum.as_secs_f64() / wall.as_secs_f64();
    println!("平均同时在运行 {at_once:.2} 件事.");
    // 并行没做到、而且别的程序占着 CPU 时才说：那时这次的数字说明不了问题。
    let best = TASKS.len().min(thread::available_parallelism()?.get()) as f64;
    if pin.is_none() && at_once < 0.65 * best && others > BUSY {
        println!(
            "注：别的程序也在用 CPU（机器忙 (busy)），平均占了 {others:.1} 个 CPU，这次的并行不算数."
        );
    }
    print!("{}", render(&sampler.finish()));
    Ok(wall)
}
