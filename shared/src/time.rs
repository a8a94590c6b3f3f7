//! 时间比例 (time scale) 与随机种子 (seed)。
//!
//! 文档里的例子动辄睡 1 秒、5 秒。测试不能等这么久，所以所有课程里的睡眠都乘上
//! 环境变量 `LESSON_TIME_SCALE`（默认 1）：测试设成 0.05，整个例子就快 20 倍，
//! 而"谁先谁后、是否重叠"这些事实不变。
//!
//! 两个变量都只读一次（[`OnceLock`]），子进程从环境里继承同样的值。
//! 不合法的值由 [`check_env`] 报告（课程的命令行在运行任何例子之前调用它）；
//! 复制走的例子第一次用到 [`scale`] 时才检查，同样打印一行错误并以状态码 2 退出。
//!
//! 在自己的项目里，把 `secs(n)` 换成 `Duration::from_secs_f64(n)` 就行了。

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// 环境变量的值不合法：一行说明，退出码 2。
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// 时间比例的环境变量名。
pub const SCALE_VAR: &str = "LESSON_TIME_SCALE";
/// 随机种子的环境变量名。
pub const SEED_VAR: &str = "LESSON_SEED";

static SCALE: OnceLock<Result<f64, UsageError>> = OnceLock::new();
static SEED: OnceLock<Result<Option<u64>, UsageError>> = OnceLock::new();

/// 时间比例允许的范围：太小的值让计时失去意义（而且画时间线时坐标轴会算不完），
/// 太大的值让文档里的 1 秒变成几分钟以上。
pub const SCALE_RANGE: std::ops::RangeInclusive<f64> = 0.001..=100.0;

/// 解析一个时间比例：必须是 [`SCALE_RANGE`] 里的数。
pub fn parse_scale(text: &str) -> Result<f64, UsageError> {
    match text.trim().parse::<f64>() {
        Ok(v) if SCALE_RANGE.contains(&v) => Ok(v),
        _ => Err(UsageError(format!(
            "{SCALE_VAR}={text:?} 无效：需要 {} 到 {} 之间的数，例如 0.1 (must be a number from {} to {})",
            SCALE_RANGE.start(),
            SCALE_RANGE.end(),
            SCALE_RANGE.start(),
            SCALE_RANGE.end()
        ))),
    }
}

/// 解析一个随机种子：必须是非负整数。
pub fn parse_seed(text: &str) -> Result<u64, UsageError> {
    text.trim().parse::<u64>().map_err(|_| {
        UsageError(format!(
            "{SEED_VAR}={text:?} 无效：需要一个非负整数，例如 42 (must be an unsigned integer)"
        ))
    })
}

fn scale_checked() -> &'static Result<f64, UsageError> {
    SCALE.get_or_init(|| match std::env::var(SCALE_VAR) {
        Ok(text) => parse_scale(&text),
        Err(std::env::VarError::NotPresent) => Ok(1.0),
        Err(std::env::VarError::NotUnicode(_)) => parse_scale("<非 UTF-8>"),
    })
}

fn seed_checked() -> &'static Result<Option<u64>, UsageError> {
    SEED.get_or_init(|| match std::env::var(SEED_VAR) {
        Ok(text) => parse_seed(&text).map(Some),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => parse_seed("<非 UTF-8>").map(Some),
    })
}

/// 检查两个环境变量。命令行和子进程在做任何事之前调用一次。
pub fn check_env() -> Result<(), UsageError> {
    scale_checked().clone()?;
    seed_checked().clone()?;
    Ok(())
}

/// 当前的时间比例。
///
/// 如果值不合法（只有没先调用 [`check_env`] 时才会走到这里），打印一行错误并以
/// 状态码 2 退出：用户的错误不应该变成一段 panic 回溯。
pub fn scale() -> f64 {
    crate::chart::note_thread();
    match scale_checked() {
        Ok(v) => v.max(f64::from_bits(FLOOR.load(Ordering::Relaxed))),
        Err(e) => exit_usage(e),
    }
}

/// [`at_least`] 定下的下限（f64 的位）；0 是没有下限。
static FLOOR: AtomicU64 = AtomicU64::new(0);

/// 这个例子的时间比例不能小于 `min`：`LESSON_TIME_SCALE` 比它还小时，打印一行说明，
/// 此后（[`scale`]、[`secs`] 和用到它们的一切）按 `min` 运行。返回此后的时间比例。
///
/// 为什么要有下限：比例太小，例子里的每一段计算或等待就短过了操作系统调度的时间片
/// （几毫秒）、短过了时间线采样的间隔（约 1 毫秒），例子要演示的事（轮流、重叠、先后）
/// 就看不出来，量出的数也说明不了什么。例子在开头调用一次；在自己的项目里删掉这一行就行。
pub fn at_least(min: f64) -> f64 {
    let asked = scale();
    if asked < min {
        FLOOR.store(min.to_bits(), Ordering::Relaxed);
        println!(
            "注：{SCALE_VAR}={asked} 比这个例子的下限 {min} 还小：计算和等待短过调度的时间片，看不出要演示的事、也量不准；这次按 {min} 运行."
        );
    }
    scale()
}

/// `LESSON_SEED` 的值；没设置时为 `None`（每次运行随机）。
pub fn seed() -> Option<u64> {
    match seed_checked() {
        Ok(v) => *v,
        Err(e) => exit_usage(e),
    }
}

fn exit_usage(e: &UsageError) -> ! {
    eprintln!("错误 (error)：{e}");
    std::process::exit(2)
}

/// 把文档里的时长按比例缩放。
pub fn scaled(d: Duration) -> Duration {
    // 乘出来超过 Duration 能表示的范围时取最大值，而不是 panic。
    Duration::try_from_secs_f64(d.as_secs_f64() * scale()).unwrap_or(Duration::MAX)
}

/// 文档里的 `n` 秒，按比例缩放后的时长。`secs(0.01)` 对应 `time.sleep(0.01)`。
pub fn secs(n: f64) -> Duration {
    Duration::try_from_secs_f64(n * scale()).unwrap_or(Duration::MAX)
}

/// 把实际测得的时长换回文档里的"秒"（除以时间比例），时间线的坐标轴用它。
pub fn unscaled_secs(d: Duration) -> f64 {
    d.as_secs_f64() / scale()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_accepts_positive_finite_numbers() {
        assert_eq!(parse_scale("0.05"), Ok(0.05));
        assert_eq!(parse_scale(" 2 "), Ok(2.0));
        assert_eq!(parse_scale("0.001"), Ok(0.001));
        assert_eq!(parse_scale("100"), Ok(100.0));
    }

    #[test]
    fn scale_refuses_the_bad_values() {
        for bad in [
            "abc", "0", "-1", "inf", "NaN", "", "-0", "5e-324", "0.0009", "100.1", "1e20", "1e300",
        ] {
            let err = parse_scale(bad).expect_err(bad);
            assert!(err.0.contains(SCALE_VAR), "{err}");
            assert!(!err.0.contains('\n'));
        }
    }

    #[test]
    fn seed_refuses_non_integers() {
        assert_eq!(parse_seed("42"), Ok(42));
        for bad in ["-1", "x", "1.5"] {
            assert!(parse_seed(bad).expect_err(bad).0.contains(SEED_VAR));
        }
    }
}
