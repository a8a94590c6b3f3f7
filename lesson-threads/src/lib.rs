//! 线程：文档这一节的每个例子是一个文件、一个完整的程序（`pub fn main`），按文档顺序排列。
//!
//! 运行：`cargo run -p lesson-threads -- <例子>`；不写例子名则列出目录。
//! 复制：把例子文件当作新项目的 `src/main.rs`，见 README 的「复制到自己的项目」。

use clap::{Args, FromArgMatches};
use shared::cli::{Example, Lesson};

pub mod active_count;
pub mod args;
pub mod barrier;
pub mod costs;
pub mod daemon;
pub mod deadlock;
pub mod downloads;
pub mod join;
pub mod lock;
pub mod non_daemon;
pub mod pool;
pub mod spawn;
pub mod thread_info;
pub mod thread_panic;
pub mod timer;

/// 本课程的例子，按文档顺序。
pub static EXAMPLES: &[Example] = &[
    Example::new(
        "active-count",
        "多线程",
        "进程一开始只有主线程：线程数量从操作系统读出",
        active_count::main,
    ),
    Example::new(
        "spawn",
        "多线程",
        "Thread(target=run).start()：线程数从 1 变成 2",
        spawn::main,
    ),
    Example::new(
        "args",
        "线程传参",
        "参数元组移动 (move) 进子线程，在那里打印",
        args::main,
    ),
    Example::new(
        "join",
        "线程阻塞",
        "不 join 与 join：join 后子线程先结束",
        join::main,
    ),
    Example::with_opts(
        "thread-panic",
        "线程属性 · 缺点",
        "一个线程 panic 只结束它自己，join 返回 Err；--crash：一个线程 abort，整个进程结束",
        thread_panic::Opts::augment_args,
        |m| thread_panic::run(thread_panic::Opts::from_arg_matches(m)?),
    ),
    Example::new(
        "downloads",
        "多线程 · 三个下载",
        "三个线程同时下载：总耗时约等于最长的一个",
        downloads::main,
    )
    .timeline(),
    Example::new(
        "lock",
        "线程锁",
        "不加锁的读-改-写丢失更新，Mutex 保护的计数器回到 0",
        lock::main,
    ),
    Example::new(
        "deadlock",
        "线程锁 · 死锁",
        "两个线程反着顺序拿两把锁：每次都死锁，等 1 秒看出来；按同一顺序拿锁就做完",
        deadlock::main,
    )
    .timeline(),
    Example::new(
        "non-daemon",
        "守护线程",
        "两个死循环的非守护线程：main 等着它们，程序不会结束",
        non_daemon::main,
    )
    .endless(),
    Example::new(
        "daemon",
        "守护线程 · daemon=True",
        "主线程睡 5 秒后返回，死循环的线程随进程消失",
        daemon::main,
    )
    .timeline(),
    Example::new(
        "barrier",
        "凑线程",
        "Barrier(3) 与五个线程：三个通过，两个永远等不齐",
        barrier::main,
    )
    .timeline(),
    Example::new(
        "timer",
        "延迟线程",
        "一次性定时器线程：5 秒后执行，也能取消",
        timer::main,
    ),
    Example::new(
        "thread-info",
        "其他线程方法",
        "thread::current()、操作系统里的线程列表、没有 TIMEOUT_MAX",
        thread_info::main,
    ),
    Example::new(
        "pool",
        "线程池",
        "自己写的 4 线程池：三个下载，线程被复用",
        pool::main,
    )
    .timeline(),
    Example::new(
        "costs",
        "线程池 · 为什么要池",
        "量一量：每个任务开一个线程 vs 交给线程池，每个任务多少微秒",
        costs::main,
    )
    .measured(),
];

/// 交给 `shared::cli::main` 的课程信息。
pub static LESSON: Lesson = Lesson {
    crate_name: env!("CARGO_PKG_NAME"),
    title: "线程",
    examples: EXAMPLES,
    recorder: None,
};
