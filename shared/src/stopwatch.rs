//! 秒表 (stopwatch) 和 `总耗时: …秒.` 这一行。
//!
//! 文档用 `start = time.time()` … `end - start` 计时；Rust 里用单调时钟 [`Instant`]，
//! 它不会因为系统改时间而倒退。

use std::time::{Duration, Instant};

/// 从创建起计时。
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch(Instant);

impl Stopwatch {
    /// 开始计时。
    pub fn start() -> Self {
        Stopwatch(Instant::now())
    }

    /// 到现在过了多久。
    pub fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }

    /// 打印 `总耗时: …秒.`，`decimals` 位小数（线程 3 位，进程池 2 位）。
    pub fn print_total(&self, decimals: usize) {
        println!("{}", total_line(self.elapsed(), decimals));
    }
}

/// `总耗时: 6.004秒.` 这一行。
pub fn total_line(total: Duration, decimals: usize) -> String {
    format!("总耗时: {:.decimals$}秒.", total.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_line_matches_the_document() {
        assert_eq!(
            total_line(Duration::from_millis(6004), 3),
            "总耗时: 6.004秒."
        );
        assert_eq!(
            total_line(Duration::from_millis(6004), 2),
            "总耗时: 6.00秒."
        );
    }
}
