//! 协程：文档这一节的每个例子是一个文件、一个完整的程序（`pub fn main`），按文档顺序排列。
//!
//! 运行：`cargo run -p lesson-coroutines -- <例子>`；不写例子名则列出目录。
//! 复制：把例子文件当作新项目的 `src/main.rs`，按它开头的 `cargo add` 行加依赖。
//! 事件循环 (event loop) 在 Rust 里是 tokio 的运行时 (runtime)。每个例子都手动建一个
//! 只用当前线程的运行时（`new_current_thread`），和 asyncio 一样所有协程都在一个线程上。
//! `--timeline` 的数据来自 [`tasks`]：例子里每个协程的 tracing span。

use clap::{Args, FromArgMatches};
use shared::cli::{Example, Lesson, Recorder};

pub mod async_sleep;
pub mod blocking_sleep;
pub mod hello;
pub mod hello_many;
pub mod lazy;
pub mod no_lock;
pub mod scale;
pub mod semaphore;
pub mod tasks;
pub mod wrapped_sleep;

/// 本课程的例子，按文档顺序。
pub static EXAMPLES: &[Example] = &[
    Example::new(
        "hello",
        "协程程序 · 单协程",
        "一个协程：run_until_complete(hello())",
        hello::main,
    ),
    Example::new(
        "hello-many",
        "协程程序 · 多协程",
        "三个协程，六行都在同一个线程上",
        hello_many::main,
    )
    .timeline(),
    Example::new(
        "blocking-sleep",
        "协程程序 · time.sleep(1)",
        "协程里用阻塞的睡眠：一个接一个，约 3 秒",
        blocking_sleep::main,
    )
    .timeline(),
    Example::new(
        "wrapped-sleep",
        "协程程序 · await time.sleep(1)",
        "await 不是 future 的值编译不过；包进 async fn 仍然串行",
        wrapped_sleep::main,
    )
    .timeline(),
    Example::new(
        "async-sleep",
        "协程程序 · asyncio.sleep(1)",
        "await tokio::time::sleep：真正并发，约 1 秒",
        async_sleep::main,
    )
    .timeline(),
    Example::new(
        "semaphore",
        "高并发限制",
        "Semaphore(2)：最多两个同时在里面，约 2 秒",
        semaphore::main,
    )
    .timeline(),
    Example::new(
        "lazy",
        "asyncio模块 · coroutine",
        "调用 async fn 只得到 future，await 或 spawn 才运行",
        lazy::main,
    ),
    Example::new(
        "no-lock",
        "协程 · 不需要锁",
        "同一线程上的协程共享 Rc<Cell>，不用 Mutex；多线程的 spawn 编译不过",
        no_lock::main,
    ),
    Example::with_opts(
        "scale",
        "协程 · 上万次并发",
        "任务与线程的墙钟时间、内存，进程>=线程>=协程",
        scale::Opts::augment_args,
        |m| scale::run(scale::Opts::from_arg_matches(m)?),
    )
    .measured(),
];

/// 交给 `shared::cli::main` 的课程信息；时间线的数据来自 [`tasks`]。
pub static LESSON: Lesson = Lesson {
    crate_name: env!("CARGO_PKG_NAME"),
    title: "协程",
    examples: EXAMPLES,
    recorder: Some(Recorder {
        start: tasks::start,
        finish: tasks::finish,
    }),
};
