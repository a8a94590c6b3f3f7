//! 文档「并发并行」：同样三件计算，先挤在一个 CPU 上，再分到所有 CPU 上。
//!
//! 并发 (concurrency)：三个线程绑定 (pin) 在同一个 CPU 上，调度器每隔几毫秒换一个上去。
//! 拉远了看（一段时间），三件事都在进行；凑近了看（一个时刻），只有一件在运行。
//! 总耗时约等于三件相加。
//! 并行 (parallel)：不绑 CPU，操作系统把它们分到所有 CPU 上，同一时刻真的有几件在运行，
//! 总耗时约等于三件相加 ÷ min(任务数, 核数)。时间线上能看到同一列里几个不同的 CPU 号。
//! "所有 CPU"是本进程可以用的 CPU：只给它一个 CPU 时，并行和并发一样，例子直说。
//! 三个线程只算不等：平均同时在运行的个数比没人抢时至少该有的还少两成以上（并行时
//! 三件事两个核可能只有 1.5：调度器不一定挪线程，见 `shared::work::fair_share`），是别的线程
//! 或程序也在用这些 CPU，例子说一行机器忙，加速比也就不算数。
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
use shared::time::at_least;
use shared::work::{
    cpu_time, got_the_cpus, mouthful, pin_to, pinnable_cpu, steps_for, usable_cpus,
};

/// 三件同样多的计算，也是三个线程的名字（线程名最多 15 个字节）。
const TASKS: [&str; 3] = ["喝酒", "抽烟", "吃烤鸭"];
/// 每件事吃几口，每口是文档里的 0.1 秒计算。
const MOUTHFULS: usize = 5;
/// 时间比例的下限：一口计算至少 20 毫秒。一件事只算 25 毫秒时，开线程、采样和 CPU 偶尔
/// 被虚拟机的宿主拿走的那几毫秒就占了一成多：两半量出的 CPU 时间差得多，加速比时而超过
/// 最多的 2（这台 2 核虚拟机上 0.05 时六次里有一次）。
const MIN_SCALE: f64 = 0.2;

pub fn main() -> Result<(), Box<dyn Error>> {
    at_least(MIN_SCALE);
    let one = pinnable_cpu()?; // 此刻所在的 CPU；不能绑核的系统 (macOS) 是 None
    let cores = usable_cpus()?; // 本进程可以用的 CPU
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
    let concurrent = phase(bite, one, 1)?;
    println!();
    println!("并行 (parallel)：同样三件事，由操作系统分到本进程可用的 {cores} 个 CPU 上同时执行。");
    if cores == 1 {
        println!(
            "本进程只能用 1 个 CPU：\"所有 CPU\"就是这一个，三件事仍然只能轮流，和上面的并发一样."
        );
    }
    let best = TASKS.len().min(cores);
    let parallel = phase(bite, None, best)?;
    println!();
    let speedup = concurrent.wall.as_secs_f64() / parallel.wall.as_secs_f64();
    let most = format!("最多 min(任务数 3, 核数 {cores}) = {best}");
    if !concurrent.fair || !parallel.fair {
        // 有一半的线程没分到该有的 CPU：比出来的数不是并发和并行的差别。
        println!("注：这次的加速比 {speedup:.2} 不算数（{most}）：有一半机器忙，见上面的注.");
    } else if format!("{speedup:.2}").parse::<f64>()? > best as f64 {
        let at_c = concurrent.sum.as_secs_f64() / concurrent.wall.as_secs_f64();
        let why = if at_c < 0.98 {
            format!(
                "并发那一半这个 CPU 平均只有 {at_c:.2} 的时间在算这三件事，其余给了别的线程或程序，总耗时被拉长了"
            )
        } else {
            let (c, p) = (concurrent.sum.as_secs_f64(), parallel.sum.as_secs_f64());
            format!("并发那一半算同样的事用了 {c:.3}秒 CPU 时间，比并行那一半的 {p:.3}秒 多")
        };
        println!("注：这次的加速比 {speedup:.2} 比{most} 还大，不算数：{why}.");
    } else {
        println!("加速比 (speed-up)：并发总耗时 ÷ 并行总耗时 = {speedup:.2}，{most}.");
    }
    Ok(())
}

/// 一半的结果：计算时间之和、总耗时、线程是不是分到了该有的 CPU。
struct Phase {
    sum: Duration,
    wall: Duration,
    fair: bool,
}

/// 三个线程各算一件事：`pin` 是 `Some(cpu)` 时都绑在这个 CPU 上，它们最多同时用上
/// `could` 个 CPU。打印计算时间之和、总耗时，它们没分到这些 CPU 时说一行。
fn phase(bite: u64, pin: Option<usize>, could: usize) -> Result<Phase, Box<dyn Error>> {
    let sampler = Sampler::start()?;
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
    for (name, task) in TASKS.iter().zip(tasks) {
        let ran = task.join().expect("计算的线程不会 panic")?;
        println!("{name}：在 CPU 上算了 {:.3}秒.", ran.as_secs_f64());
        sum += ran;
    }
    let wall = start.elapsed();
    println!("三件事的计算时间之和: {:.3}秒.", sum.as_secs_f64());
    println!("总耗时: {:.3}秒.", wall.as_secs_f64());
    let at_once = sum.as_secs_f64() / wall.as_secs_f64();
    println!("平均同时在运行 {at_once:.2} 件事.");
    // 只算不等的线程没分到该有的 CPU：别的线程或程序占着这些 CPU，这一半的数说明不了问题。
    let fair = got_the_cpus(sum, TASKS.len(), wall, could);
    if !fair {
        println!(
            "注：机器忙 (busy)：应有 {could} 件同时在运行，平均只有 {at_once:.2} 件，其余时间这些 CPU 在运行别的线程或程序，这一半的数不算数."
        );
    }
    print!("{}", render(&sampler.finish()));
    Ok(Phase { sum, wall, fair })
}
