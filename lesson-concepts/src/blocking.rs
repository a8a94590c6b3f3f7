//! 文档「阻塞性」：任务1 做到一半要等数据，出现一段间隙 (gap)；这段间隙有没有被用上。
//!
//! 一个线程（一个人、一个核）做两件事。任务1 算几口后要等数据，数据由另一个线程准备
//! （它只是睡一会儿，像磁盘或网络）。阻塞 (blocking)：用 `recv` 干等，间隙里什么也不做，
//! 任务2 只能排在任务1 后面。非阻塞 (nonblocking)：用 `try_recv` 看一眼，数据没到就先做
//! 一口任务2，再回来看：间隙被任务2 用上了，总耗时也短了。
//! 试一试 (try this)：把 `GAP_SECS` 改成 0，两种做法就一样快了。

use std::io;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread;

use shared::stopwatch::{Stopwatch, total_line};
use shared::time::sleep_secs;
use shared::timeline::{Kind, Span, now, record, take};

use crate::cpu::{self, CAN_PIN};
use crate::report::{self, Options};

/// 任务1 等数据的间隙有多长（文档里的秒）。
const GAP_SECS: f64 = 0.5;

/// 先阻塞，再非阻塞。
pub fn run(args: &[String]) -> shared::Result {
    let opts = report::options("blocking", args)?;
    let one = cpu::allowed_cpus()?[0];
    cpu::calibrate();
    if !CAN_PIN {
        println!("注：只有 Linux 能把线程绑到一个 CPU 上；这里只有一个线程在做事，结论不变.");
    }
    println!("阻塞 (blocking)：任务1 停下来干等数据，这段间隙里别的任务也不做。");
    case(one, true, &opts, "阻塞")?;
    println!();
    println!("非阻塞 (nonblocking)：任务1 等数据时不干等，把这段间隙让给任务2。");
    case(one, false, &opts, "非阻塞")
}

/// 一个线程：任务1 算三口、等数据、再算三口；任务2 七口，非阻塞时尽量塞进间隙里。
fn case(one: usize, blocking: bool, opts: &Options, chart: &str) -> shared::Result {
    let clock = Stopwatch::start();
    let person = thread::spawn(move || -> io::Result<usize> {
        cpu::pin_to(&[one])?;
        let (mut task2_left, mut in_gap) = (7, 0);
        (0..3).for_each(|_| _ = cpu::mouthful("任务1"));
        let data = read_data();
        let waiting = now();
        let mut arrived = false;
        while !blocking && !arrived && task2_left > 0 {
            match data.try_recv() {
                Ok(()) => arrived = true,
                Err(TryRecvError::Empty) => {
                    cpu::mouthful("任务2"); // 数据还没到：先做一口任务2
                    (task2_left, in_gap) = (task2_left - 1, in_gap + 1);
                }
                Err(TryRecvError::Disconnected) => return Err(lost()),
            }
        }
        if !arrived {
            data.recv().map_err(|_| lost())?; // 阻塞：干等数据
        }
        record(Span::new("任务1", Kind::Waiting, waiting, now()));
        (0..3).for_each(|_| _ = cpu::mouthful("任务1"));
        (0..task2_left).for_each(|_| _ = cpu::mouthful("任务2"));
        Ok(in_gap)
    });
    let in_gap = person.join().expect("做事的线程不会 panic")?;
    let wall = clock.elapsed();

    let spans = take();
    println!("任务1 等数据的间隙里，任务2 做了 {in_gap} 口.");
    println!("{}", report::started(&spans, "任务1", "任务2"));
    println!("{}", total_line(wall, 3));
    opts.show(chart, &spans);
    Ok(())
}

/// 发出读数据的请求：另一个线程睡 `GAP_SECS` 秒后把数据送来。
fn read_data() -> Receiver<()> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let start = now();
        sleep_secs(GAP_SECS);
        record(Span::new("读数据 (I/O)", Kind::Sleeping, start, now()));
        let _ = tx.send(());
    });
    rx
}

fn lost() -> io::Error {
    io::Error::other("读数据的线程没有送来数据")
}
