//! 文档「核与任务 · 多核多任务」：三个人，一个喝酒，一个抽烟，一个吃烤鸭，各做各的。
//!
//! 三件事是三个线程，不绑 CPU，由操作系统分到各个 CPU 上同时运行。CPU 至少有三个时，
//! 三件事真正同时进行，总耗时约等于一件事的时间。CPU 比三个少时（比如 2 核的笔记本），
//! 同一时刻最多两件在运行，第三件可以运行却排队等 CPU（时间线上的 `-`），
//! 调度器 (scheduler) 轮流让它们上去：三件事都做完，总耗时约等于三件相加 ÷ 核数。
//! 这就是文档说"任务数等于核芯数时效率最高"的原因。
//!
//! 复制到自己的项目里就能运行（只用到 `shared`）；只能在 Linux 上运行：它读 Linux 的 `/proc`。
//!
//! 试一试 (try this)：`taskset -c 0 cargo run -p lesson-concepts -- many-cores-many-tasks`，
//! 只给它一个 CPU，看三行怎么轮流。

use std::error::Error;
use std::fs;
use std::io;
use std::thread;
use std::time::{Duration, Instant};

use shared::chart::{Sampler, render};
use shared::time::secs;

/// 文档里的三件事，也是三个线程的名字（线程名最多 15 个字节）。
const TASKS: [&str; 3] = ["喝酒", "抽烟", "吃烤鸭"];
/// 每件事吃几口，每口是文档里的 0.1 秒计算。
const MOUTHFULS: usize = 5;
/// 机器忙的界限：别的程序平均占了这么多 CPU，这次的并行就不算数。
const BUSY: f64 = 0.3;

pub fn main() -> Result<(), Box<dyn Error>> {
    if !cfg!(target_os = "linux") {
        return Err("这个例子读 Linux 的 /proc，只能在 Linux 上运行 (Linux only)".into());
    }
    let cores = thread::available_parallelism()?.get();
    let bite = steps_for(0.1);
    println!(
        "多核多任务：三个人同时开工，一人喝酒，一人抽烟，一人吃烤鸭。本进程可用 {cores} 个 CPU。"
    );
    let sampler = Sampler::start()?;
    let before = ticks()?;
    let start = Instant::now();
    let mut people = Vec::new();
    for task in TASKS {
        // `thread::spawn(f)` 是同一个调用，只是操作系统不给开线程时会 panic。
        let person = thread::Builder::new().name(task.into()).spawn(move || {
            let began = Instant::now();
            for _ in 0..MOUTHFULS {
                mouthful(bite);
            }
            Ok::<_, io::Error>((cpu_time()?, began.elapsed()))
        })?;
        people.push((task, person));
    }
    let mut sum = Duration::ZERO;
    for (task, person) in people {
        let (ran, took) = person.join().expect("吃喝的线程不会 panic")?;
        let (ran_s, took_s) = (ran.as_secs_f64(), took.as_secs_f64());
        println!("{task}：在 CPU 上算了 {ran_s:.3}秒，从开工到做完 {took_s:.3}秒.");
        sum += ran;
    }
    let wall = start.elapsed();
    let others = others_since(before, wall)?;
    let best = TASKS.len().min(cores);
    println!("三件事的计算时间之和: {:.3}秒.", sum.as_secs_f64());
    println!("总耗时: {:.3}秒.", wall.as_secs_f64());
    let at_once = sum.as_secs_f64() / wall.as_secs_f64();
    println!("平均同时在运行 {at_once:.2} 件事，最多 min(任务数 3, 核数 {cores}) = {best} 件.");
    if cores < TASKS.len() {
        println!(
            "核比任务少：同一时刻最多 {cores} 件事在运行，其余的可以运行却要排队等 CPU（时间线上的 -），轮到了才做."
        );
    }
    if others > BUSY {
        println!(
            "注：别的程序也在用 CPU（机器忙 (busy)），平均占了 {others:.1} 个 CPU，这次的数字不算数."
        );
    }
    print!("{}", render(&sampler.finish()));
    Ok(())
}

/// 本线程到现在在 CPU 上运行了多久：内核的记账，`/proc/thread-self/schedstat` 的第一个数（纳秒）。
fn cpu_time() -> io::Result<Duration> {
    let text = fs::read_to_string("/proc/thread-self/schedstat")?;
    let ns = text.split_whitespace().next().and_then(|n| n.parse().ok());
    ns.map(Duration::from_nanos)
        .ok_or_else(|| io::Error::other("读不懂 /proc/thread-self/schedstat"))
}

/// 到现在为止整台机器所有 CPU 忙了多少、其中本进程用了多少，单位是时钟滴答 (clock tick，
/// Linux 上是 1/100 秒)：`/proc/stat` 第一行去掉空闲 (idle, iowait)，`/proc/self/stat` 的 utime + stime。
fn ticks() -> io::Result<(u64, u64)> {
    let all = fs::read_to_string("/proc/stat")?;
    let all: Vec<u64> = all
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|n| n.parse().unwrap_or(0))
        .collect();
    let busy = all.iter().sum::<u64>() - all.get(3..5).map_or(0, |idle| idle.iter().sum());
    let mine = fs::read_to_string("/proc/self/stat")?;
    let after_name = mine.rsplit(')').next().unwrap_or_default();
    let mine = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .map(|n| n.parse().unwrap_or(0))
        .sum();
    Ok((busy, mine))
}

/// 从 `before` 到现在（共 `wall`），别的程序平均占着几个 CPU。
fn others_since(before: (u64, u64), wall: Duration) -> io::Result<f64> {
    let now = ticks()?;
    let others = (now.0 - before.0).saturating_sub(now.1 - before.1);
    Ok(others as f64 / 100.0 / wall.as_secs_f64().max(1e-9))
}

/// 一口：`steps` 步真正占 CPU 的计算（xorshift 随机数，每步依赖上一步，省不掉）。
fn mouthful(steps: u64) -> u64 {
    let mut x = std::hint::black_box(0x9E37_79B9_7F4A_7C15_u64);
    for _ in 0..steps {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    std::hint::black_box(x)
}

/// 文档里 `doc_secs` 秒的计算是多少步：量五次短的计算取最快的，被别的程序打断的那几次不算。
fn steps_for(doc_secs: f64) -> u64 {
    const PROBE: u64 = 100_000;
    let fastest = (0..5)
        .map(|_| {
            let t = Instant::now();
            mouthful(PROBE);
            t.elapsed()
        })
        .min()
        .unwrap_or_default();
    (secs(doc_secs).as_secs_f64() / fastest.as_secs_f64().max(1e-9) * PROBE as f64) as u64
}
