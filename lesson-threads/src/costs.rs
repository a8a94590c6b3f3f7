//! 文档「线程池」为什么要用池：线程的创建和销毁有开销，池里的线程可以复用。
//!
//! 这里量给你看：同样几千个空任务，每个任务开一个线程 vs 交给一个 4 线程的池，打印每个
//! 任务花了多少微秒 (µs)，再说开一个线程是交给池的几倍（全部一起做时、逐个做时）。别的程序占着 CPU 时，新线程要
//! 排队等 CPU，数字会大好几倍：所以一边量一边看别的程序占了几个 CPU，忙就重量，最多三遍，
//! 还是忙就直说，不下结论。数字取决于机器和构建方式，请用
//! `cargo run --release -p lesson-threads -- costs` 来量。池是文件末尾的 [`Pool`]：
//! `pool` 例子里那个池的最小版本。正式项目里，把计算分给几个核用 rayon 的池。
//!
//! 复制到自己的项目时再加上：
//!
//! ```text
//!     cargo add crossbeam-channel
//! ```

use std::hint::black_box;
use std::io;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use shared::chart::display_width;
use shared::work::{others_since, ticks};

/// 每种方式跑多少个任务。
const JOBS: u32 = 3000;
/// 机器忙的界限：量的时候别的程序平均占了这么多 CPU，就不相信这次的测量。
const BUSY: f64 = 0.3;
/// 机器忙时最多量几遍。
const ATTEMPTS: u32 = 3;

type Outcome<T> = Result<T, Box<dyn std::error::Error>>;
/// 表的一行：做法、中位数（整批计时的没有）、平均。
type Row = (&'static str, Option<Duration>, Duration);

/// 一个空任务：只算一下，`black_box` 防止它被优化掉。
fn job(i: u32) -> u32 {
    black_box(i).wrapping_mul(3)
}

/// 一个接一个地做 `JOBS` 个任务，每个单独计时：返回 (中位数, 平均)。
fn one_by_one(mut f: impl FnMut(u32) -> Outcome<u32>) -> Outcome<(Option<Duration>, Duration)> {
    let mut times = Vec::new();
    for i in 0..JOBS {
        let t = Instant::now();
        black_box(f(i)?);
        times.push(t.elapsed());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / JOBS;
    Ok((Some(times[times.len() / 2]), mean))
}

/// 整批计时，平均到每个任务（没有中位数）。
fn all_at_once(f: impl FnOnce() -> Outcome<()>) -> Outcome<(Option<Duration>, Duration)> {
    let t = Instant::now();
    f()?;
    Ok((None, t.elapsed() / JOBS))
}

/// 量一遍四种做法。
fn measure(pool: &Pool) -> Outcome<[Row; 4]> {
    let done = "空任务不会 panic";
    let rows = [
        (
            "每个任务一个线程：逐个 spawn + join",
            one_by_one(|i| {
                Ok(thread::Builder::new()
                    .spawn(move || job(i))?
                    .join()
                    .expect(done))
            })?,
        ),
        (
            "交给 4 线程的池：逐个 submit + result",
            one_by_one(|i| Ok(pool.submit(move || job(i)).recv()?))?,
        ),
        (
            "每个任务一个线程：全部 spawn 再 join",
            all_at_once(|| {
                let threads = (0..JOBS)
                    .map(|i| thread::Builder::new().spawn(move || job(i)))
                    .collect::<Result<Vec<_>, _>>()?;
                for t in threads {
                    black_box(t.join().expect(done));
                }
                Ok(())
            })?,
        ),
        (
            "交给 4 线程的池：全部 submit 再取结果",
            all_at_once(|| {
                let results: Vec<_> = (0..JOBS).map(|i| pool.submit(move || job(i))).collect();
                for r in results {
                    black_box(r.recv()?);
                }
                Ok(())
            })?,
        ),
    ];
    Ok(rows.map(|(what, (median, mean))| (what, median, mean)))
}

/// 量四种做法（机器忙就重量），打印一张表，再下结论或者说机器忙。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pool = Pool::new(4)?;
    let mut attempt = 0;
    let (rows, others) = loop {
        attempt += 1;
        let before = ticks()?;
        let start = Instant::now();
        let rows = measure(&pool)?;
        // 判断用的就是打印出来的那个数（一位小数）：不会印出"占着 0.3 个"却说机器忙。
        let others = (others_since(before, start.elapsed())? * 10.0).round() / 10.0;
        if others <= BUSY || attempt == ATTEMPTS {
            break (rows, others);
        }
    };

    let build = if cfg!(debug_assertions) {
        "debug 构建，加 --release 量得更准"
    } else {
        "release 构建"
    };
    println!("每个任务的开销 (per-job cost)，每种做法 {JOBS} 个空任务（{build}）：");
    let width = rows.iter().map(|r| display_width(r.0)).max().unwrap_or(0);
    let line = |what: &str, median: &str, mean: &str| {
        let (a, b, c) = (pad(what, width), pad(median, 10), pad(mean, 10));
        println!("{what}{a}  {b}{median}  {c}{mean}");
    };
    line("做法", "中位数", "平均");
    for (what, median, mean) in rows {
        line(what, &median.map_or("-".into(), micros), &micros(mean));
    }
    if others > BUSY {
        println!(
            "注：机器忙 (busy)：量了 {attempt} 遍，别的程序都平均占着 {others:.1} 个 CPU，这张表不下结论."
        );
    } else {
        // 全部一起做的两行比平均；逐个做的两行比中位数（偶尔被打断的几次不算）。
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
        let batch = ratio(rows[2].2, rows[3].2);
        let one_by_one = ratio(rows[0].1.unwrap_or_default(), rows[1].1.unwrap_or_default());
        // 逐个做时池也要来回交接：交一个任务要叫醒池里的线程，取结果要等它回话。只有一个
        // CPU 时（`taskset -c 0`）每次交接都要切换两次线程，和开一个线程差不多贵。
        println!(
            "结论：全部一起做时，每个任务开一个线程，开销约是交给池的 {batch:.0} 倍；逐个做（做完一个再交下一个）时约是 {one_by_one:.1} 倍：池省掉了开线程，可每交一个任务都要叫醒池里的线程、再等它交回结果."
        );
    }
    Ok(())
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// 补到 `width` 列的空格（终端里汉字占两列）。
fn pad(s: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(display_width(s)))
}

type Job = Box<dyn FnOnce() + Send + 'static>;

/// 最小的线程池：几个工作线程从同一个通道里取任务，做完再取下一个。池被丢弃时
/// 发送端跟着丢掉，通道关闭，工作线程取完剩下的任务就自己退出。
#[derive(Debug)]
struct Pool(Sender<Job>);

impl Pool {
    fn new(workers: usize) -> io::Result<Self> {
        let (jobs, queue) = unbounded::<Job>();
        for _ in 0..workers {
            let queue = queue.clone();
            thread::Builder::new().spawn(move || queue.into_iter().for_each(|job| job()))?;
        }
        Ok(Pool(jobs))
    }

    /// 提交一个任务；从返回的通道里 `recv()` 取结果（任务 panic 了则是 `Err`）。
    fn submit<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Receiver<T> {
        let (tx, rx) = bounded(1);
        let _ = self.0.send(Box::new(move || drop(tx.send(f()))));
        rx
    }
}
