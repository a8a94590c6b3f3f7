//! 文档「并发并行」：同样的三件计算，先挤在一个 CPU 上，再分到所有 CPU 上。
//!
//! 并发 (concurrency)：三个线程绑在一个 CPU 上，操作系统每隔几毫秒换一个运行。整段看
//! 三件事都在进行（宏观），放大看同一时刻只有一件（微观）；总耗时约等于三件相加。
//! 并行 (parallel)：分到所有 CPU 上，由操作系统调度，同时运行，总耗时约等于
//! 相加 ÷ min(任务数, 核数)。
//! 试一试 (try this)：`taskset -c 0` 只给它一个 CPU 再运行，并行那一半就做不到了。

use std::io;
use std::thread;
use std::time::Duration;

use shared::stopwatch::{Stopwatch, total_line};

use crate::cpu::{self, CAN_PIN, FEAST};
use crate::report::{self, Options};

/// 每件事吃几口。
const MOUTHFULS: usize = 5;

/// 先并发，再并行，最后比一比。
pub fn run(args: &[String]) -> shared::Result {
    let opts = report::options("concurrency-parallelism", args)?;
    let cpus = cpu::allowed_cpus()?;
    cpu::calibrate();
    if !CAN_PIN {
        println!("注：只有 Linux 能把线程绑到一个 CPU 上，这里的并发一半可能也用了几个 CPU.");
    }
    println!(
        "并发 (concurrency)：三件事挤在一个 CPU（CPU {}）上，轮换执行。",
        cpus[0]
    );
    let concurrent = phase(&cpus, true, &opts, "并发")?;
    if cpus.len() < 2 {
        println!("这台机器只给了本进程 1 个 CPU：看不到并行.");
        return Ok(());
    }
    println!();
    println!(
        "并行 (parallel)：同样三件事，由操作系统分到 {} 个 CPU 上同时执行。",
        cpus.len()
    );
    let parallel = phase(&cpus, false, &opts, "并行")?;
    println!();
    let best = FEAST.len().min(cpus.len());
    println!(
        "加速比 (speed-up)：并发总耗时 ÷ 并行总耗时 = {:.2}（最多 min(任务数 {}, 核数 {}) = {best}）.",
        concurrent.as_secs_f64() / parallel.as_secs_f64(),
        FEAST.len(),
        cpus.len()
    );
    Ok(())
}

/// 三个线程各做一件事：`together` 时全部绑在第一个 CPU 上，否则分到所有 CPU 上。返回总耗时。
fn phase(cpus: &[usize], together: bool, opts: &Options, chart: &str) -> shared::Result<Duration> {
    let clock = Stopwatch::start();
    let tasks: Vec<_> = FEAST
        .into_iter()
        .enumerate()
        .map(|(i, (verb, thing))| {
            let cpus = cpus.to_vec();
            thread::spawn(move || -> io::Result<()> {
                if together {
                    cpu::pin_to(&cpus[..1])?; // 并发：全挤在一个 CPU 上
                } else {
                    // 并行：先各自分到一个 CPU 上起步，再放开由操作系统调度。别的程序把 CPU
                    // 占满时，调度器按进程组 (autogroup) 平衡负载，不一定替我们分开。
                    cpu::pin_to(&[cpus[i % cpus.len()]])?;
                    cpu::pin_to(&cpus)?;
                }
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
    let work: Duration = FEAST
        .iter()
        .map(|(verb, thing)| report::busy(&spans, &format!("{verb}{thing}")))
        .sum();
    let used = report::list(&report::cpus(&spans));
    println!(
        "用到的 CPU：{used}；两件事同时在运行的时间: {:.3}秒.",
        report::parallel(&spans).as_secs_f64()
    );
    println!("三件事的计算时间之和: {:.3}秒.", work.as_secs_f64());
    println!("{}", total_line(wall, 3));
    opts.show(chart, &spans);
    if let Some(zoomed) = report::zoom(&spans) {
        print!("{zoomed}");
    }
    Ok(wall)
}
