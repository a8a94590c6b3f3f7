//! 文档「核与任务 · 单核单任务」：一个人先把酒喝完，再把烟抽完，最后把烤鸭吃完。
//!
//! 这里"人"就是一个 CPU 核。每件事是一个线程，三个线程都绑定 (pin) 在同一个 CPU 上，
//! 而且主线程等前一件做完（`join`）才开始下一件：时间线上三行像台阶一样首尾相接，
//! 数字都是同一个 CPU 号。每一口 (mouthful) 是一小段真正的计算，不是睡眠。
//! 每件事打印用时和它在 CPU 上算了多久：这个 CPU 只给这一件事用时，两者差不多；差得多，
//! 是别的线程或程序也在用这个 CPU，它在排队等 CPU，例子说一行机器忙。
//! 绑核 (`pin_to`) 在 Linux 和 Windows 上做得到；macOS 不能绑核，例子说一行，三件事照样一件接一件。
//! 时间线读 Linux 内核的 `/proc`，别的系统上只说一行画不出来。
//!
//! 复制到自己的项目里就能运行（只用到 `shared`）。
//!
//! 试一试 (try this)：把 `MOUTHFULS` 改成 10，每一级台阶变长一倍，先后顺序不变。

use std::error::Error;
use std::io;
use std::thread;
use std::time::Instant;

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
    println!("单核单任务：{who}，一件事做完才做下一件：喝酒 → 抽烟 → 吃烤鸭。");
    if one.is_none() {
        println!(
            "注：这个系统不能把线程绑到一个 CPU 上 (no CPU pinning)，三件事仍然一件接一件，只是不一定在同一个 CPU 上."
        );
    }
    let sampler = Sampler::start()?;
    let start = Instant::now();
    let mut queued = false;
    for task in TASKS {
        // `thread::spawn(f)` 是同一个调用，只是操作系统不给开线程时会 panic；
        // `Builder::spawn` 把拒绝变成一个错误，还能给线程起名字（时间线上的行名）。
        let person = thread::Builder::new().name(task.into()).spawn(move || {
            if let Some(cpu) = one {
                pin_to(cpu)?; // 单核：只许在这一个 CPU 上运行
            }
            let began = Instant::now();
            for _ in 0..MOUTHFULS {
                mouthful(bite);
            }
            io::Result::Ok((began.elapsed(), cpu_time()?))
        })?;
        // 等这件事做完，才去开始下一件：这就是"单任务"。
        let (took, ran) = person.join().expect("吃喝的线程不会 panic")?;
        let (took_s, ran_s) = (took.as_secs_f64(), ran.as_secs_f64());
        println!("{task}：{MOUTHFULS} 口，用时 {took_s:.3}秒，在 CPU 上算了 {ran_s:.3}秒.");
        queued |= !got_the_cpus(ran, 1, took, 1);
    }
    println!("总耗时: {:.3}秒.", start.elapsed().as_secs_f64());
    if queued {
        println!(
            "注：机器忙 (busy)：这个 CPU 还在运行别的线程或程序，有的事用时比它算的时间长得多，多出来的是排队等 CPU 的时间."
        );
    }
    print!("{}", render(&sampler.finish()));
    Ok(())
}
