//! 测试共用：运行课程二进制、读出时间线图、从输出行里取数。

#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use shared_testing::Output;

pub const EXE: &str = env!("CARGO_BIN_EXE_lesson-concepts");

/// 占 CPU 的例子一个一个跑：同一个测试二进制里的测试并行运行，互相抢 CPU 会把
/// "别的程序"的负载算到彼此头上。
static CPU: Mutex<()> = Mutex::new(());

/// 以时间比例 `scale` 运行一个例子，断言成功。
pub fn run(args: &[&str], scale: &str) -> Output {
    let _one_at_a_time = CPU.lock().unwrap_or_else(|e| e.into_inner());
    run_now(args, scale)
}

fn run_now(args: &[&str], scale: &str) -> Output {
    let mut cmd = shared_testing::lesson(EXE, args);
    cmd.env("LESSON_TIME_SCALE", scale);
    let out = shared_testing::run(cmd, Duration::from_secs(120)).success();
    assert!(!out.stderr.contains("panicked"), "{out}");
    out
}

/// 和 [`run`] 一样，只是旁边有别的程序在抢 CPU：本进程能用的每个 CPU 上都绑着两个一直
/// 转圈的线程（在测试进程里，和例子的进程公平地分 CPU），例子运行完才停下。
pub fn run_beside_spinners(args: &[&str], scale: &str) -> Output {
    let _one_at_a_time = CPU.lock().unwrap_or_else(|e| e.into_inner());
    let stop = Arc::new(AtomicBool::new(false));
    let spinners: Vec<_> = usable_cpu_ids()
        .into_iter()
        .flat_map(|cpu| [cpu, cpu])
        .map(|cpu| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                // 不能绑核的系统 (macOS) 上就不绑：转圈的线程照样占着 CPU。
                let _ = shared::work::pin_to(cpu);
                while !stop.load(Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            })
        })
        .collect();
    let out = std::panic::catch_unwind(|| run_now(args, scale));
    stop.store(true, Ordering::Relaxed);
    for spinner in spinners {
        spinner.join().expect("spinner");
    }
    out.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// 本进程能用的 CPU 的编号：Linux 读 `/proc/self/status` 的 `Cpus_allowed_list`
/// （`taskset -c 0` 之后只有 0），别的系统当作 0..核数。
fn usable_cpu_ids() -> Vec<usize> {
    let listed = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let list = status
                .lines()
                .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))?
                .trim()
                .to_owned();
            let mut ids = Vec::new();
            for part in list.split(',') {
                let (a, b) = part.split_once('-').unwrap_or((part, part));
                ids.extend(a.parse::<usize>().ok()?..=b.parse::<usize>().ok()?);
            }
            Some(ids)
        });
    listed.unwrap_or_else(|| (0..cores()).collect())
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

    /// 绑在一个 CPU 上的几行里出现的 CPU 号，每行开头那段还没绑上的运行不算：线程是出生
    /// 以后自己绑核的，绑之前在哪个 CPU 上都有可能，而这个虚拟机上绑核这一下有时就要几毫秒
    /// CPU 时间（例子打印的"在 CPU 上算了"比"用时"多出 4 毫秒，图上开头 4 格是另一个 CPU）。
    /// 从一行第一次出现它最后所在的 CPU 起，每一格都得是同一个 CPU。
    pub fn pinned_cpus(&self, names: &[&str]) -> Vec<char> {
        let mut cpus: Vec<char> = names
            .iter()
            .flat_map(|name| {
                let digits: Vec<char> = self
                    .row(name)
                    .iter()
                    .copied()
                    .filter(char::is_ascii_digit)
                    .collect();
                let last = digits.last().copied();
                let from = digits.iter().position(|&c| Some(c) == last).unwrap_or(0);
                digits[from..].to_vec()
            })
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

    /// 图和数一致：行 `name` 里运行（CPU 号或 █）的格子，占 `group` 这几行从第一格到最后
    /// 一格（它们的线程从开始到做完，也就是总耗时量的那一段）的比例，和 `share`（CPU 时间
    /// ÷ 总耗时）相差不到 0.1。图的横轴比这一段长：采样器在开线程之前就开始了，机器很忙时
    /// 主线程要排一会儿队才开得出线程；一格的取舍也有误差。
    #[track_caller]
    pub fn agrees(&self, name: &str, group: &[&str], share: f64, out: &Output) {
        let present = |t: &&str| {
            let row = self.row(t);
            (0..row.len()).filter(move |&i| row[i] != ' ')
        };
        let first = group.iter().flat_map(present).min().expect("cells");
        let last = group.iter().flat_map(present).max().expect("cells");
        let running = self
            .row(name)
            .iter()
            .filter(|c| c.is_ascii_digit() || **c == '█')
            .count();
        let drawn = running as f64 / (last + 1 - first) as f64;
        assert!(
            (drawn - share).abs() <= 0.1,
            "{name}: {drawn:.2} of the cells run, the numbers say {share:.2}\n{out}"
        );
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

/// 本进程可用的 CPU 数（和例子里一样问 `shared::work::usable_cpus`）。
pub fn cores() -> usize {
    shared::work::usable_cpus().unwrap_or(1)
}

/// `threads` 个只算不等的线程用了 `wall` 秒、本可以同时用上 `could` 个 CPU 时，平均同时在
/// 运行的个数低于这个数，例子就该说机器忙（和 `shared::work::got_the_cpus` 同一个界限）。
pub fn fair_bound(threads: usize, wall: f64, could: usize) -> f64 {
    let slack = threads as f64 * shared::work::CPU_CLOCK_STEP.as_secs_f64() / wall.max(1e-9);
    shared::work::FAIR * shared::work::fair_share(threads, could) - slack
}

/// 例子说机器忙（输出里有 `note`），当且仅当量到的平均同时在运行的个数 `cpu / wall` 低于
/// [`fair_bound`]。打印的数只有三位小数，界限两边各留应有个数的 5%：那里说不说都行。
#[track_caller]
pub fn busy_note_agrees(
    out: &Output,
    note: &str,
    cpu: f64,
    threads: usize,
    wall: f64,
    could: usize,
) {
    let (share, bound) = (cpu / wall, fair_bound(threads, wall, could));
    let margin = 0.05 * could as f64;
    if out.stdout.contains(note) {
        assert!(
            share < bound + margin,
            "says busy at {share:.2} at once of {could}\n{out}"
        );
    } else {
        assert!(
            share > bound - margin,
            "only {share:.2} at once of {could}, and no busy note\n{out}"
        );
    }
}
