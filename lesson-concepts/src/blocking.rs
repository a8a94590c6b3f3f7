//! 文档「阻塞性」：任务1 做到一半要等数据，中间空出一段；这段空隙有没有被用上。
//!
//! 一个人（一个线程，绑定 (pin) 在一个 CPU 上）做两件事。任务1 算三口后要读数据，
//! 数据由另一个线程"读数据"送来（它只是睡一会儿，像读磁盘、等网络）。
//! 阻塞 (blocking)：用 `recv` 等，线程睡着，空隙里什么也不做，任务2 排在最后——
//! 时间线上"一个人"那一行中间是一段等待 `·`。
//! 非阻塞 (nonblocking)：用 `try_recv` 看一眼，数据没到就先做一口任务2，再回来看——
//! 空隙被任务2 填满，那一行一直在运行，总耗时也短了。
//! 绑核在 Linux 和 Windows 上做得到；macOS 不能绑核，例子说一行——这里只有"一个人"在算，
//! 结论不变。时间线读 Linux 内核的 `/proc`，别的系统上只说一行画不出来。
//!
//! 复制到自己的项目里就能运行（只用到 `shared`）。
//!
//! 试一试 (try this)：把 `GAP` 改成 0.0，两种做法就一样快了。

use std::error::Error;
use std::io;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread;
use std::time::Instant;

use shared::chart::{Sampler, render};
use shared::time::{at_least, secs};
use shared::work::{mouthful, pin_to, pinnable_cpu, steps_for};

/// 读数据要多久（文档里的秒）：任务1 中间的空隙。
const GAP: f64 = 0.5;
/// 任务2 一共几口：比空隙长，非阻塞时空隙一定被填满。
const TASK2: usize = 8;

/// 时间比例的下限：一口计算至少 5 毫秒，长过调度的时间片和采样的间隔。
const MIN_SCALE: f64 = 0.05;

pub fn main() -> Result<(), Box<dyn Error>> {
    at_least(MIN_SCALE);
    let one = pinnable_cpu()?; // 此刻所在的 CPU；不能绑核的系统 (macOS) 是 None
    let bite = steps_for(0.1);
    if one.is_none() {
        println!(
            "注：这个系统不能把线程绑到一个 CPU 上 (no CPU pinning)；这里只有一个人在算，结论一样."
        );
    }
    println!("阻塞 (blocking)：任务1 停下来干等数据，这段空隙里什么也不做。");
    case(one, bite, true)?;
    println!();
    println!("非阻塞 (nonblocking)：任务1 等数据时不干等，把空隙让给任务2。");
    case(one, bite, false)
}

/// 一个人：任务1 算三口、等数据、再算三口；任务2 共 [`TASK2`] 口，非阻塞时先塞进空隙里。
fn case(one: Option<usize>, bite: u64, blocking: bool) -> Result<(), Box<dyn Error>> {
    let sampler = Sampler::start()?;
    let start = Instant::now();
    // `thread::spawn(f)` 是同一个调用，只是操作系统不给开线程时会 panic。
    let person = thread::Builder::new()
        .name("一个人".into())
        .spawn(move || {
            if let Some(cpu) = one {
                pin_to(cpu)?;
            }
            let (mut left, mut in_gap) = (TASK2, 0);
            (0..3).for_each(|_| _ = mouthful(bite)); // 任务1 的前半
            let data = read_data()?;
            if blocking {
                data.recv().map_err(|_| lost())?; // 阻塞：睡着等数据
            } else {
                loop {
                    match data.try_recv() {
                        Ok(()) => break,
                        Err(TryRecvError::Empty) if left > 0 => {
                            mouthful(bite); // 数据还没到：先做一口任务2
                            (left, in_gap) = (left - 1, in_gap + 1);
                        }
                        Err(TryRecvError::Empty) => break data.recv().map_err(|_| lost())?,
                        Err(TryRecvError::Disconnected) => return Err(lost()),
                    }
                }
            }
            (0..3).for_each(|_| _ = mouthful(bite)); // 任务1 的后半
            (0..left).for_each(|_| _ = mouthful(bite)); // 任务2 剩下的
            Ok(in_gap)
        })?;
    let in_gap = person.join().expect("做事的线程不会 panic")?;
    println!("任务1 等数据的空隙里，任务2 做了 {in_gap} 口.");
    println!("总耗时: {:.3}秒.", start.elapsed().as_secs_f64());
    print!("{}", render(&sampler.finish()));
    Ok(())
}

/// 发出读数据的请求：另一个线程睡 [`GAP`] 秒后把数据送来。
fn read_data() -> io::Result<Receiver<()>> {
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name("读数据".into())
        .spawn(move || {
            thread::sleep(secs(GAP));
            let _ = tx.send(());
        })?;
    Ok(rx)
}

fn lost() -> io::Error {
    io::Error::other("读数据的线程没有送来数据")
}
