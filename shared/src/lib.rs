//! # shared：课程共用的几样小东西
//!
//! 例子文件里能看到的并发代码（`thread::spawn`、`Mutex`、`tokio::time::sleep`……）都是
//! 真正的标准库和 crate 的调用；这个 crate 只提供文档里"假"的部分和几个计时的小帮手，
//! 每一样都很小，在自己的项目里很容易换掉：
//!
//! | 模块 | 提供什么 | 在自己的项目里换成 |
//! | --- | --- | --- |
//! | [`time`] | `secs(n)`：文档里的 n 秒乘上 `LESSON_TIME_SCALE` | `Duration::from_secs_f64(n)` |
//! | [`download`] | 文档的假下载 `download(filename)`：睡 3~6 秒 | 真正的下载 |
//! | [`stopwatch`] | 秒表和 `总耗时: …秒.` 这一行 | `Instant::now()` 和 `elapsed()` |
//! | [`work`] | 假的 CPU 活：一口真正占 CPU 的计算；本线程的 CPU 时间、别的程序有多忙 | 真正要算的东西 |
//! | [`threads`] | 本进程的线程数和线程名，对应 `threading.activeCount()`、`enumerate()` | 同样问操作系统（见模块说明） |
//! | [`memory`] | 本进程的常驻内存和虚拟内存，此刻的和峰值 | `top`、任务管理器、活动监视器 |
//! | [`process`] | 子进程 `Process`、跨进程队列 `Queue`、进程池 `ProcessPool`（`process` 特性，默认开） | procspawn 之类的 crate，见模块说明 |
//! | [`chart`] | 时间线 (timeline)：从内核读出每个线程何时运行、睡眠、等待，画成文字图（只有 Linux 的内核给得出） | 不需要 |
//!
//! 课程的二进制另外用 `cli` 特性 (feature) 里的命令行；复制走的例子用不到它，
//! 所以它默认关着。默认开着的只有 `process` 特性（子进程要用 ipc-channel、serde、libc）；
//! 不用进程的项目可以写 `default-features = false`，`shared` 这时只依赖 `fastrand` 和 `libc`
//! （Windows 上还有微软的 `windows-sys`）。
//!
//! Linux、macOS、Windows 上都能编译、都能用：各系统做法不同的几件事（线程数、线程的 CPU
//! 时钟、绑核、机器有多忙、内存）藏在各模块的 `cfg` 后面，每件一个小函数；某个系统做不到的
//! （macOS 不能绑核，Linux 以外画不出内核的时间线），函数会说出来，例子照常运行。
//!
//! 为什么放在一个 crate 里：学习者复制例子时，把 `shared/` 文件夹一起复制到项目旁边，
//! 在 `Cargo.toml` 里写一行 `shared = { path = "shared" }` 就能编译。

pub mod chart;
#[cfg(feature = "cli")]
pub mod cli;
pub mod download;
pub mod memory;
#[cfg(feature = "process")]
pub mod process;
pub mod stopwatch;
pub mod threads;
pub mod time;
pub mod work;
