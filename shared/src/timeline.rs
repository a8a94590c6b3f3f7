//! 时间线 (timeline)：记下每个任务什么时候在运行、睡眠、等待，再画成一张文字图。
//!
//! 并发的例子只看输出顺序很难"看见"重叠。时间线把每个任务画成一行、每一列是一小段
//! 时间，一眼就能看出哪些任务同时在跑、哪些一个接一个。
//!
//! 设计上的取舍：
//! - 记录是全局的（一个加锁的 `Vec`），任何线程都能直接 [`record`]，不用到处传句柄。
//! - 时间用"从 UNIX 纪元起的纳秒"（[`now`]），不用 `Instant`：`Instant` 不能跨进程比较，
//!   而进程课的子进程要把自己的 [`Span`] 通过 ipc-channel 发回父进程（所以它可以序列化）。
//! - 横轴用文档里的秒：实际时长除以 `LESSON_TIME_SCALE`，测试里快跑的图和正常运行一样。
//! - 只用普通字符画图，最宽 100 列，没有颜色也能读。

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// 任务在一段时间里的状态。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// 在 CPU 上运行 (running)。
    Running,
    /// 主动睡眠，比如 `sleep` 或假下载 (sleeping)。
    Sleeping,
    /// 等别人：锁、join、屏障、队列 (waiting)。
    Waiting,
}

impl Kind {
    fn glyph(self) -> char {
        match self {
            Kind::Running => '█',
            Kind::Sleeping => '▒',
            Kind::Waiting => '·',
        }
    }
}

/// 一段记录：任务 `task` 从 `start_ns` 到 `end_ns` 处于 `kind` 状态。
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// 任务名，时间线上的一行。
    pub task: String,
    /// 这段时间里的状态。
    pub kind: Kind,
    /// 开始时刻，见 [`now`]。
    pub start_ns: u64,
    /// 结束时刻，见 [`now`]。
    pub end_ns: u64,
    /// 运行在哪个 CPU 上（知道的话）。
    pub cpu: Option<u32>,
}

impl Span {
    /// 一段没有 CPU 信息的记录。
    pub fn new(task: impl Into<String>, kind: Kind, start_ns: u64, end_ns: u64) -> Self {
        Span {
            task: task.into(),
            kind,
            start_ns,
            end_ns: end_ns.max(start_ns),
            cpu: None,
        }
    }

    /// 加上 CPU 编号。
    pub fn on_cpu(mut self, cpu: u32) -> Self {
        self.cpu = Some(cpu);
        self
    }
}

static SPANS: Mutex<Vec<Span>> = Mutex::new(Vec::new());

/// 现在的时刻：从 UNIX 纪元起的纳秒，同一台机器上的各个进程可以互相比较。
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// 记下一段，任何线程都可以调用。
pub fn record(span: Span) {
    // 某个线程在持锁时 panic 只会让锁"中毒"，里面的 Vec 仍然完好，继续用。
    SPANS.lock().unwrap_or_else(|e| e.into_inner()).push(span);
}

/// 运行 `f`，并把它占用的这段时间记为 `task` 的 `kind`。
pub fn span<R>(task: impl Into<String>, kind: Kind, f: impl FnOnce() -> R) -> R {
    let start = now();
    let result = f();
    record(Span::new(task, kind, start, now()));
    result
}

/// 取走到目前为止记下的所有段（记录随之清空）。
pub fn take() -> Vec<Span> {
    std::mem::take(&mut *SPANS.lock().unwrap_or_else(|e| e.into_inner()))
}

/// 时间线最宽的列数。
pub const WIDTH: usize = 100;

/// 按当前的时间比例画图，宽 [`WIDTH`] 列。
pub fn render(spans: &[Span]) -> String {
    render_with(spans, crate::time::scale(), WIDTH)
}

/// 取走所有记录并打印时间线。
pub fn print_taken() {
    print!("{}", render(&take()));
}

/// 画图：每个任务一行（按第一次出现的先后），每列一小段时间，下面是坐标轴和图例。
///
/// `scale` 是时间比例，坐标轴上的秒 = 实际秒 / `scale`。
pub fn render_with(spans: &[Span], scale: f64, width: usize) -> String {
    let mut out = String::from("时间线 (timeline)，横轴是文档里的秒：\n");
    let (Some(t0), Some(t1)) = (
        spans.iter().map(|s| s.start_ns).min(),
        spans.iter().map(|s| s.end_ns).max(),
    ) else {
        out.push_str("（没有记录 (no spans recorded)）\n");
        return out;
    };

    // 行：按任务第一次出现的时刻排序。
    let mut tasks: Vec<(&str, u64)> = Vec::new();
    for s in spans {
        match tasks.iter_mut().find(|(t, _)| *t == s.task) {
            Some((_, first)) => *first = (*first).min(s.start_ns),
            None => tasks.push((&s.task, s.start_ns)),
        }
    }
    tasks.sort_by_key(|&(_, first)| first);

    let label_w = tasks
        .iter()
        .map(|(t, _)| display_width(t))
        .max()
        .unwrap_or(0)
        .clamp(4, 24);
    let cells = width.saturating_sub(label_w + 3).max(10);
    let total_ns = (t1 - t0).max(1) as f64;
    let cell_ns = total_ns / cells as f64;

    let mut any_cpu = false;
    for (task, _) in &tasks {
        let mut row = String::new();
        for i in 0..cells {
            let (a, b) = (
                t0 as f64 + i as f64 * cell_ns,
                t0 as f64 + (i + 1) as f64 * cell_ns,
            );
            // 这一格里每种状态（和每个 CPU）各占了多久，取占得最久的。
            let mut best: Option<(f64, Kind, Option<u32>)> = None;
            for s in spans.iter().filter(|s| s.task == *task) {
                let overlap = (s.end_ns as f64).min(b) - (s.start_ns as f64).max(a);
                let touches = overlap > 0.0
                    || (s.start_ns == s.end_ns
                        && (s.start_ns as f64) >= a
                        && (s.start_ns as f64) < b);
                if touches && best.is_none_or(|(o, _, _)| overlap > o) {
                    best = Some((overlap, s.kind, s.cpu));
                }
            }
            row.push(match best {
                None => ' ',
                Some((_, Kind::Running, Some(cpu))) => {
                    any_cpu = true;
                    cpu_glyph(cpu)
                }
                Some((_, kind, _)) => kind.glyph(),
            });
        }
        let _ = writeln!(out, "{} │{row}│", pad(task, label_w));
    }

    // 坐标轴：刻度在文档里的秒上取整齐的值。
    let total_s = total_ns / 1e9 / scale;
    let step = nice_step(total_s, cells / 10);
    let mut ticks = vec!['─'; cells];
    let mut labels = vec![' '; cells + 1];
    let mut next_free = 0;
    let mut k = 0u32;
    loop {
        let t = f64::from(k) * step;
        if t > total_s + 1e-12 {
            break;
        }
        let col = ((t / total_s) * cells as f64).round() as usize;
        if col <= cells {
            if col < cells {
                ticks[col] = '┬';
            }
            let text = format_secs(t, step);
            // 贴着右边框的刻度，把标签往左挪到放得下为止。
            let at = col.min((cells + 1).saturating_sub(text.len()));
            if at >= next_free {
                for (j, ch) in text.chars().enumerate() {
                    labels[at + j] = ch;
                }
                next_free = at + text.len() + 1;
            }
        }
        k += 1;
    }
    let axis: String = ticks.into_iter().collect();
    let labels: String = labels.into_iter().collect();
    let _ = writeln!(out, "{} └{axis}┘", " ".repeat(label_w));
    let _ = writeln!(out, "{}  {}", " ".repeat(label_w), labels.trim_end());
    out.push_str("图例 (legend)：█ 运行 running   ▒ 睡眠 sleeping   · 等待 waiting");
    if any_cpu {
        out.push_str("   0-9 在该号 CPU 上运行");
    }
    out.push('\n');
    out
}

fn cpu_glyph(cpu: u32) -> char {
    char::from_digit(cpu % 36, 36).unwrap_or('?')
}

/// 一个"整齐"的刻度间隔（1、2、5 乘 10 的幂），让刻度不超过 `max_ticks` 个。
fn nice_step(total: f64, max_ticks: usize) -> f64 {
    let max_ticks = max_ticks.max(1) as f64;
    let raw = (total / max_ticks).max(1e-9);
    let pow = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * pow)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * pow)
}

fn format_secs(t: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10()).ceil() as usize
    };
    format!("{t:.decimals$}")
}

/// 字符串在终端里占几列：汉字等全角字符占 2 列。
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
        | 0x20000..=0x3FFFD)
}

/// 把 `s` 补空格到 `w` 列；太长就截断并以 `…` 结尾。
fn pad(s: &str, w: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    if display_width(s) > w {
        for c in s.chars() {
            let cw = if is_wide(c) { 2 } else { 1 };
            if used + cw > w - 1 {
                break;
            }
            out.push(c);
            used += cw;
        }
        out.push('…');
        used += 1;
    } else {
        out.push_str(s);
        used = display_width(s);
    }
    out.push_str(&" ".repeat(w - used));
    out
}
