//! 文档「核与任务 · 单核多任务」：一个人喝一口酒，抽一口烟，吃一口烤鸭，轮换进行。
//!
//! 三件事是三个线程，全部绑 (pin) 在同一个 CPU 上。一个 CPU 同一时刻只能运行一个线程，
//! 操作系统的调度器 (scheduler) 每隔几毫秒（一个时间片 (time slice)）就换一个线程运行：
//! 调度器的"一口"比我们的一口小得多。整段看三件事都在进行，放大看同一时刻只有一件；
//! 总耗时约等于三件事的计算时间之和。
//! 试一试 (try this)：在每口之后加 `thread::yield_now()`，看切换次数怎么变。

use std::io;
use std::thread;

use shared::stopwatch::{Stopwatch, total_line};

use crate::cpu::{self, CAN_PIN, FEAST};
use crate::report;

/// 每件事吃几口。
const MOUTHFULS: usize = 5;

/// 三个线程挤在一个 CPU 上。
pub fn run(args: &[String]) -> shared::Result {
    let opts = report::options("one-core-many-tasks", args)?;
    let one = cpu::allowed_cpus()?[0];
    cpu::calibrate();
    println!("单核多任务：一个人（CPU {one}），喝一口酒，抽一口烟，吃一口烤鸭，轮换进行。");
    let clock = Stopwatch::start();
    let tasks: Vec<_> = FEAST
        .into_iter()
        .map(|(verb, thing)| {
            thread::spawn(move || -> io::Result<()> {
                cpu::pin_to(&[one])?;
                for _ in 0..MOUTHFULS {
                    cpu::mouthful(&format!("{verb}{thing}"));
                }
                Ok(())
            })
        })
        .collect();
    for task in tasks {
        task.join().expect("吃喝的线程不会 panic")?;
    }
    let wall = clock.elapsed();

    let spans = shared::timeline::take();
    let work: f64 = FEAST
        .iter()
        .map(|(verb, thing)| report::busy(&spans, &format!("{verb}{thing}")).as_secs_f64())
        .sum();
    if !CAN_PIN {
        println!("注：只有 Linux 能把线程绑到一个 CPU 上，这里三件事可能在几个 CPU 上同时进行.");
    }
    let used = report::list(&report::cpus(&spans));
    println!(
        "三件事都在 CPU {used} 上，互相切换了 {} 次.",
        report::switches(&spans)
    );
    println!("三件事的计算时间之和: {work:.3}秒.");
    println!("{}", total_line(wall, 3));
    opts.show("单核多任务", &spans);
    if let Some(zoomed) = report::zoom(&spans) {
        print!("{zoomed}");
        println!("放大看，同一时刻只有一件事在运行：一个 CPU 一次只能运行一个线程.");
    }
    Ok(())
}
