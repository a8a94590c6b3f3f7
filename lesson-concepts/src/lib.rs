//! 程序运行概念：文档这一节没有代码，只有比喻；这里每个比喻都是一个真正运行的程序，
//! 一个文件一个完整的程序（`pub fn main`），按文档顺序排列。看见调度正是这一课的目的，
//! 所以每个例子都自己画出时间线 (timeline)：数据是内核眼里每个线程的状态。
//!
//! 运行：`cargo run -p lesson-concepts -- <例子>`；不写例子名则列出目录。
//! 复制：把例子文件当作新项目的 `src/main.rs`，见 README 的「复制到自己的项目」。

use clap::{Args, FromArgMatches};
use shared::cli::{Example, Lesson};

pub mod blocking;
pub mod concurrency_parallelism;
pub mod many_cores_many_tasks;
pub mod one_core_many_tasks;
pub mod one_core_one_task;
pub mod phone_114;
pub mod sync_async;
pub mod tasks_vs_cores;

/// 本课程的例子，按文档顺序。
pub static EXAMPLES: &[Example] = &[
    Example::new(
        "one-core-one-task",
        "核与任务 · 单核单任务",
        "一个 CPU 上三件事一件接一件：喝完酒，再抽完烟，最后吃完烤鸭",
        one_core_one_task::main,
    )
    .draws_timeline(),
    Example::new(
        "one-core-many-tasks",
        "核与任务 · 单核多任务",
        "三个线程绑在同一个 CPU 上，一口一口轮换",
        one_core_many_tasks::main,
    )
    .draws_timeline(),
    Example::new(
        "many-cores-many-tasks",
        "核与任务 · 多核多任务",
        "三件事三个线程，分到各个 CPU 上同时进行；核不够时第三件排队等 CPU",
        many_cores_many_tasks::main,
    )
    .draws_timeline(),
    Example::new(
        "sync-async",
        "同步异步",
        "任务2 等任务1 的结果（同步），或者不等（异步）",
        sync_async::main,
    )
    .draws_timeline(),
    Example::new(
        "blocking",
        "阻塞性",
        "任务1 等数据的空隙：阻塞时白等，非阻塞时去做任务2",
        blocking::main,
    )
    .draws_timeline(),
    Example::new(
        "phone-114",
        "同步异步与阻塞性",
        "打电话给 114 查路线的四种情况：谁在等，谁在打游戏",
        phone_114::main,
    )
    .draws_timeline(),
    Example::new(
        "concurrency-parallelism",
        "并发并行",
        "同样三件计算：挤在一个 CPU 上轮换（并发），分到所有 CPU 上同时做（并行）",
        concurrency_parallelism::main,
    )
    .draws_timeline(),
    Example::with_opts(
        "tasks-vs-cores",
        "当任务数等于核芯数时，效率最高",
        "同样的计算分给 1..=2×核数 个线程：量出总耗时和加速比",
        tasks_vs_cores::Opts::augment_args,
        |m| tasks_vs_cores::run(tasks_vs_cores::Opts::from_arg_matches(m)?),
    )
    .draws_timeline()
    .measured(),
];

/// 交给 `shared::cli::main` 的课程信息。
pub static LESSON: Lesson = Lesson {
    crate_name: env!("CARGO_PKG_NAME"),
    title: "程序运行概念",
    examples: EXAMPLES,
    recorder: None,
};
