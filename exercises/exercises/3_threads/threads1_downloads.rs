// 练习 threads1：三个下载放进三个线程 (thread)，同时进行。
// 对应文档「多线程」的三个下载，课程例子 `cargo run -p lesson-threads -- downloads`。
//
// 下载只是在等网络 (I/O)，等的时候线程睡着，不占 CPU，三个下载完全可以同时等。
// 一个接一个地下载，总耗时是三个相加；每个下载一个线程，总耗时约等于最慢的那一个。
//
// 现在 `download_all` 一个接一个地下载。把它改成每个下载一个线程。

use std::thread;
use std::time::{Duration, Instant};

/// 文档的三个文件，和各自"下载"要多久（文档里是 3 到 6 秒，这里缩短成毫秒）。
const FILES: [(&str, u64); 3] = [
    ("Python从入门到住院.pdf", 150),
    ("MySQL从删库到跑路.avi", 250),
    ("Linux从精通到放弃.mp4", 200),
];

/// 假下载：打印开始、睡 `ms` 毫秒、打印完成，返回实际耗时（已经写好，不用改）。
fn download(filename: &str, ms: u64) -> Duration {
    let start = Instant::now();
    println!("开始下载 {filename}.");
    thread::sleep(Duration::from_millis(ms));
    println!("{filename} 下载完成.");
    start.elapsed()
}

/// 下载所有文件，按文件的顺序返回每个下载的耗时。
fn download_all(files: &[(&'static str, u64)]) -> Vec<Duration> {
    // TODO：现在是一个接一个地下载。给每个文件开一个线程：
    // `thread::spawn(move || download(filename, ms))` 返回一个句柄 (JoinHandle)，
    // 先把三个句柄都收进一个 Vec（三个线程这时已经在同时下载），再逐个 `join()`，
    // 它返回线程里 `download` 的返回值（包在 `Result` 里：线程 panic 了就是 `Err`）。
    files
        .iter()
        .map(|&(filename, ms)| download(filename, ms))
        .collect()
}

fn main() {
    let start = Instant::now();
    let took = download_all(&FILES);
    println!("每个下载的耗时: {took:?}");
    println!("总耗时: {:.3}秒.", start.elapsed().as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_is_about_the_longest_not_the_sum() {
        let start = Instant::now();
        let took = download_all(&FILES);
        let total = start.elapsed();
        assert_eq!(took.len(), 3, "三个文件应该有三个耗时，实际 {took:?}");
        for ((filename, ms), took) in FILES.iter().zip(&took) {
            assert!(
                *took >= Duration::from_millis(*ms),
                "{filename} 的耗时 {took:?} 比它要睡的 {ms} 毫秒还短：耗时的顺序要和文件的顺序一样"
            );
        }
        let longest = took.iter().max().copied().unwrap_or_default();
        let sum: Duration = took.iter().sum();
        // 一个接一个：总耗时 ≥ 三个之和；同时：约等于最长的那个。门槛取两者的正中间。
        assert!(
            total < longest + (sum - longest) / 2,
            "总耗时 {total:?}，接近三个下载之和 {sum:?}，而最长的只要 {longest:?}：\
             下载还是一个接一个。给每个下载开一个线程，都开出去之后再 join"
        );
    }
}
