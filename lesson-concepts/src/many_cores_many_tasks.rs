//! 文档「核与任务 · 多核多任务」：三个人，一个人喝酒，一个人抽烟，一个人吃烤鸭。
//!
//! 一个人就是一个 CPU：每件事一个线程，各自绑在不同的 CPU 上，真正同时运行，互不干扰。
//! 任务数不超过核数时，总耗时约等于一件事的时间，而不是几件相加。
//! 这台机器的核比三个少时，就只请得起那么多人（任务数等于核数，效率最高）。
//! 试一试 (try this)：`taskset -c 0 cargo run -p lesson-concepts -- many-cores-many-tasks`，
//! 只给它一个 CPU，看它怎么说。

use std::io;
use std::thread;

use shared::stopwatch::{Stopwatch, total_line};

use crate::cpu::{self, CAN_PIN, FEAST};
use crate::report;

/// 每件事吃几口。
const MOUTHFULS: usize = 5;

/// 每件事一个线程，每个线程一个 CPU。
pub fn run(args: &[String]) -> shared::Result {
    let opts = report::options("many-cores-many-tasks", args)?;
    let cpus = cpu::allowed_cpus()?;
    if cpus.len() < 2 {
        println!("这台机器只给了本进程 1 个 CPU：看不到多核多任务，只能一件一件来.");
        return Ok(());
    }
    let people = FEAST.len().min(cpus.len());
    println!("多核多任务：{people} 个人，每人一件事，各用一个 CPU，互不干扰。");
    if people < FEAST.len() {
        println!("注：这台机器只有 {people} 个 CPU，所以只请了 {people} 个人，做前 {people} 件事.");
    }
    if !CAN_PIN {
        println!("注：只有 Linux 能把线程绑到指定的 CPU 上，这里由操作系统决定谁用哪个 CPU.");
    }
    cpu::calibrate();
    let clock = Stopwatch::start();
    let tasks: Vec<_> = FEAST[..people]
        .iter()
        .zip(cpus)
        .map(|(&(verb, thing), mine)| {
            thread::spawn(move || -> io::Result<()> {
                cpu::pin_to(&[mine])?; // 这个人只用自己的 CPU
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
    for &(verb, thing) in &FEAST[..people] {
        let task = format!("{verb}{thing}");
        let mine: Vec<_> = report::running(&spans, &task).cloned().collect();
        let used = report::list(&report::cpus(&mine));
        let busy = report::busy(&spans, &task).as_secs_f64();
        println!("{task}：CPU {used}，计算 {busy:.3}秒.");
    }
    println!("{}", total_line(wall, 3));
    opts.show("多核多任务", &spans);
    Ok(())
}
