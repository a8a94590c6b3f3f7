//! 进程：文档这一节的每个例子是一个文件、一个完整的程序（`pub fn main`），按文档顺序排列。
//!
//! 子进程、跨进程队列和进程池都在 `shared::process`（文件夹 shared/src/process/）：
//! 子进程就是本程序再启动一次，`main` 的第一行 `shared::process::init()` 让它去运行
//! 父进程交来的函数。
//!
//! 运行：`cargo run -p lesson-processes -- <例子>`；不写例子名则列出目录。
//! 复制：把例子文件当作新项目的 `src/main.rs`，再把 shared/ 文件夹复制到旁边，
//! 见 README 的「复制到自己的项目」。

use clap::{Args, FromArgMatches};
use shared::cli::{Example, Lesson};

pub mod args;
pub mod costs;
pub mod isolation;
pub mod join;
pub mod pid;
pub mod ping_pong;
pub mod ping_pong_queue;
pub mod pool;
pub mod spawn;

/// 本课程的例子，按文档顺序。
pub static EXAMPLES: &[Example] = &[
    Example::new("pid", "多进程", "os.getpid()：主进程的 PID", pid::main),
    Example::new(
        "spawn",
        "多进程",
        "Process(target=coding).start()：子进程打印自己的 PID",
        spawn::main,
    ),
    Example::new(
        "args",
        "进程传参",
        "参数元组序列化后送进子进程，在那里打印",
        args::main,
    ),
    Example::new(
        "join",
        "进程阻塞",
        "不 join 与 join：不 join 时主进程的两行在前，join 后子进程的两行在主进程最后一行之前",
        join::main,
    )
    .timeline(),
    Example::new(
        "isolation",
        "进程属性 · 提示",
        "卡住的子进程被结束、崩溃的子进程不连累别人，主进程照常退出",
        isolation::main,
    ),
    Example::new(
        "ping-pong",
        "进程通信",
        "每个进程各有一个 counter：Ping、Pong 各 50 个",
        ping_pong::main,
    ),
    Example::new(
        "ping-pong-queue",
        "进程通信 · Queue",
        "两个进程共用一个队列：合起来正好 50 个",
        ping_pong_queue::main,
    )
    .timeline(),
    Example::with_opts(
        "pool",
        "进程池",
        "4 个工作进程的进程池下载三个文件：总耗时约等于最长的一个",
        pool::Opts::augment_args,
        |m| pool::run(pool::Opts::from_arg_matches(m)?),
    )
    .timeline(),
    Example::with_opts(
        "costs",
        "进程池 · 为什么要池",
        "量一量：每个任务启动一个进程 vs 交给进程池；跨进程往返 vs 线程间往返",
        costs::Opts::augment_args,
        |m| costs::run(costs::Opts::from_arg_matches(m)?),
    )
    .measured(),
];

/// 交给 `shared::cli::main` 的课程信息。
pub static LESSON: Lesson = Lesson {
    crate_name: env!("CARGO_PKG_NAME"),
    title: "进程",
    examples: EXAMPLES,
    recorder: None,
};
