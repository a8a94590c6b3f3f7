//! 文档「核与任务 · 单核多任务」：一个人喝一口酒、抽一口烟、吃一口烤鸭，轮换着来。
//!
//! 三件事是三个线程，同时开始，却都绑定 (pin) 在同一个 CPU 上。一个 CPU 同一时刻只能
//! 运行一个线程，操作系统的调度器 (scheduler) 每隔几毫秒（一个时间片 (time slice)）
//! 换一个线程上去：时间线上三行交错，数字是同一个 CPU 号，轮不到的线程显示 `-`
//! （可以运行，在等 CPU）。三件事的计算加起来有多少，总耗时就至少有多少；这个 CPU 要是
//! 还在运行别的线程或程序，总耗时会长得多，例子说一行机器忙。
//! 和 Python 不同：Python 的线程因为 GIL 本来就一次只跑一个；Rust 的线程能同时用上
//! 所有 CPU，所以这里要特意绑到一个 CPU 上，才是"单核"。
//! 绑核在 Linux 和 Windows 上做得到；macOS 不能绑核，例子说一行：三个线程会分到几个 CPU 上
//! 同时算，总耗时接近一件事的计算，而不是三件相加。时间线读 Linux 内核的 `/proc`，
//! 别的系统上只说一行画不出来。
//!
//! 复制到自己的项目里就能运行（只用到 `shared`）。
//!
//! 试一试 (try this)：删掉 `pin_to(one)?;` 这一行，看三行怎样用上别的 CPU、总耗时变短。

use std::error::Error;
use std::thread;
use std::time::{Duration, Instant};

use shared::chart::{Sampler, render};
use shared::time::at_least;
use shared::work::{cpu_time, got_the_cpus, mouthful, pin_to, pinnable_cpu, steps_for};

/// 文档里的三件事，也是三个线程的名字（线程名最多 15 个字节）。
const TASKS: [&str; 3] = ["喝酒", "抽烟", "吃烤鸭"];
/// 每件事吃几口，每口是文档里的 0.1 秒计算。
const MOUTHFULS: usize = 5;
/// 时间比例的下限：一口计算至少 5 毫秒，长过调度的时间片和采样的间隔。
const MIN_SCALE: f64 = 0.05;

pub fn main() -> Result<(), Box<dyn Error>> {
    at_least(MIN_SCALE);
    let one = pinnable_cpu()?; // 此刻所在的 CPU；不能绑核的系统 (macOS) 是 None
    let bite = steps_for(0.1);
    let who = one.map_or("一个人".to_owned(), |cpu| format!("一个人（CPU {cpu}）"));
    println!("单核多任务：{who}，喝一口、抽一口、吃一口，轮换着来。");
    if one.is_none() {
        println!(
            "注：这个系统不能把线程绑到一个 CPU 上 (no CPU pinning)，三个线程会分到几个 CPU 上同时算：总耗时接近一件事的计算，而不是三件相加."
        );
    }
    let sampler = Sampler::start()?;
    let start = Instant::now();
    let mut people = Vec::new();
    for task in TASKS {
        // `thread::spawn(f)` 是同一个调用，只是操作系统不给开线程时会 panic。
        let person = thread::Builder::new().name(task.into()).spawn(move || {
            if let Some(cpu) = one {
                pin_to(cpu)?; // 单核：三个线程挤在同一个 CPU 上
            }
            for _ in 0..MOUTHFULS {
                mouthful(bite);
            }
            cpu_time() // 这个线程真正在 CPU 上运行了多久
        })?;
        people.push((task, person));
    }
    let mut sum = Duration::ZERO;
    for (task, person) in people {
        let ran = person.join().expect("吃喝的线程不会 panic")?;
        println!(
            "{task}：{MOUTHFULS} 口，在 CPU 上算了 {:.3}秒.",
            ran.as_secs_f64()
        );
        sum += ran;
    }
    let wall = start.elapsed();
    println!("三件事的计算时间之和: {:.3}秒.", sum.as_secs_f64());
    println!("总耗时: {:.3}秒.", wall.as_secs_f64());
    if !got_the_cpus(sum, TASKS.len(), wall, 1) {
        println!(
            "注：机器忙 (busy)：这个 CPU 平均只有 {:.2} 的时间在算这三件事，其余时间在运行别的线程或程序，所以总耗时比计算之和长得多.",
            sum.as_secs_f64() / wall.as_secs_f64()
        );
    }
    print!("{}", render(&sampler.finish()));
    Ok(())
}
