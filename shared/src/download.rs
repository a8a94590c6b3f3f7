//! 文档里的假下载 `download(filename)`：打印开始、睡几秒、打印完成和耗时。
//!
//! 它"下载"时只是在睡眠，正好代表 I/O 密集 (I/O-bound) 的任务：线程、进程、协程
//! 都能让几个下载同时等待。睡眠时长是 3 到 6 之间的整数秒（乘上时间比例）。
//!
//! 设了 `LESSON_SEED` 时，时长由种子和文件名一起决定：不论在哪个线程或子进程里、
//! 以什么顺序调用，同一个文件每次都睡同样久，测试因此可以重复。
//!
//! 在自己的项目里，把 `download` 换成真正的下载（比如用 HTTP 客户端 (HTTP client)）即可。

use std::time::{Duration, Instant};

/// 文档用的三个文件名。
pub const FILENAMES: [&str; 3] = [
    "Python从入门到住院.pdf",
    "MySQL从删库到跑路.avi",
    "Linux从精通到放弃.mp4",
];

/// 线程的例子里，文档打印三位小数（`{end - start:.3f}`）。
pub const THREAD_DECIMALS: usize = 3;
/// 进程池的例子里，文档打印两位小数（`{end - start:.2f}`）。
pub const PROCESS_DECIMALS: usize = 2;

/// 这个文件要"下载"几秒（文档里的秒，3..=6），即 `random.randint(3, 6)`。
pub fn download_secs(filename: &str) -> u64 {
    secs_for(crate::time::seed(), filename)
}

fn secs_for(seed: Option<u64>, filename: &str) -> u64 {
    match seed {
        Some(seed) => fastrand::Rng::with_seed(seed ^ fnv1a(filename)).u64(3..=6),
        None => fastrand::u64(3..=6),
    }
}

/// 文档的 `download(filename)`：打印三行，返回实际耗时。
///
/// `decimals` 是耗时打印的小数位数：[`THREAD_DECIMALS`] 或 [`PROCESS_DECIMALS`]。
pub fn download(filename: &str, decimals: usize) -> Duration {
    let start = Instant::now();
    println!("开始下载 {filename}.");
    std::thread::sleep(crate::time::secs(download_secs(filename) as f64));
    println!("{filename} 下载完成.");
    let took = start.elapsed();
    println!("{}", took_line(took, decimals));
    took
}

/// `下载耗时: 3.005秒.` 这一行。
pub fn took_line(took: Duration, decimals: usize) -> String {
    format!("下载耗时: {:.decimals$}秒.", took.as_secs_f64())
}

/// 一个小而稳定的字符串散列 (FNV-1a)：`std` 的 `DefaultHasher` 不保证跨版本不变。
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn took_line_uses_the_documents_format() {
        let d = Duration::from_millis(3005);
        assert_eq!(took_line(d, THREAD_DECIMALS), "下载耗时: 3.005秒.");
        assert_eq!(took_line(d, PROCESS_DECIMALS), "下载耗时: 3.00秒.");
    }

    #[test]
    fn a_seed_fixes_each_files_duration() {
        for name in FILENAMES {
            let secs = secs_for(Some(7), name);
            assert!((3..=6).contains(&secs));
            assert_eq!(
                secs,
                secs_for(Some(7), name),
                "same seed, same file, same time"
            );
        }
        // 换种子，3..=6 的每个值都会出现（不是一个常数）。
        let mut seen: Vec<u64> = (0..200)
            .map(|seed| secs_for(Some(seed), FILENAMES[0]))
            .collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen, [3, 4, 5, 6]);
    }

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_ne!(fnv1a(FILENAMES[0]), fnv1a(FILENAMES[1]));
    }
}
