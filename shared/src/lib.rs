//! # shared：四个课程共用的小工具
//!
//! 这里只放几个课程都要用、而且不是课程重点的东西。每个模块的文档都说明了
//! 为什么这样写，读者可以把需要的部分连同例子一起复制走。
//!
//! - [`cli`]：统一的命令行（目录、`all`、别名、`--timeline`、`--help`、退出码）。
//! - [`time`]：`LESSON_TIME_SCALE` 时间比例 (time scale)、按比例睡眠、`LESSON_SEED`。
//! - [`download`]：文档里的假下载函数 `download(filename)`。
//! - [`stopwatch`]：秒表 (stopwatch) 和 `总耗时: …秒.` 这一行。
//! - [`threads`]：从操作系统读出本进程的线程数，对应 `threading.activeCount()`。
//! - [`timeline`]：记录每个任务何时运行、睡眠、等待，并画成文字图。
//! - [`testing`]：集成测试用的帮手（运行二进制、找子进程）。

pub mod cli;
pub mod download;
pub mod stopwatch;
pub mod testing;
pub mod threads;
pub mod time;
pub mod timeline;

/// 例子的返回类型：出错时带一个可以打印给用户的错误。
///
/// 用 `Box<dyn Error>` 而不是自定义枚举：例子只需要 `?` 把错误往上抛，
/// 由 [`cli`] 统一打印一行并设置退出码。
pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// 用户的输入有误（参数、环境变量、手动启动子进程角色）。
///
/// [`cli`] 遇到它时打印一行错误并以状态码 2 退出，而不是 1。
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}
