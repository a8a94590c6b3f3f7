//! 文档「多线程」的三个下载：三个互不依赖的下载放进三个线程，同时进行。
//!
//! 下载只是在睡眠 (I/O 等待)，睡眠的线程不占 CPU，所以三个线程真的同时在等：
//! 总耗时约等于最慢的那一个，而不是三个相加。加 `--timeline` 看它们重叠。

use std::thread;

use shared::download::{FILENAMES, THREAD_DECIMALS, download};
use shared::stopwatch::Stopwatch;

/// 启动三个下载线程，全部 join，打印总耗时。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Stopwatch::start();
    // 启动三个线程；`spawn` 立即返回一个句柄 (JoinHandle)。
    let threads = FILENAMES
        .into_iter()
        .map(|filename| thread::Builder::new().spawn(move || download(filename, THREAD_DECIMALS)))
        .collect::<Result<Vec<_>, _>>()?;
    // 等待线程结束。
    for thread in threads {
        thread.join().expect("下载线程不会 panic");
    }
    start.print_total(THREAD_DECIMALS);
    Ok(())
}
