//! 程序运行概念：文档这一节没有代码，只有比喻；这里每个比喻都是一个真正运行的例子，
//! 每个例子是一个模块，按文档顺序排列。每个例子默认画出时间线 (timeline)。
//!
//! 运行：`cargo run -p lesson-concepts -- <例子>`；不写例子名则列出目录。

use shared::cli::{Example, Section};

pub mod cpu;
pub mod report;

pub mod blocking;
pub mod concurrency_parallelism;
pub mod many_cores_many_tasks;
pub mod one_core_many_tasks;
pub mod one_core_one_task;
pub mod phone_114;
pub mod sync_async;
pub mod tasks_vs_cores;

/// 每个例子都接受的选项。
const SPANS: &str = "[--spans]";

/// 本课程的例子表，按文档顺序。
pub static EXAMPLES: &[Example] = &[
    Example::with_args(
        "one-core-one-task",
        "核与任务 · 单核单任务",
        "一个人（一个绑定的线程）喝完酒，再抽完烟，最后吃完烤鸭",
        SPANS,
        one_core_one_task::run,
    )
    .draws_timeline()
    .aliases(&["单核单任务"]),
    Example::with_args(
        "one-core-many-tasks",
        "核与任务 · 单核多任务",
        "三个线程绑在同一个 CPU 上，一口一口轮换",
        SPANS,
        one_core_many_tasks::run,
    )
    .draws_timeline()
    .aliases(&["单核多任务"]),
    Example::with_args(
        "many-cores-many-tasks",
        "核与任务 · 多核多任务",
        "每件事一个线程，各绑一个 CPU，真正同时进行",
        SPANS,
        many_cores_many_tasks::run,
    )
    .draws_timeline()
    .aliases(&["多核多任务"]),
    Example::with_args(
        "sync-async",
        "同步异步",
        "任务2 等任务1 的结果（同步），或者不等（异步）",
        SPANS,
        sync_async::run,
    )
    .draws_timeline(),
    Example::with_args(
        "blocking",
        "阻塞性",
        "任务1 等数据的间隙：阻塞时白等，非阻塞时去做任务2",
        SPANS,
        blocking::run,
    )
    .draws_timeline(),
    Example::with_args(
        "phone-114",
        "同步异步与阻塞性",
        "打电话给 114 查路线的四种情况：拿着电话或等回电，干等或打游戏",
        SPANS,
        phone_114::run,
    )
    .draws_timeline(),
    Example::with_args(
        "concurrency-parallelism",
        "并发并行",
        "同样三件计算：挤在一个 CPU 上轮换（并发），分到所有 CPU 上同时做（并行）",
        SPANS,
        concurrency_parallelism::run,
    )
    .draws_timeline(),
    Example::with_args(
        "tasks-vs-cores",
        "当任务数等于核芯数时，效率最高",
        "同样的计算分给 1..=2×核数 个线程：量出总耗时和加速比",
        "[--work 秒] [--max-threads N] [--repeat N]",
        tasks_vs_cores::run,
    )
    .draws_timeline(),
];

/// 交给 `shared::cli::main` 的课程信息。
pub static SECTION: Section = Section {
    crate_name: env!("CARGO_PKG_NAME"),
    title: "程序运行概念",
    examples: EXAMPLES,
};
