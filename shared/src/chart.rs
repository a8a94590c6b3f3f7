//! 时间线 (timeline)：每个任务什么时候在运行、等 CPU、睡眠、等待，画成一张文字图。
//!
//! 并发的例子只看输出顺序很难"看见"重叠。时间线把每个任务画成一行、每一列是一小段
//! 时间，一眼就能看出哪些任务同时在跑、哪些一个接一个。
//!
//! 数据从哪里来：例子的代码里没有任何记录时间线的调用。[`Sampler`] 在旁边开一个线程，
//! 每隔约 1 毫秒向 Linux 内核问一次本进程（和它的子进程）的每个线程在做什么，给每个线程
//! 记下从上一次到这一次的这一段：
//! - 这一段里它在 CPU 上运行了多久：线程累计运行的纳秒数的增量（本进程的线程读线程的
//!   CPU 时钟，子进程里的读 `/proc/<pid>/task/<tid>/schedstat`）；`stat` 的第 39 列是
//!   所在的 CPU 号；
//! - 其余的时间按它此刻的状态：`R`（可运行）是在排队等 CPU（就绪 (ready)）；睡着、停在
//!   `nanosleep` 系统调用里是主动睡眠 (sleeping)，比如 `thread::sleep`；其他的睡眠是在等
//!   别人 (waiting)——锁、`join`、屏障、管道、通道。
//!
//! 画的时候，一行里运行的格数按它的 CPU 时间折算（一共不满一格的行不画运行，除非整行空着），
//! 同一列里一个 CPU 只画给一行（见 [`render`]）。
//! 出生到结束不到一次采样的线程轮询看不到；调用过 `shared` 帮手的线程由帮手登记，照样有一行。
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

/// 例子调用的 `shared` 帮手（线程数、时间比例、一口计算……）在一个线程里第一次被调用时，
/// 顺手把这个线程登记给正在运行的 [`Sampler`]：线程号、名字、时刻、CPU。
///
/// 为什么要它：采样约 1 毫秒一次，一个线程从出生到结束若不到一次采样的间隔（比如屏障上
/// 第三个到的线程，一到就通过、退出），轮询根本看不到它；而 Rust 的线程是在线程里面给
/// 自己起名的，刚出生就被采到的线程还顶着进程的名字。登记过的线程至少在它调用帮手的那一刻
/// 有一格，名字也对。没有采样器时（复制走的程序里永远如此）只读一个原子变量。
pub(crate) fn note_thread() {
    #[cfg(target_os = "linux")]
    noted::note();
}

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

/// 帮手登记的线程（见 [`note_thread`]）。
#[cfg(target_os = "linux")]
mod noted {
    use std::cell::Cell;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    use std::time::Instant;

    /// 一个登记过的线程。
    pub(super) struct Noted {
        pub tid: u32,
        /// 内核里的线程名（和 `/proc/…/comm` 一样，最多 15 个字节）。
        pub comm: String,
        /// 登记的时刻：从采样开始算的纳秒。
        pub at_ns: u64,
        pub cpu: Option<u32>,
    }

    /// 一次采样的登记簿：编号、采样开始的时刻、登记过的线程（和登记的时刻）。
    struct Book {
        id: u64,
        t0: Instant,
        noted: Vec<(Instant, Noted)>,
    }

    /// 正在进行的采样有几个（测试里可能同时有几个）。
    static OPEN: AtomicUsize = AtomicUsize::new(0);
    /// 每开始一次采样加一：线程记下自己登记时的值，每一代只登记一次。
    static GENERATION: AtomicU64 = AtomicU64::new(0);
    static BOOKS: Mutex<Vec<Book>> = Mutex::new(Vec::new());

    thread_local! {
        /// 这个线程登记时的那一代。
        static DONE: Cell<u64> = const { Cell::new(0) };
    }

    /// 开始一次登记，时刻从 `t0` 算起；返回它的编号。
    pub(super) fn open(t0: Instant) -> u64 {
        let mut books = BOOKS.lock().unwrap_or_else(|e| e.into_inner());
        let id = GENERATION.fetch_add(1, Ordering::AcqRel) + 1;
        books.push(Book {
            id,
            t0,
            noted: Vec::new(),
        });
        OPEN.fetch_add(1, Ordering::AcqRel);
        id
    }

    /// 结束编号为 `id` 的登记，交出登记过的线程。
    pub(super) fn close(id: u64) -> Vec<Noted> {
        let mut books = BOOKS.lock().unwrap_or_else(|e| e.into_inner());
        let Some(at) = books.iter().position(|b| b.id == id) else {
            return Vec::new();
        };
        OPEN.fetch_sub(1, Ordering::AcqRel);
        let book = books.swap_remove(at);
        book.noted
            .into_iter()
            .map(|(when, mut n)| {
                n.at_ns = when.saturating_duration_since(book.t0).as_nanos() as u64;
                n
            })
            .collect()
    }

    pub(super) fn note() {
        if OPEN.load(Ordering::Acquire) == 0 {
            return;
        }
        let generation = GENERATION.load(Ordering::Acquire);
        // 线程正在结束、线程局部变量已经销毁时 try_with 出错：那就不登记。
        let Ok(before) = DONE.try_with(|done| done.replace(generation)) else {
            return;
        };
        if before == generation {
            return;
        }
        let when = Instant::now();
        let mut name = [0u8; 16];
        // SAFETY: PR_GET_NAME 往一块 16 字节的内存里写线程名（以 0 结尾），`name` 正好这么大。
        let named = unsafe { libc::prctl(libc::PR_GET_NAME, name.as_mut_ptr()) } == 0;
        let len = name.iter().position(|&b| b == 0).unwrap_or(name.len());
        let comm = if named {
            String::from_utf8_lossy(&name[..len]).into_owned()
        } else {
            String::new()
        };
        // SAFETY: gettid 和 sched_getcpu 没有参数，只返回一个数（后者出错时是 -1）。
        let (tid, cpu) = unsafe { (libc::gettid(), libc::sched_getcpu()) };
        let mut books = BOOKS.lock().unwrap_or_else(|e| e.into_inner());
        for book in books.iter_mut() {
            let noted = Noted {
                tid: tid as u32,
                comm: comm.clone(),
                at_ns: 0,
                cpu: u32::try_from(cpu).ok(),
            };
            book.noted.push((when, noted));
        }
    }
}

/// 从 Linux 内核的 `/proc` 读线程状态（采样线程里运行）。
#[cfg(target_os = "linux")]
mod kernel {
    use super::{Kind, Ordering, Span};
    use std::collections::{HashMap, HashSet};
    use std::sync::Mutex;
    use std::sync::atomic::AtomicBool;
    use std::time::{Duration, Instant};

    /// 采样的间隔。
    const EVERY: Duration = Duration::from_millis(1);

    /// 一个线程：(进程号, 线程号)。
    type Task = (u32, u32);

    /// 一个线程上一次被采到时的样子。
    struct Track {
        /// 采到的时刻。
        at_ns: u64,
        /// 那时它累计的 CPU 时间。
        ran_ns: u64,
        /// 读到了、还没画进图里的 CPU 时间（见 [`sample_until`] 里的说明）。
        carry_ns: u64,
        /// 它上一次在哪个 CPU 上。
        cpu: u32,
        /// 它上一次是不是可以运行（`R`）：新出生的线程算是。
        runnable: bool,
        /// 它在记录里的最后一段的下标。
        last: Option<usize>,
    }

    /// 给线程 `task` 记一段 [`from`, `to`)：和它的上一段状态相同、首尾相接，就把上一段拉长。
    fn record(
        spans: &mut Vec<(Task, Span)>,
        track: &mut Track,
        task: Task,
        kind: Kind,
        cpu: Option<u32>,
        from: u64,
        to: u64,
    ) {
        if to <= from {
            return;
        }
        match track.last.and_then(|i| spans.get_mut(i)) {
            Some((_, s)) if s.kind == kind && s.cpu == cpu && s.end_ns == from => s.end_ns = to,
            _ => {
                let mut span = Span::new(String::new(), kind, from, to);
                span.cpu = cpu;
                track.last = Some(spans.len());
                spans.push((task, span));
            }
        }
    }

    /// 本进程每个线程（采样线程和 `sp-` 线程也算）此刻的 CPU 时间，和本进程的 CPU 时钟里
    /// 已经结束了的线程用掉的那一份（进程的时钟减去还活着的线程的）。
    ///
    /// 两样要在同一刻读：读完线程的时钟、读进程的时钟之前，别的线程又运行的那一点会被当成
    /// 结束了的线程的时间。所以先列出线程，再紧挨着读时钟；中间采样线程被挤下了 CPU（读了
    /// 超过 [`SAME_MOMENT`]），这一轮就不给后一样（结束了的线程最后那一点画不出来，总比把
    /// 别人的时间画给它好：`phone-114` 里收尾的客服线程见过这样多出一格运行）。
    fn own_clocks(root: u32) -> (HashMap<u32, u64>, Option<u64>) {
        let Ok(dir) = std::fs::read_dir(format!("/proc/{root}/task")) else {
            return (HashMap::new(), None);
        };
        let tids: Vec<u32> = dir
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .collect();
        let start = Instant::now();
        let clocks: HashMap<u32, u64> = tids
            .into_iter()
            .filter_map(|tid| Some((tid, cpu_clock(root, tid, root)?)))
            .collect();
        let dead = process_clock()
            .filter(|_| start.elapsed() < SAME_MOMENT)
            .map(|p| p.saturating_sub(clocks.values().sum()));
        (clocks, dead)
    }

    /// 读本进程所有线程的时钟通常只要几微秒。
    const SAME_MOMENT: Duration = Duration::from_micros(100);

    /// 线程到现在一共在运行队列里排队等了多久 CPU（`schedstat` 的第二个数，纳秒；
    /// 它每次轮到 CPU 时更新，所以还没运行过的新线程是 0）。
    fn run_delay((pid, tid): Task) -> Option<u64> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/schedstat")).ok()?;
        text.split_whitespace().nth(1)?.parse().ok()
    }

    /// 本进程的 CPU 时钟：所有线程的 CPU 时间之和，已经结束的线程也算在里面。
    fn process_clock() -> Option<u64> {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` 是一个有效的、可写的 timespec。
        if unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) } != 0 {
            return None;
        }
        Some(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
    }

    /// 正在采样的采样线程（测试里可能同时有几个）：它们不是例子的线程，谁也不画谁。
    static SAMPLERS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

    fn samplers() -> std::sync::MutexGuard<'static, Vec<u32>> {
        SAMPLERS.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// 采样线程的全部工作：登记自己，采样直到 `stop`，交出记录。
    pub(super) fn sample(stop: &AtomicBool, ready: std::sync::mpsc::Sender<()>) -> Vec<Span> {
        let me = own_tid();
        crate::threads::SAMPLER.store(me.unwrap_or(0), Ordering::Relaxed);
        samplers().extend(me);
        let t0 = Instant::now();
        let session = super::noted::open(t0);
        let spans = sample_until(stop, t0, session, ready);
        samplers().retain(|&t| Some(t) != me);
        crate::threads::SAMPLER.store(0, Ordering::Relaxed);
        spans
    }

    /// 每一轮把每个线程从上一次采到它到现在的这一段（一个"窗口"）记下来：窗口里它在 CPU 上
    /// 运行了多久（CPU 时间的增量）就记多长的一段"运行"，窗口里其余的时间按它此刻的状态记：
    /// `R` 是等 CPU，睡在 `nanosleep` 里是睡眠，其余的睡眠是等待。
    ///
    /// 所以同一个 CPU 上轮流运行的三个线程，每个窗口里各记下自己真正运行的那一份，而不是
    /// 谁运行得多就整段算谁的。采样线程自己也要 CPU：它晚醒了，窗口就长，照样按增量分。
    ///
    /// 第一轮只记下已有的线程的起点，然后才告诉 [`super::Sampler::start`] 可以开始了：
    /// 这以后出生的线程，第一次被采到时就有一段。
    fn sample_until(
        stop: &AtomicBool,
        t0: Instant,
        session: u64,
        ready: std::sync::mpsc::Sender<()>,
    ) -> Vec<Span> {
        let root = std::process::id();
        let mut tracks: HashMap<Task, Track> = HashMap::new();
        let mut names: Vec<(Task, String)> = Vec::new();
        let mut spans: Vec<(Task, Span)> = Vec::new();
        let mut internal: HashSet<Task> = HashSet::new();
        // 别的采样线程（测试里会同时有几个）：它们刚出生、还没登记自己时可能被采到过。
        let mut others: HashSet<u32> = HashSet::new();
        let mut previous_round: Option<u64> = None;
        let (mut clocks_before, mut dead_before) = (HashMap::new(), None);
        loop {
            let stopping = stop.load(Ordering::Relaxed);
            let now = t0.elapsed().as_nanos() as u64;
            let skip = samplers().clone();
            others.extend(skip.iter().copied());
            let mut round = Vec::new();
            for task in tasks_of(root) {
                if skip.contains(&task.1) {
                    continue;
                }
                let Some(state) = read_state(task, root) else {
                    continue; // 线程刚好结束了
                };
                if state.comm.starts_with(super::INTERNAL) {
                    // 它刚出生、还没给自己起名时可能已经被采到过：那几段也不要。
                    internal.insert(task);
                    continue;
                }
                round.push((task, state));
            }
            let births = previous_round.map(|previous| births(previous, now, &round, &tracks));
            for (task, state) in round {
                match names.iter_mut().find(|(t, _)| *t == task) {
                    Some((_, name)) => *name = state.comm.clone(),
                    None => names.push((task, state.comm.clone())),
                }
                let track = tracks.entry(task).or_insert_with(|| Track {
                    // 采样开始前就有的线程：第一轮只记下起点。这以后新出生的：见 `births`。
                    at_ns: births
                        .as_ref()
                        .and_then(|b| b.get(&task).copied())
                        .unwrap_or(now),
                    ran_ns: if births.is_some() { 0 } else { state.ran_ns },
                    carry_ns: 0,
                    cpu: state.cpu,
                    runnable: true,
                    last: None,
                });
                let window = now.saturating_sub(track.at_ns);
                // 子进程里的其他线程只能读 `schedstat`，它只在时钟滴答和切换时更新：一次读到的
                // 增量可能比窗口还长。多出来的留到后面的窗口里画，总数不丢。
                let ran = state.ran_ns.saturating_sub(track.ran_ns) + track.carry_ns;
                let running = ran.min(window);
                track.carry_ns = (ran - running).min(MAX_CARRY);
                let rest = if state.state == 'R' {
                    Kind::Ready
                } else if running < window && in_nanosleep(task) {
                    Kind::Sleeping
                } else {
                    Kind::Waiting
                };
                // 运行的那一份画在窗口的哪一头：上一次还睡着、这一次可以运行了，它是这中间醒来
                // 运行的，画在后面；其余的（一直可以运行的，或运行了一会儿睡下的）画在前面。
                // 窗口通常约 1 毫秒；机器忙、采样线程晚醒时长一些，前后最多差一个窗口。
                let (a, b) = (track.at_ns, now);
                let woke = state.state == 'R' && !track.runnable;
                let pieces = if woke {
                    [(rest, a, b - running), (Kind::Running, b - running, b)]
                } else {
                    [(Kind::Running, a, a + running), (rest, a + running, b)]
                };
                for (kind, from, to) in pieces {
                    let cpu = (kind == Kind::Running).then_some(state.cpu);
                    record(&mut spans, track, task, kind, cpu, from, to);
                }
                track.at_ns = now;
                track.ran_ns = state.ran_ns;
                track.cpu = state.cpu;
                track.runnable = state.state == 'R';
            }
            // 本进程里这一轮不见了的线程：它们上一次被采到之后、结束之前又运行了多久。
            let (clocks, dead) = own_clocks(root);
            if let (Some(dead), Some(dead_before)) = (dead, dead_before) {
                let gone: Vec<u32> = clocks_before
                    .keys()
                    .copied()
                    .filter(|tid| !clocks.contains_key(tid))
                    .collect();
                // 结束了的线程的 CPU 时间并进了进程的 CPU 时钟：进程的时钟减去还活着的线程的，
                // 多出来的减去它们上一次被采到时的，就是它们最后那一段运行的时间。
                let had: u64 = gone.iter().map(|tid| clocks_before[tid]).sum();
                let lost = (dead.saturating_sub(dead_before)).saturating_sub(had);
                for tid in &gone {
                    let task = (root, *tid);
                    if let Some(track) = tracks.get_mut(&task) {
                        let running =
                            (lost / gone.len() as u64).min(now.saturating_sub(track.at_ns));
                        let (from, cpu) = (track.at_ns, track.cpu);
                        record(
                            &mut spans,
                            track,
                            task,
                            Kind::Running,
                            Some(cpu),
                            from,
                            from + running,
                        );
                        track.at_ns = now;
                    }
                }
            }
            (clocks_before, dead_before) = (clocks, dead);
            if previous_round.is_none() {
                let _ = ready.send(());
            }
            previous_round = Some(now);
            if stopping {
                break;
            }
            std::thread::sleep(EVERY);
        }
        others.extend(samplers().iter().copied());
        add_noted(root, super::noted::close(session), &mut names, &mut spans);
        let labels = labels(root, &names);
        // 一段记录在它结束时才记下，所以记录的先后不是线程出生的先后。按第一次采到线程的
        // 先后排（同一轮里按线程号，也就是开出来的先后；每个线程自己的几段不变）：图上同一格里
        // 出现的几行按这个先后排列。
        let seen: HashMap<Task, usize> = names
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (*t, i))
            .collect();
        spans.sort_by_key(|(task, _)| seen.get(task).copied().unwrap_or(usize::MAX));
        spans
            .into_iter()
            .filter(|(task, _)| !internal.contains(task) && !others.contains(&task.1))
            .map(|(task, mut span)| {
                span.task = labels.get(&task).cloned().unwrap_or_default();
                span
            })
            .collect()
    }

    /// 上一轮（`previous`）以后新出生的线程从什么时候画起。它们的 CPU 时间全在这个窗口里；
    /// 一个线程活了至少"运行过的 + 排队等过 CPU 的"这么久，所以它最晚生在 `now` 减去这些。
    /// 睡着的线程这样估得太晚（睡的时间不算），所以再用上出生的先后：线程号小的开得早，
    /// 最晚也生在线程号比它大的那些之前。不画到上一轮之前。
    fn births(
        previous: u64,
        now: u64,
        round: &[(Task, State)],
        tracks: &HashMap<Task, Track>,
    ) -> HashMap<Task, u64> {
        let mut born: Vec<(Task, u64)> = round
            .iter()
            .filter(|(task, _)| !tracks.contains_key(task))
            .map(|(task, state)| {
                let age = state.ran_ns + run_delay(*task).unwrap_or(0);
                (*task, previous.max(now.saturating_sub(age)))
            })
            .collect();
        born.sort_by_key(|((_, tid), _)| std::cmp::Reverse(*tid));
        let mut latest = u64::MAX;
        for (_, at) in &mut born {
            latest = latest.min(*at);
            *at = latest;
        }
        born.into_iter().collect()
    }

    /// 留到后面画的 CPU 时间最多这么多（`schedstat` 最多晚一个时钟滴答，几毫秒）。
    const MAX_CARRY: u64 = 20_000_000;

    /// 帮手登记过的线程（[`super::note_thread`]）：采样没看到的，在登记的那一刻画一格运行；
    /// 只在起名之前被采到的，用登记时的名字。
    fn add_noted(
        root: u32,
        noted: Vec<super::noted::Noted>,
        names: &mut Vec<(Task, String)>,
        spans: &mut Vec<(Task, Span)>,
    ) {
        for n in noted {
            let task = (root, n.tid);
            if n.comm.starts_with(super::INTERNAL) {
                continue;
            }
            match names.iter_mut().find(|(t, _)| *t == task) {
                // 帮手是在线程里面、起名之后调用的：登记的名字是它自己的名字。
                Some((_, name)) => name.clone_from(&n.comm),
                None => names.push((task, n.comm)),
            }
            if !spans.iter().any(|(t, _)| *t == task) {
                let mut span = Span::new(String::new(), Kind::Running, n.at_ns, n.at_ns);
                span.cpu = n.cpu;
                spans.push((task, span));
            }
        }
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
            // 新线程先继承开它的那个线程的名字，进去以后才给自己起名：只在起名之前被采到的
            // 线程，名字和开它的线程（更早出现）一样。名字和进程、和更早的线程重了，就编号。
            let taken = names
                .iter()
                .take_while(|(t, _)| *t != (pid, tid))
                .any(|((p, _), c)| *p == pid && c == comm);
            let own = if tid == pid {
                "主线程".to_owned()
            } else if Some(comm.as_str()) != process_comm && !taken {
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
/// `scale` 是时间比例，坐标轴上的秒 = 实际秒 / `scale`。一格里运行以外的状态取占得最久
/// 的；运行的格子按 CPU 时间分（见 `grid`）：一行运行的格数约是它的 CPU 时间 ÷ 格宽，
/// 同一列里一个 CPU 号只画给一行。
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

    // 行：每个任务第一次出现的时刻（排序在下面，知道每格多宽以后）。
    let mut tasks: Vec<(&str, u64)> = Vec::new();
    for s in spans {
        match tasks.iter_mut().find(|(t, _)| *t == s.task) {
            Some((_, first)) => *first = (*first).min(s.start_ns),
            None => tasks.push((&s.task, s.start_ns)),
        }
    }

    let label_w = tasks
        .iter()
        .map(|(t, _)| display_width(t))
        .max()
        .unwrap_or(0)
        .clamp(4, 24);
    let cells = width.saturating_sub(label_w + 3).max(10);
    let total_ns = (t1 - t0).max(1) as f64;
    let cell_ns = total_ns / cells as f64;
    // 按第一次出现在哪一格排序；同一格里出现的，保持记录里的先后（采样器按线程号的先后记，
    // 也就是线程开出来的先后）：同一毫秒里出生的几个线程，谁的起点估得早一点不算数。
    tasks.sort_by_key(|&(_, first)| ((first - t0) as f64 / cell_ns) as usize);

    for ((task, _), row) in tasks.iter().zip(grid(spans, &tasks, t0, cell_ns, cells)) {
        let row: String = row.into_iter().collect();
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
    out.push_str(LEGEND_SHARE);
    if KERNEL_VIEW {
        out.push_str(LEGEND_SAMPLING);
    }
    out
}

/// 图例的第三、四行：运行的格子怎么分（见 [`grid`]）。
pub const LEGEND_SHARE: &str = concat!(
    "               一行里运行的格数按它用掉的 CPU 时间折算，同一列里一个 CPU 只画给一行\n",
    "               用掉的 CPU 时间一共不满一格的行，只在整行空着时画一格运行\n",
);

/// 图例的最后一行（有内核视角时）：采样看不到什么。
pub const LEGEND_SAMPLING: &str =
    "               约每 1 毫秒采样一次：只活了一两毫秒的线程或进程可能没有一行\n";

/// 一行在一格里的记录：在各个 CPU 上运行了多久、其余各状态各占多久（都以格宽为单位）。
#[derive(Debug, Default, Clone)]
struct Cell {
    running: Vec<(Option<u32>, f64)>,
    /// 等 CPU、睡眠、等待。
    other: [f64; 3],
    /// 落在这一格里的瞬间记录（开始等于结束），比如帮手登记线程的那一刻。
    instant: Option<(Kind, Option<u32>)>,
}

impl Cell {
    fn ran(&self) -> f64 {
        self.running.iter().map(|&(_, t)| t).sum()
    }

    fn ran_on(&self, cpu: Option<u32>) -> f64 {
        self.running
            .iter()
            .filter(|&&(c, _)| c == cpu)
            .map(|&(_, t)| t)
            .sum()
    }

    /// 这一格里它运行得最久的 CPU。
    fn main_cpu(&self) -> Option<Option<u32>> {
        let most = self.running.iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
        Some(most.0)
    }

    fn add_running(&mut self, cpu: Option<u32>, t: f64) {
        match self.running.iter_mut().find(|(c, _)| *c == cpu) {
            Some((_, sum)) => *sum += t,
            None => self.running.push((cpu, t)),
        }
    }

    /// 运行以外占得最久的状态。
    fn other_glyph(&self) -> Option<char> {
        let kinds = [Kind::Ready, Kind::Sleeping, Kind::Waiting];
        let (i, &most) = self
            .other
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))?;
        (most > 0.0).then(|| kinds[i].glyph())
    }
}

fn running_glyph(cpu: Option<u32>) -> char {
    cpu.map_or(Kind::Running.glyph(), cpu_glyph)
}

/// 一个状态的字符；运行时知道 CPU 号就画 CPU 号。
fn glyph_of(kind: Kind, cpu: Option<u32>) -> char {
    match kind {
        Kind::Running => running_glyph(cpu),
        other => other.glyph(),
    }
}

/// 每一行每一格画什么。
///
/// 运行的格子按 CPU 时间分：一行攒下的运行时间（它真正运行的，减去已经画成运行的格数）
/// 够半格，它在这一格里又运行过，就画一格运行。一个 CPU 同一时刻只运行一个线程，所以
/// 同一列里一个 CPU 号只画给一行：给攒得最多的那一行。这样一来，三个线程在一个 CPU 上
/// 轮流运行时，每行运行的格数约是它的 CPU 时间 ÷ 格宽，三行的运行格一列一列地轮换，
/// 而不是谁在每一格里都只占三分之一、于是哪一格都画成"等 CPU"。
/// 其余的格子画占得最久的那个状态。
fn grid(
    spans: &[Span],
    tasks: &[(&str, u64)],
    t0: u64,
    cell_ns: f64,
    cells: usize,
) -> Vec<Vec<char>> {
    let mut table = vec![vec![Cell::default(); cells]; tasks.len()];
    for s in spans {
        let Some(r) = tasks.iter().position(|(t, _)| *t == s.task) else {
            continue;
        };
        let (a, b) = ((s.start_ns - t0) as f64, (s.end_ns - t0) as f64);
        let first = ((a / cell_ns) as usize).min(cells - 1);
        if s.start_ns == s.end_ns {
            table[r][first].instant.get_or_insert((s.kind, s.cpu));
            continue;
        }
        let last = ((b / cell_ns).ceil() as usize).clamp(first + 1, cells);
        for (i, cell) in table[r].iter_mut().enumerate().take(last).skip(first) {
            let (x, y) = (i as f64 * cell_ns, (i + 1) as f64 * cell_ns);
            let overlap = (b.min(y) - a.max(x)) / cell_ns;
            if overlap <= 0.0 {
                continue;
            }
            match s.kind {
                Kind::Running => cell.add_running(s.cpu, overlap),
                Kind::Ready => cell.other[0] += overlap,
                Kind::Sleeping => cell.other[1] += overlap,
                Kind::Waiting => cell.other[2] += overlap,
            }
        }
    }

    let mut out = vec![vec![' '; cells]; tasks.len()];
    let mut owed = vec![0.0f64; tasks.len()];
    // 一共用掉的 CPU 时间不满一格的行（只醒来一眨眼的线程，比如等着别人的主线程）不画运行：
    // 它们用掉的是一格的零头，零头多大要看机器那一刻忙不忙，画不画就会一次一个样。真正干活的
    // 行用掉的是几十上百格，两者差得很远。
    let earns: Vec<bool> = table
        .iter()
        .map(|row| row.iter().map(Cell::ran).sum::<f64>() >= 1.0)
        .collect();
    for i in 0..cells {
        for (r, row) in table.iter().enumerate() {
            let ran = row[i].ran();
            if ran > 0.0 {
                owed[r] += ran;
            } else if owed[r] < 0.5 {
                // 一段运行结束了：不够半格的零头不带到下一段去。
                owed[r] = owed[r].min(0.0);
            }
        }
        let mut cpus: Vec<Option<u32>> = table
            .iter()
            .flat_map(|row| row[i].running.iter().map(|&(c, _)| c))
            .collect();
        cpus.sort_unstable();
        cpus.dedup();
        let mut drawn = vec![false; tasks.len()];
        let mut taken: Vec<Option<u32>> = Vec::new();
        // 每个 CPU 画给攒得最多的那一行。CPU 号不知道的运行（协程的行）不互相排斥：
        // 每行各画各的。
        for cpu in cpus {
            // 这一列里这个 CPU 大半时间在忙，却没有哪一行攒够半格（开头那一列，几个线程刚开始
            // 轮流）：画给在它上面运行得最久、又接着运行下去的那一行，而且它没有多画过。只运行了
            // 一眨眼的行（醒来收尾的主线程、刚开出来就去等的线程）不会因为欠账少而抢到这一格。
            let busy: f64 = table.iter().map(|row| row[i].ran_on(cpu)).sum();
            loop {
                let ran_here = |r: usize| table[r][i].ran_on(cpu);
                // 一行在一格里只画一个 CPU 号：它在这一格里运行得最久的那个（线程刚出生、
                // 绑核之前在别的 CPU 上运行的那一眨眼，不把这一格画成那个 CPU）。
                let candidates = || {
                    (0..tasks.len())
                        .filter(|&r| earns[r] && !drawn[r] && table[r][i].main_cpu() == Some(cpu))
                };
                let winner = candidates()
                    .filter(|&r| owed[r] >= 0.5)
                    .max_by(|&x, &y| {
                        owed[x]
                            .total_cmp(&owed[y])
                            .then(ran_here(x).total_cmp(&ran_here(y)))
                            .then(y.cmp(&x))
                    })
                    .or_else(|| {
                        if cpu.is_none() || busy < 0.5 {
                            return None;
                        }
                        // 只给接着运行到下一格的行：一个线程刚开出来就去等（`sync-async` 的
                        // 任务2）、醒来收个尾，这一下不算数。
                        let goes_on = |r: usize| i + 1 < cells && table[r][i + 1].ran() > 0.0;
                        let most = candidates()
                            .filter(|&r| goes_on(r))
                            .max_by(|&x, &y| ran_here(x).total_cmp(&ran_here(y)).then(y.cmp(&x)))?;
                        (owed[most] >= 0.0).then_some(most)
                    });
                let Some(r) = winner else { break };
                taken.push(cpu);
                out[r][i] = running_glyph(cpu);
                owed[r] -= 1.0;
                drawn[r] = true;
                if cpu.is_some() {
                    break;
                }
            }
        }
        for r in 0..tasks.len() {
            if drawn[r] {
                continue;
            }
            let cell = &table[r][i];
            let shared_cpu = cell
                .running
                .iter()
                .any(|&(cpu, _)| cpu.is_some() && taken.contains(&cpu));
            if let Some(glyph) = cell.other_glyph() {
                out[r][i] = glyph;
            } else if shared_cpu {
                // 它和画出来的那一行在同一个 CPU 上轮流：那一行运行的时候，它在等 CPU。
                out[r][i] = Kind::Ready.glyph();
            } else if let (Some((kind, cpu)), 0.0) = (cell.instant, cell.ran()) {
                out[r][i] = glyph_of(kind, cpu);
            }
        }
    }

    // 每个记下的任务都有一行看得见的格子：只运行了一眨眼、哪一格都没分到的，画在它
    // 待得最久的那一格。
    for (r, row) in out.iter_mut().enumerate() {
        if row.iter().any(|&c| c != ' ') {
            continue;
        }
        let weight = |c: &Cell| c.ran() + c.other.iter().sum::<f64>();
        let best =
            (0..cells).max_by(|&x, &y| weight(&table[r][x]).total_cmp(&weight(&table[r][y])));
        if let Some(i) = best {
            let cell = &table[r][i];
            row[i] = match cell.running.iter().max_by(|a, b| a.1.total_cmp(&b.1)) {
                Some(&(cpu, _)) => running_glyph(cpu),
                None => cell
                    .other_glyph()
                    .or_else(|| cell.instant.map(|(kind, cpu)| glyph_of(kind, cpu)))
                    .unwrap_or(' '),
            };
        }
    }
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
