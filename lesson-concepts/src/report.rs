//! 本课程的例子共用的输出：默认就画时间线（看见调度正是这一课的目的），
//! 再加几个从时间线里量出来的数。
//!
//! `--spans` 另外把每一段按行打印出来（`span`、图名、任务、状态、起止纳秒、CPU，用制表符分开），
//! 测试读这些行来检查每个例子的说法，而不是相信例子自己的结论。

use std::collections::BTreeSet;
use std::time::Duration;

use clap::Parser;
use shared::timeline::{Kind, Span, render};

/// 每个例子都接受的选项。
#[derive(Debug, Parser)]
pub struct Options {
    /// 再打印机器可读的片段 (machine-readable spans)，给测试用
    #[arg(long)]
    pub spans: bool,
}

/// 解析例子 `example` 的选项。
pub fn options(example: &str, args: &[String]) -> shared::Result<Options> {
    shared::cli::parse_args(example, args)
}

impl Options {
    /// 画出一张时间线；有 `--spans` 时再逐行打印它的片段，`chart` 是这张图的名字。
    pub fn show(&self, chart: &str, spans: &[Span]) {
        print!("{}", render(spans));
        if self.spans {
            for s in spans {
                let cpu = s.cpu.map_or("-".to_owned(), |c| c.to_string());
                let (task, kind, a, b) = (&s.task, s.kind, s.start_ns, s.end_ns);
                println!("span\t{chart}\t{task}\t{kind:?}\t{a}\t{b}\t{cpu}");
            }
        }
    }
}

/// 放大 (zoom in)：操作系统每隔几毫秒就换一个线程运行，整段画在 100 列里看不出来。
/// 从中间取约十几次切换那么长的一段再画一张；整段本来就不长时返回 `None`。
pub fn zoom(spans: &[Span]) -> Option<String> {
    let mut runs: Vec<u64> = spans
        .iter()
        .filter(|s| s.kind == Kind::Running)
        .map(|s| s.end_ns - s.start_ns)
        .collect();
    runs.sort_unstable();
    let window = runs.get(runs.len() / 2)? * 12;
    let t0 = spans.iter().map(|s| s.start_ns).min()?;
    let total = wall(spans).as_nanos() as u64;
    if window * 4 > total {
        return None;
    }
    let from = t0 + total / 2 - window / 2;
    let clipped: Vec<Span> = spans
        .iter()
        .filter(|s| s.end_ns > from && s.start_ns < from + window)
        .map(|s| Span {
            start_ns: s.start_ns.max(from),
            end_ns: s.end_ns.min(from + window),
            ..s.clone()
        })
        .collect();
    let doc = |ns: u64| ns as f64 / 1e9 / shared::time::scale();
    Some(format!(
        "放大 (zoom in)：从第 {:.3} 秒起的 {:.3} 秒：\n{}",
        doc(from - t0),
        doc(window),
        render(&clipped)
    ))
}

/// 这些片段里任务们用到了哪些 CPU。
pub fn cpus(spans: &[Span]) -> BTreeSet<u32> {
    spans.iter().filter_map(|s| s.cpu).collect()
}

/// 把 CPU 编号写成 `0、1` 这样。
pub fn list(cpus: &BTreeSet<u32>) -> String {
    let names: Vec<String> = cpus.iter().map(u32::to_string).collect();
    if names.is_empty() {
        "未知".to_owned()
    } else {
        names.join("、")
    }
}

/// 一句话说 `second` 第一次运行时，`first` 是否已经结束：`任务2 在任务1 结束后 0.000秒 才开始.`
pub fn started(spans: &[Span], first: &str, second: &str) -> String {
    let (Some(end), Some(start)) = (last_run(spans, first), first_run(spans, second)) else {
        return format!("时间线上缺少{first}或{second}.");
    };
    let secs = |a: u64, b: u64| (a - b) as f64 / 1e9;
    if start >= end {
        format!(
            "{second} 在{first} 结束后 {:.3}秒 才开始.",
            secs(start, end)
        )
    } else {
        format!(
            "{second} 在{first} 结束前 {:.3}秒 就开始了.",
            secs(end, start)
        )
    }
}

/// 任务 `task` 第一次运行的时刻（纳秒）。
pub fn first_run(spans: &[Span], task: &str) -> Option<u64> {
    running(spans, task).map(|s| s.start_ns).min()
}

/// 任务 `task` 最后一次运行结束的时刻（纳秒）。
pub fn last_run(spans: &[Span], task: &str) -> Option<u64> {
    running(spans, task).map(|s| s.end_ns).max()
}

/// 任务 `task` 真正在 CPU 上运行的时间之和。
pub fn busy(spans: &[Span], task: &str) -> Duration {
    running(spans, task)
        .map(|s| Duration::from_nanos(s.end_ns - s.start_ns))
        .sum()
}

/// 从第一段开始到最后一段结束。
pub fn wall(spans: &[Span]) -> Duration {
    let start = spans.iter().map(|s| s.start_ns).min().unwrap_or(0);
    let end = spans.iter().map(|s| s.end_ns).max().unwrap_or(0);
    Duration::from_nanos(end.saturating_sub(start))
}

/// 按时间先后看运行的片段，CPU 从一个任务换到另一个任务的次数。
pub fn switches(spans: &[Span]) -> usize {
    let mut runs: Vec<&Span> = spans.iter().filter(|s| s.kind == Kind::Running).collect();
    runs.sort_by_key(|s| s.start_ns);
    runs.windows(2).filter(|w| w[0].task != w[1].task).count()
}

/// 两组片段同时进行的时间：比如两个任务同时在运行（并行）的时间。
pub fn overlap<'a>(
    a: impl Iterator<Item = &'a Span>,
    b: impl Iterator<Item = &'a Span>,
) -> Duration {
    let b: Vec<&Span> = b.collect();
    let ns: u64 = a
        .flat_map(|x| {
            b.iter().map(move |y| {
                y.end_ns
                    .min(x.end_ns)
                    .saturating_sub(y.start_ns.max(x.start_ns))
            })
        })
        .sum();
    Duration::from_nanos(ns)
}

/// 至少两个任务同时在运行的时间：并行 (parallel) 的时间。一个 CPU 上它应该是 0。
pub fn parallel(spans: &[Span]) -> Duration {
    let mut edges: Vec<(u64, i32)> = spans
        .iter()
        .filter(|s| s.kind == Kind::Running)
        .flat_map(|s| [(s.start_ns, 1), (s.end_ns, -1)])
        .collect();
    edges.sort_unstable(); // 同一时刻先结束 (-1) 再开始 (+1)
    let (mut running, mut since, mut ns) = (0, 0, 0);
    for (t, step) in edges {
        if running >= 2 {
            ns += t - since;
        }
        (running, since) = (running + step, t);
    }
    Duration::from_nanos(ns)
}

/// 任务 `task` 运行的片段。
pub fn running<'a>(spans: &'a [Span], task: &'a str) -> impl Iterator<Item = &'a Span> {
    spans
        .iter()
        .filter(move |s| s.kind == Kind::Running && s.task == task)
}
