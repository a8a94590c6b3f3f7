//! 文档「同步异步」：任务2 要不要等任务1 的结果。
//!
//! 两个任务是两个线程，绑定 (pin) 在同一个 CPU 上（文档用一个核来讲）。
//! 同步 (synchronous)：任务2 要用任务1 算出的数，于是先在通道 (channel) 上 `recv`，
//! 结果到手之前一口也不做——时间线上任务2 先是一段等待 `·`，任务1 结束后才开始算。
//! 异步 (asynchronous)：任务2 不需要那个结果，一启动就算，和任务1 轮流用这个 CPU。
//! 绑核在 Linux 和 Windows 上做得到；macOS 不能绑核，例子说一行：异步时两个任务会在两个 CPU 上
//! 同时算。时间线读 Linux 内核的 `/proc`，别的系统上只说一行画不出来。
//!
//! 复制到自己的项目里就能运行（只用到 `shared`）。
//!
//! 试一试 (try this)：把任务2 绑到另一个 CPU 上，异步时两个任务就真的同时在算了。

use std::error::Error;
use std::io;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use shared::chart::{Sampler, render};
use shared::time::at_least;
use shared::work::{mouthful, pin_to, pinnable_cpu, steps_for};

/// 时间比例的下限：交接的那一刻要看得清——一半约 0.7 秒（文档的秒），按 0.2 是 140 毫秒，
/// 图上一格约 1.5 毫秒，长过采样的间隔（约 1 毫秒）；任务1 交出结果后线程还要退出，也就一两格。
const MIN_SCALE: f64 = 0.2;

pub fn main() -> Result<(), Box<dyn Error>> {
    at_least(MIN_SCALE);
    let one = pinnable_cpu()?; // 此刻所在的 CPU；不能绑核的系统 (macOS) 是 None
    let bite = steps_for(0.1);
    if one.is_none() {
        println!(
            "注：这个系统不能把线程绑到一个 CPU 上 (no CPU pinning)，异步时两个任务会在两个 CPU 上同时算，而不是轮流."
        );
    }
    println!("同步 (synchronous)：任务2 要用任务1 的结果，先等任务1 做完再动手。");
    case(one, bite, true)?;
    println!();
    println!("异步 (asynchronous)：任务2 用不着任务1 的结果，一启动就做，不等它。");
    case(one, bite, false)
}

/// 任务1 算四口，把结果交出去；任务2 算三口，`sync` 时先等任务1 的结果。两个线程都绑在 CPU `one` 上。
fn case(one: Option<usize>, bite: u64, sync: bool) -> Result<(), Box<dyn Error>> {
    let sampler = Sampler::start()?;
    let start = Instant::now();
    let (result_tx, result_rx) = mpsc::channel();
    // `thread::spawn(f)` 是同一个调用，只是操作系统不给开线程时会 panic。
    let task1 = thread::Builder::new().name("任务1".into()).spawn(move || {
        pin(one)?;
        let result = (0..4).fold(0, |acc: u64, _| acc ^ mouthful(bite));
        let done = start.elapsed(); // 先记下做完的时刻：一交出结果，任务2 可能马上抢到 CPU
        let _ = result_tx.send(result); // 异步时没人要这个结果，也没关系
        io::Result::Ok(done)
    })?;
    // 同步时任务2 拿着接收端 (receiver)，异步时根本不要它。
    let needs = sync.then_some(result_rx);
    let task2 = thread::Builder::new().name("任务2".into()).spawn(move || {
        pin(one)?;
        if let Some(result_rx) = needs {
            let input = result_rx
                .recv()
                .map_err(|_| io::Error::other("任务1 没有交出结果"))?;
            std::hint::black_box(input); // 任务2 要用的数
        }
        let began = start.elapsed();
        for _ in 0..3 {
            mouthful(bite);
        }
        io::Result::Ok(began)
    })?;
    let done1: Duration = task1.join().expect("任务1 不会 panic")?;
    let began2: Duration = task2.join().expect("任务2 不会 panic")?;
    println!(
        "任务1 在第 {:.3}秒 做完，任务2 在第 {:.3}秒 开始计算.",
        done1.as_secs_f64(),
        began2.as_secs_f64()
    );
    if began2 >= done1 {
        println!("任务2 等到任务1 做完才开始：同步.");
    } else {
        println!("任务2 没等任务1 做完就开始了：异步.");
    }
    print!("{}", render(&sampler.finish()));
    Ok(())
}

/// 绑到 CPU `one` 上；不能绑核时 (`None`) 什么也不做。
fn pin(one: Option<usize>) -> io::Result<()> {
    one.map_or(Ok(()), pin_to)
}
