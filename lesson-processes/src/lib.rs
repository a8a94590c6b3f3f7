//! 进程：文档这一节的每个例子是一个模块，按文档顺序排列。
//!
//! 子进程是本程序再启动一次、扮演一个角色（见 [`child`]）；[`ROLES`] 列出所有角色。
//! 运行：`cargo run -p lesson-processes -- <例子>`；不写例子名则列出目录。

use shared::cli::{Example, Section};

use child::Role;

pub mod child;
pub mod process_pool;
pub mod queue;

pub mod args;
pub mod costs;
pub mod isolation;
pub mod join;
pub mod pid;
pub mod ping_pong;
pub mod ping_pong_queue;
pub mod pool;
pub mod spawn;

/// 本课程的例子表，按文档顺序。
pub static EXAMPLES: &[Example] = &[
    Example::new("pid", "多进程", "os.getpid()：主进程的 PID", pid::run),
    Example::new(
        "spawn",
        "多进程",
        "Process(target=coding).start()：子进程打印自己的 PID",
        spawn::run,
    ),
    Example::new(
        "args",
        "进程传参",
        "参数元组序列化后送进子进程，在那里打印",
        args::run,
    ),
    Example::new(
        "join",
        "进程阻塞",
        "不 join 与 join：join 后子进程的两行在主进程最后一行之前",
        join::run,
    )
    .timeline(),
    Example::new(
        "isolation",
        "进程属性",
        "卡住的子进程被结束、崩溃的子进程不连累别人，主进程照常退出",
        isolation::run,
    )
    .aliases(&["提示"]),
    Example::new(
        "ping-pong",
        "进程通信",
        "每个进程各有一个 counter：Ping、Pong 各 50 个",
        ping_pong::run,
    ),
    Example::with_args(
        "ping-pong-queue",
        "进程通信",
        "两个进程共用一个队列：合起来正好 50 个",
        "[--crash]",
        ping_pong_queue::run,
    )
    .timeline()
    .aliases(&["Queue"]),
    Example::with_args(
        "pool",
        "进程池",
        "4 个工作进程的进程池下载三个文件：总耗时约等于最长的一个",
        "[--jobs N] [--crash]",
        pool::run,
    )
    .timeline(),
    Example::with_args(
        "costs",
        "进程池",
        "量一量：每个任务启动一个进程 vs 交给进程池；跨进程往返 vs 线程间往返",
        "[--jobs N] [--round-trips N]",
        costs::run,
    ),
];

/// 交给 `shared::cli::main` 的课程信息。
pub static SECTION: Section = Section {
    crate_name: env!("CARGO_PKG_NAME"),
    title: "进程",
    examples: EXAMPLES,
};

/// 子进程的角色表：`main` 在做任何事之前用它认出"我是子进程"。
pub static ROLES: &[Role] = &[
    Role::new("spawn.coding", spawn::coding),
    Role::new("args.child", args::child),
    Role::new("join.coding", join::coding),
    Role::new("isolation.stuck", isolation::stuck),
    Role::new("isolation.crash", isolation::crash),
    Role::new("isolation.coding", isolation::coding),
    Role::new("ping-pong.sub_task", ping_pong::sub_task),
    Role::new("ping-pong-queue.sub_task", ping_pong_queue::sub_task),
    Role::new("pool.worker", pool::worker),
    Role::new("costs.echo", costs::echo),
];
