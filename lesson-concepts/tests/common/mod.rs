//! 测试共用：运行课程二进制、读出时间线图、从输出行里取数。

#![allow(dead_code)]

use std::sync::Mutex;
use std::time::Duration;

use shared_testing::Output;

pub const EXE: &str = env!("CARGO_BIN_EXE_lesson-concepts");

/// 占 CPU 的例子一个一个跑：同一个测试二进制里的测试并行运行，互相抢 CPU 会把
/// "别的程序"的负载算到彼此头上。
static CPU: Mutex<()> = Mutex::new(());

/// 以时间比例 `scale` 运行一个例子，断言成功。
pub fn run(args: &[&str], scale: &str) -> Output {
    let _one_at_a_time = CPU.lock().unwrap_or_else(|e| e.into_inner());
    let mut cmd = shared_testing::lesson(EXE, args);
    cmd.env("LESSON_TIME_SCALE", scale);
    let out = shared_testing::run(cmd, Duration::from_secs(60)).success();
    assert!(!out.stderr.contains("panicked"), "{out}");
    out
}

/// 一张时间线：每行是 (行名, 每一格的字符)。
#[derive(Debug)]
pub struct Chart {
    pub rows: Vec<(String, Vec<char>)>,
}

/// 输出里内核的时间线图：Linux 上是所有的图（按出现的先后，至少一张）；别的系统没有内核的
/// 视角，图的位置上是一行说明——断言它在，返回 `None`，调用的测试只查数字的说法。
#[track_caller]
pub fn kernel_charts(out: &Output) -> Option<Vec<Chart>> {
    if shared::chart::KERNEL_VIEW {
        let found = charts(&out.stdout);
        assert!(!found.is_empty(), "a chart\n{out}");
        return Some(found);
    }
    let line = shared::chart::NO_KERNEL_VIEW.trim_end();
    assert!(out.stdout.lines().any(|l| l == line), "{line}\n{out}");
    assert!(
        !out.stdout.contains('└'),
        "no chart without the kernel's view\n{out}"
    );
    None
}

/// 输出里所有的时间线图，按出现的先后。
pub fn charts(stdout: &str) -> Vec<Chart> {
    let mut out = Vec::new();
    let mut current: Option<Chart> = None;
    for line in stdout.lines() {
        if line.starts_with("时间线 (timeline)") {
            current = Some(Chart { rows: Vec::new() });
        } else if line.contains('└') {
            out.extend(current.take());
        } else if let (Some(chart), Some((label, rest))) = (current.as_mut(), line.split_once('│'))
        {
            let cells: Vec<char> = rest.trim_end_matches('│').chars().collect();
            chart.rows.push((label.trim().to_owned(), cells));
        }
    }
    out
}

impl Chart {
    #[track_caller]
    pub fn row(&self, name: &str) -> &[char] {
        match self.rows.iter().find(|(label, _)| label == name) {
            Some((_, cells)) => cells,
            None => panic!("no row {name} in {self:?}"),
        }
    }

    /// 这一行出现过的 CPU 号。
    pub fn cpus(&self, name: &str) -> Vec<char> {
        let mut cpus: Vec<char> = self
            .row(name)
            .iter()
            .copied()
            .filter(char::is_ascii_digit)
            .collect();
        cpus.sort_unstable();
        cpus.dedup();
        cpus
    }

    /// 这一行在运行或等 CPU（可以运行）的格子。
    pub fn active(&self, name: &str) -> Vec<usize> {
        let row = self.row(name);
        (0..row.len())
            .filter(|&i| row[i].is_ascii_digit() || row[i] == '-')
            .collect()
    }

    /// 这一行是字符 `c` 的格子。
    pub fn cells(&self, name: &str, c: char) -> Vec<usize> {
        let row = self.row(name);
        (0..row.len()).filter(|&i| row[i] == c).collect()
    }
}

/// `text` 里紧跟在 `prefix` 之后的数（第 `nth` 处，从 0 数）。
#[track_caller]
pub fn num_after(text: &str, prefix: &str, nth: usize) -> f64 {
    let Some((_, rest)) = text
        .match_indices(prefix)
        .nth(nth)
        .map(|(i, p)| text.split_at(i + p.len()))
    else {
        panic!("no {prefix:?} #{nth} in\n{text}");
    };
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after {prefix:?} in\n{text}"))
}

/// 本机可用的核数（和例子里一样问标准库）。
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
