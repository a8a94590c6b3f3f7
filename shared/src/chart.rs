//! 时间线 (timeline)：每个任务什么时候在运行、等 CPU、睡眠、等待，画成一张文字图。
//!
//! 并发的例子只看输出顺序很难"看见"重叠。时间线把每个任务画成一行、每一列是一小段
//! 时间，一眼就能看出哪些任务同时在跑、哪些一个接一个。
//!
//! 数据从哪里来：例子的代码里没有任何记录时间线的调用。[`Sampler`] 在旁边开一个线程，
//! 每隔约 1 毫秒向 Linux 内核问一次本进程（和它的子进程）的每个线程在做什么：
//! - 线程累计在 CPU 上运行的纳秒数（本进程的线程读线程的 CPU 时钟，子进程读
//!   `/proc/<pid>/task/<tid>/schedstat`）：两次采样之间它涨了一半以上，这一格就算"运行"，
//!   `stat` 的第 39 列是所在的 CPU 号；
//! - 没怎么运行、状态却是 `R`（可运行）：它在排队等 CPU（就绪 (ready)）；
//! - 状态是睡眠，停在 `nanosleep` 系统调用里：主动睡眠 (sleeping)，比如 `thread::sleep`；
//! - 其他的睡眠：在等别人 (waiting)——锁、`join`、屏障、管道、通道。
//!
//! 所以图上是内核眼里的真相，而不是程序自己说的话。协程 (coroutine) 共用一个线程，
//! 内核分不出它们，协程课用自己的数据源（tokio 任务上的 `tracing` span）填 [`Span`]。
//!
//! 只有 Linux 把每个线程的这些状态摆在 `/proc` 里。macOS 和 Windows 没有便宜的办法
//! 从旁边看别的线程在睡还是在等，所以那里 [`Sampler`] 什么也不记，图的位置上只有一行
//! 说明（[`KERNEL_VIEW`]）；协程的行不靠内核，在哪个系统上都画得出来。
//!
//! 画图：横轴用文档里的秒（实际时长除以 `LESSON_TIME_SCALE`），只用普通字符，
//! 最宽 100 列，没有颜色也能读。

use std::fmt::Write as _;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// 任务在一段时间里的状态。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// 在 CPU 上运行 (running)。
    Running,
    /// 可以运行，但在排队等 CPU (ready)。
    Ready,
    /// 主动睡眠，比如 `sleep` 或假下载 (sleeping)。
    Sleeping,
    /// 等别人：锁、join、屏障、队列 (waiting)。
    Waiting,
}

impl Kind {
    fn glyph(self) -> char {
        match self {
            Kind::Running => '█',
            Kind::Ready => '-',
            Kind::Sleeping => '▒',
            Kind::Waiting => '·',
        }
    }
}

/// 一段记录：任务 `task` 从 `start_ns` 到 `end_ns` 处于 `kind` 状态。
///
/// 时刻是纳秒，只要同一张图里的记录用同一个起点就行（[`Sampler`] 从它开始的时刻算起）。
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// 任务名，时间线上的一行。
    pub task: String,
    /// 这段时间里的状态。
    pub kind: Kind,
    /// 开始时刻（纳秒）。
    pub start_ns: u64,
    /// 结束时刻（纳秒）。
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

/// 在旁边的一个线程里，每隔约 1 毫秒从内核读出本进程和子进程每个线程的状态。
///
/// 只有 Linux 的内核这样把每个线程的状态摆在 `/proc` 里；别的系统上 [`Sampler::start`]
/// 什么也不开，[`Sampler::finish`] 交出空的记录，[`render`] 画图时说一行"要在 Linux 上才看得到"。
///
/// ```no_run
/// let sampler = shared::chart::Sampler::start()?;
/// std::thread::sleep(std::time::Duration::from_millis(50)); // 要看的并发代码
/// print!("{}", shared::chart::render(&sampler.finish()));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Sampler {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<Vec<Span>>>,
}

/// 这个系统能不能从内核读出每个线程的状态（只有 Linux 能）。
pub const KERNEL_VIEW: bool = cfg!(target_os = "linux");

/// 不是 Linux 时，时间线的位置上打印的一行。
pub const NO_KERNEL_VIEW: &str = "时间线 (timeline)：要读 Linux 内核的 /proc，这个系统上画不出来 (the kernel timeline needs Linux).\n";

/// 不是 Linux 时，协程的时间线下面加的一行：看不到线程在内核里的状态，推进的整段都画成运行。
pub const POLLS_AS_RUNNING: &str = "注：这个系统上看不到线程在内核里的状态（要 Linux 的 /proc），协程被推进 (poll) 的整段都画成 █，阻塞的睡眠也算在里面.\n";

impl Sampler {
    /// 开始采样。操作系统不让开线程时返回错误。
    pub fn start() -> io::Result<Sampler> {
        let stop = Arc::new(AtomicBool::new(false));
        if !KERNEL_VIEW {
            return Ok(Sampler { stop, handle: None });
        }
        let flag = Arc::clone(&stop);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("sampler".into())
            .spawn(move || kernel::sample(&flag, ready_tx))?;
        // 等采样线程登记好自己，例子里数线程时才不会把它算进去。
        let _ = ready_rx.recv();
        Ok(Sampler {
            stop,
            handle: Some(handle),
        })
    }

    /// 停止采样，返回记下的每一段。
    pub fn finish(mut self) -> Vec<Span> {
        self.stop.store(true, Ordering::Relaxed);
        self.handle
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// 名字以它开头的线程是 `shared::process` 自己的（收发消息、生命线、喂料），不是例子
/// 启动的，图上不画。
pub const INTERNAL: &str = "sp-";

/// 别的系统没有 `/proc`：什么也不记（[`KERNEL_VIEW`] 为假时根本不会开采样线程）。
#[cfg(not(target_os = "linux"))]
mod kernel {
    pub(super) fn sample(
        _stop: &std::sync::atomic::AtomicBool,
        _ready: std::sync::mpsc::Sender<()>,
    ) -> Vec<super::Span> {
        Vec::new()
    }
}

/// 从 Linux 内核的 `/proc` 读线程状态（采样线程里运行）。
#[cfg(target_os = "linux")]
mod kernel {
    use super::{Kind, Ordering, Span};
    use std::collections::HashMap;
    use std::sync::atomic::AtomicBool;
    use std::time::{Duration, Instant};

    /// 采样的间隔。
    const EVERY: Duration = Duration::from_millis(1);

    /// 一个线程：(进程号, 线程号)。
    type Task = (u32, u32);

    /// 采样线程的全部工作：登记自己，采样直到 `stop`，交出记录。
    pub(super) fn sample(stop: &AtomicBool, ready: std::sync::mpsc::Sender<()>) -> Vec<Span> {
        let me = own_tid();
        crate::threads::SAMPLER.store(me.unwrap_or(0), Ordering::Relaxed);
        let _ = ready.send(());
        let spans = sample_until(stop, me);
        crate::threads::SAMPLER.store(0, Ordering::Relaxed);
        spans
    }

    fn sample_until(stop: &AtomicBool, me: Option<u32>) -> Vec<Span> {
        let root = std::process::id();
        let t0 = Instant::now();
        let mut last: HashMap<Task, (u64, u64)> = HashMap::new();
        let mut names: Vec<(Task, String)> = Vec::new();
        let mut spans: Vec<(Task, Span)> = Vec::new();
        let mut internal: std::collections::HashSet<Task> = std::collections::HashSet::new();
        loop {
            let stopping = stop.load(Ordering::Relaxed);
            let now = t0.elapsed().as_nanos() as u64;
            for task in tasks_of(root) {
                if Some(task.1) == me {
                    continue;
                }
                let Some(state) = read_state(task, root) else {
                    continue; // 线程刚好结束了
                };
                if state.comm.starts_with(super::INTERNAL) {
                    // 它在起名之前可能已经被采到过（名字是线程自己起的）：那些记录也不画。
                    internal.insert(task);
                    continue;
                }
                match names.iter_mut().find(|(t, _)| *t == task) {
                    Some((_, name)) => *name = state.comm.clone(),
                    None => names.push((task, state.comm.clone())),
                }
                let Some((t_prev, ran_prev)) = last.insert(task, (now, state.ran_ns)) else {
                    continue;
                };
                let ran = state.ran_ns.saturating_sub(ran_prev);
                let kind = if ran * 2 >= now - t_prev {
                    Kind::Running
                } else if state.state == 'R' {
                    Kind::Ready
                } else if in_nanosleep(task) {
                    Kind::Sleeping
                } else {
                    Kind::Waiting
                };
                let cpu = (kind == Kind::Running).then_some(state.cpu);
                // 和这个线程的上一段状态相同、首尾相接：把上一段拉长。
                match spans.iter_mut().rev().find(|(t, _)| *t == task) {
                    Some((_, s)) if s.kind == kind && s.cpu == cpu && s.end_ns == t_prev => {
                        s.end_ns = now;
                    }
                    _ => {
                        let mut span = Span::new(String::new(), kind, t_prev, now);
                        span.cpu = cpu;
                        spans.push((task, span));
                    }
                }
            }
            if stopping {
                break;
            }
            std::thread::sleep(EVERY);
        }
        let labels = labels(root, &names);
        spans
            .into_iter()
            .filter(|(task, _)| !internal.contains(task))
            .map(|(task, mut span)| {
                span.task = labels.get(&task).cloned().unwrap_or_default();
                span
            })
            .collect()
    }

    /// 每个线程在图上的名字：主线程、有名字的线程用它的名字、其余按出现的先后编号；
    /// 子进程的线程前面加上 `进程 <PID>`。
    fn labels(root: u32, names: &[(Task, String)]) -> HashMap<Task, String> {
        let mut out = HashMap::new();
        let mut unnamed: HashMap<u32, usize> = HashMap::new();
        for &((pid, tid), ref comm) in names {
            let process_comm = names
                .iter()
                .find(|((p, t), _)| *p == pid && *t == pid)
                .map(|(_, c)| c.as_str());
            let own = if tid == pid {
                "主线程".to_owned()
            } else if Some(comm.as_str()) != process_comm {
                comm.clone()
            } else {
                let k = unnamed.entry(pid).or_insert(0);
                *k += 1;
                format!("线程 {k}")
            };
            let label = match (pid == root, tid == pid) {
                (true, _) => own,
                (false, true) => format!("进程 {pid}"),
                (false, false) => format!("进程 {pid} {own}"),
            };
            out.insert((pid, tid), label);
        }
        out
    }

    fn own_tid() -> Option<u32> {
        let link = std::fs::read_link("/proc/thread-self").ok()?;
        link.file_name()?.to_str()?.parse().ok()
    }

    /// 进程 `root` 和它所有后代的所有线程。
    fn tasks_of(root: u32) -> Vec<Task> {
        let mut out = Vec::new();
        let mut pids = vec![root];
        while let Some(pid) = pids.pop() {
            let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
                continue;
            };
            for tid in dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok()) {
                out.push((pid, tid));
                if let Ok(kids) =
                    std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/children"))
                {
                    pids.extend(
                        kids.split_whitespace()
                            .filter_map(|k| k.parse::<u32>().ok()),
                    );
                }
            }
        }
        out
    }

    struct State {
        state: char,
        cpu: u32,
        ran_ns: u64,
        comm: String,
    }

    fn read_state((pid, tid): Task, root: u32) -> Option<State> {
        let dir = format!("/proc/{pid}/task/{tid}");
        // 线程名最多 15 个字节，内核可能从一个汉字中间截断：按"有损"的 UTF-8 读。
        let stat =
            String::from_utf8_lossy(&std::fs::read(format!("{dir}/stat")).ok()?).into_owned();
        // 第二列是括号里的名字，名字里可能有空格和括号，所以从最后一个 ')' 往后数。
        let open = stat.find('(')?;
        let close = stat.rfind(')')?;
        let comm = stat.get(open + 1..close)?.to_owned();
        let fields: Vec<&str> = stat.get(close + 2..)?.split_whitespace().collect();
        let state = fields.first()?.chars().next()?;
        if state == 'Z' || state == 'X' {
            return None;
        }
        // 第 39 列 processor；去掉前两列后下标是 36。
        let cpu = fields.get(36)?.parse().ok()?;
        let ran_ns = match cpu_clock(pid, tid, root) {
            Some(ns) => ns,
            None => {
                let schedstat = std::fs::read_to_string(format!("{dir}/schedstat")).ok()?;
                schedstat.split_whitespace().next()?.parse().ok()?
            }
        };
        Some(State {
            state,
            cpu,
            ran_ns,
            comm,
        })
    }

    /// 线程累计在 CPU 上运行的纳秒数，从内核的 CPU 时钟读（精确到当下）。
    ///
    /// `schedstat` 里的数只在调度器的时钟滴答（这里 4 毫秒一次）和切换时更新，正在运行的
    /// 线程 1 毫秒一采样会被看成"没在运行"。线程的 CPU 时钟 (`clock_gettime`) 读的时候
    /// 会把正在运行的这一段也算上；但内核只让读本进程的线程、和别的进程（整个进程）的时钟。
    fn cpu_clock(pid: u32, tid: u32, root: u32) -> Option<u64> {
        // 内核的编码：(!id << 3) | 6 是线程的调度时钟，| 2 是整个进程的调度时钟。
        let clock = match (pid == root, pid == tid) {
            (true, _) => (!(tid as libc::clockid_t) << 3) | 6,
            (false, true) => (!(pid as libc::clockid_t) << 3) | 2,
            (false, false) => return None,
        };
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` 是一个有效的、可写的 timespec；时钟号不对时内核返回 -1，不会写坏内存。
        if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
            return None;
        }
        Some(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
    }

    /// 线程是不是停在 `nanosleep`/`clock_nanosleep` 里（主动睡眠）。
    fn in_nanosleep((pid, tid): Task) -> bool {
        let dir = format!("/proc/{pid}/task/{tid}");
        // 系统调用号因 CPU 架构而异；读不到时看内核给的等待位置 (wchan)。
        let sleeping_calls: &[u64] = if cfg!(target_arch = "x86_64") {
            &[35, 230]
        } else if cfg!(target_arch = "aarch64") {
            &[101, 115]
        } else {
            &[]
        };
        if let Ok(text) = std::fs::read_to_string(format!("{dir}/syscall"))
            && let Some(Ok(nr)) = text.split_whitespace().next().map(str::parse::<u64>)
        {
            return sleeping_calls.contains(&nr);
        }
        std::fs::read_to_string(format!("{dir}/wchan")).is_ok_and(|w| w.contains("nanosleep"))
    }
}

/// 时间线最宽的列数。
pub const WIDTH: usize = 100;

/// 按当前的时间比例画图，宽 [`WIDTH`] 列。
pub fn render(spans: &[Span]) -> String {
    render_with(spans, crate::time::scale(), WIDTH)
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
        if !KERNEL_VIEW {
            return NO_KERNEL_VIEW.to_owned();
        }
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
                Some((_, Kind::Running, Some(cpu))) => cpu_glyph(cpu),
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
    // 刻度最多 cells 个：step 再怎么算，这个循环也有尽头。
    while (k as usize) <= cells {
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
    // 图例总是完整的：同一个例子每次运行打印同样的几行。
    out.push_str(
        "图例 (legend)：█ 运行 running  ▒ 睡眠 sleeping  · 等待 waiting  - 等 CPU ready\n",
    );
    out.push_str("               0-9 在该号 CPU 上运行 (running on CPU n)\n");
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
