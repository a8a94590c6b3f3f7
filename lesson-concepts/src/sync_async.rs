//! 文档「同步异步」：任务2 要不要等任务1 的结果。
//!
//! 两个任务是两个线程，绑在同一个 CPU 上（文档用单核来讲）。同步 (synchronous)：任务2
//! 要用任务1 的结果，就在通道 (channel) 上 `recv` 等它，任务1 完成之前一口也不做。
//! 异步 (asynchronous)：任务2 用不着那个结果，一启动就开始做，和任务1 轮换着运行。
//! 试一试 (try this)：把两个线程绑到不同的 CPU 上，异步的两个任务就真的同时运行了。

use std::io;
use std::sync::mpsc;
use std::thread;

use shared::timeline::{Kind, Span, now, record, take};

use crate::cpu::{self, CAN_PIN};
use crate::report::{self, Options};

/// 同步一次、异步一次。
pub fn run(args: &[String]) -> shared::Result {
    let opts = report::options("sync-async", args)?;
    let one = cpu::allowed_cpus()?[0];
    cpu::calibrate();
    if !CAN_PIN {
        println!("注：只有 Linux 能把两个线程绑到一个 CPU 上，这里它们可能同时在两个 CPU 上运行.");
    }
    println!("同步 (synchronous)：任务2 要用任务1 的结果，所以先等任务1 做完再动手。");
    case(one, true, &opts, "同步")?;
    println!();
    println!("异步 (asynchronous)：任务2 用不着任务1 的结果，一启动就做，不等它。");
    case(one, false, &opts, "异步")
}

/// 任务1 算四口；任务2 算三口，同步时先在通道上等任务1 的结果。两个线程都绑在 `one` 上。
fn case(one: usize, sync: bool, opts: &Options, chart: &str) -> shared::Result {
    let (result_tx, result_rx) = mpsc::channel();
    let task1 = thread::spawn(move || -> io::Result<()> {
        cpu::pin_to(&[one])?;
        let result = (0..4).fold(0, |acc: u64, _| acc.wrapping_add(cpu::mouthful("任务1")));
        let _ = result_tx.send(result); // 没人要这个结果（异步时）也没关系
        Ok(())
    });
    // 同步时任务2 拿着接收端 (receiver)，异步时它根本不要。
    let needs = sync.then_some(result_rx);
    let task2 = thread::spawn(move || -> io::Result<()> {
        cpu::pin_to(&[one])?;
        if let Some(result_rx) = needs {
            let waiting = now();
            let _result = result_rx // 任务2 要用的结果
                .recv()
                .map_err(|_| io::Error::other("任务1 没有给出结果"))?;
            record(Span::new("任务2", Kind::Waiting, waiting, now()));
            println!("任务2 拿到了任务1 的结果，开始执行.");
        }
        for _ in 0..3 {
            cpu::mouthful("任务2");
        }
        Ok(())
    });
    task1.join().expect("任务1 不会 panic")?;
    task2.join().expect("任务2 不会 panic")?;

    let spans = take();
    println!("{}", report::started(&spans, "任务1", "任务2"));
    opts.show(chart, &spans);
    Ok(())
}
