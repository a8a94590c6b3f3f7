//! 文档「核与任务 · 单核单任务」：一个人喝完酒，然后抽完烟，最后吃完烤鸭。
//!
//! 一个人就是一个线程，绑在一个 CPU 上；每件事是几口真实的计算。时间线上三行首尾相接、
//! 互不重叠：一个核做完一件事，才去做下一件。
//! 试一试 (try this)：把 `MOUTHFULS` 改大，时间线上每一段跟着变长，顺序不变。

use std::io;
use std::thread;

use shared::stopwatch::Stopwatch;

use crate::cpu::{self, CAN_PIN, FEAST};
use crate::report;

/// 每件事吃几口。
const MOUTHFULS: usize = 5;

/// 一个线程依次做完三件事。
pub fn run(args: &[String]) -> shared::Result {
    let opts = report::options("one-core-one-task", args)?;
    let one = cpu::allowed_cpus()?[0];
    cpu::calibrate();
    println!("单核单任务：一个人（CPU {one}），喝完酒，然后抽完烟，最后吃完烤鸭。");
    let clock = Stopwatch::start();
    let person = thread::spawn(move || -> io::Result<()> {
        cpu::pin_to(&[one])?; // 单核：这个人只用一个 CPU
        for (verb, thing) in FEAST {
            let task = Stopwatch::start();
            for _ in 0..MOUTHFULS {
                cpu::mouthful(&format!("{verb}{thing}"));
            }
            println!(
                "{verb}完{thing}：{MOUTHFULS} 口，用时 {:.3}秒.",
                task.elapsed().as_secs_f64()
            );
        }
        Ok(())
    });
    person.join().expect("吃喝的线程不会 panic")?;
    clock.print_total(3);

    let spans = shared::timeline::take();
    if !CAN_PIN {
        println!("注：只有 Linux 能把线程绑到一个 CPU 上，这里它可能换着 CPU 运行.");
    }
    let used = report::list(&report::cpus(&spans));
    println!("每件事都在 CPU {used} 上，做完一件才开始下一件.");
    opts.show("单核单任务", &spans);
    Ok(())
}
