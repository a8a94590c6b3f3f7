//! 文档「核与任务 · 多核多任务」：三个人，一个喝酒，一个抽烟，一个吃烤鸭，各做各的。
//!
//! 三件事是三个线程，不绑 CPU，由操作系统分到各个 CPU 上同时运行。CPU 至少有三个时，
//! 三件事真正同时进行，总耗时约等于一件事的时间。CPU 比三个少时（比如 2 核的笔记本），
//! 同一时刻最多两件在运行，第三件可以运行却排队等 CPU（时间线上的 `-`），
//! 调度器 (scheduler) 轮流让它们上去：三件事都做完，总耗时约等于三件相加 ÷ 核数。
//! 这就是文档说"任务数等于核芯数时效率最高"的原因。
//! "核"指本进程可以用的 CPU（`taskset`、`start /affinity` 限制过的就是限制后的个数）。
//! 调度器不一定把线程从一个 CPU 挪到另一个：三件事两个核时，独占一个核的那件先做完，
//! 这个核就可能闲着，平均同时运行的件数只有 1.5，不是 2。
//! 三个线程只算不等：平均同时在运行的件数比这还少两成以上（`shared::work::fair_share`），
//! 是别的线程或程序也在用这些 CPU，例子说一行机器忙，不拿这次的数说事。
//!
//! 复制到自己的项目里就能运行（只用到 `shared`）。时间线读 Linux 内核的 `/proc`，
//! 别的系统上只说一行画不出来；数字在哪个系统上都量得出来。
//!
//! 试一试 (try this)：`taskset -c 0 cargo run -p lesson-concepts -- many-cores-many-tasks`，
//! 只给它一个 CPU，看三行怎么轮流（Linux；Windows 的 cmd 里是 `start /affinity 1 cargo run …`）。

use std::error::Error;
use std::io;
use std::thread;
use std::time::{Duration, Instant};

use shared::chart::{Sampler, render};
use shared::time::at_least;
use shared::work::{cpu_time, got_the_cpus, mouthful, steps_for, usable_cpus};

/// 文档里的三件事，也是三个线程的名字（线程名最多 15 个字节）。
const TASKS: [&str; 3] = ["喝酒", "抽烟", "吃烤鸭"];
/// 每件事吃几口，每口是文档里的 0.1 秒计算。
const MOUTHFULS: usize = 5;
/// 时间比例的下限：一口计算至少 20 毫秒。三件事在两个 CPU 上时，调度器要过几个时间片才
/// 摊匀；开线程、收线程和画时间线的采样线程也各占一点 CPU。一件事只算 25 毫秒时，这些
/// 零头就占了一成多，平均同时运行的件数量出来不准（这台 2 核虚拟机上 1.54 到 1.83）。
const MIN_SCALE: f64 = 0.2;

pub fn main() -> Result<(), Box<dyn Error>> {
    at_least(MIN_SCALE);
    let cores = usable_cpus()?; // 本进程可以用的 CPU
    let bite = steps_for(0.1);
    println!(
        "多核多任务：三个人同时开工，一人喝酒，一人抽烟，一人吃烤鸭。本进程可用 {cores} 个 CPU。"
    );
    let sampler = Sampler::start()?;
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
    if !got_the_cpus(sum, TASKS.len(), wall, best) {
        println!(
            "注：机器忙 (busy)：三件事平均只有 {at_once:.2} 件分到了 CPU（应有 {best} 件），其余时间这些 CPU 在运行别的线程或程序，这次的数字不算数."
        );
    }
    print!("{}", render(&sampler.finish()));
    Ok(())
}
