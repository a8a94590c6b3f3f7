//! 协程课的时间线数据源：每个协程一行（不是例子，复制例子时用不到它）。
//!
//! 协程共用一个线程，内核只看得见这个线程，分不出协程。例子里给每个协程套了一个
//! tracing 的 span（`hello().instrument(info_span!("hello", i))`）；没有订阅者 (subscriber)
//! 时它什么也不做。`--timeline` 时课程的二进制装上这里的 [`Tasks`] 订阅者：
//! - span 被进入 (enter) 到退出 (exit)：协程正被推进 (poll)。这段时间里线程在做什么，
//!   看内核（[`Sampler`] 读到的主线程）：在 `nanosleep` 里就画成睡眠 ▒（阻塞的睡眠挡住
//!   整个线程），等 CPU 画成 `-`，其余画成运行 █；
//! - 两次推进之间：协程挂起 (suspended)。挂起在子 span 里（信号量例子的
//!   `acquire().instrument(…)`）画成等待 ·；其余的挂起，本课的例子里都是
//!   `tokio::time::sleep`，画成睡眠 ▒。第一次被推进之前和结束之后不画。
//!
//! 另外照常画出内核看到的线程（主线程）。

use std::cell::RefCell;
use std::num::NonZeroU64;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use shared::chart::{Kind, Sampler, Span};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// 一个 span 记下的事。
#[derive(Debug)]
struct Info {
    /// 时间线上的名字：span 的名字加字段的值，如 `hello 1`。
    row: String,
    /// 父 span 的下标（创建时正在进入的 span，或显式指定的）。
    parent: Option<usize>,
    created_ns: u64,
    closed_ns: Option<u64>,
    /// 在主线程上的每次推进：(进入, 退出)。
    polls: Vec<(u64, u64)>,
    entered_ns: Option<u64>,
    refs: usize,
}

#[derive(Debug)]
struct State {
    t0: Instant,
    spans: Vec<Info>,
    sampler: Option<Sampler>,
}

impl State {
    fn now(&self) -> u64 {
        self.t0.elapsed().as_nanos() as u64
    }
}

static STATE: Mutex<Option<State>> = Mutex::new(None);

thread_local! {
    /// 本线程正在进入的 span（栈），用来找新 span 的父 span。
    static CURRENT: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

fn state() -> MutexGuard<'static, Option<State>> {
    STATE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// 开始记录：先开内核的采样器（开不了线程就只画协程），再装上订阅者。
pub fn start() {
    let sampler = Sampler::start().ok();
    *state() = Some(State {
        t0: Instant::now(),
        spans: Vec::new(),
        sampler,
    });
    // 已经装过（同一个进程里第二次）也没关系：装的是同一个订阅者。
    let _ = tracing::subscriber::set_global_default(Tasks);
}

/// 停止记录，交出每一段：内核看到的线程，加上每个协程一行。
pub fn finish() -> Vec<Span> {
    let Some(mut st) = state().take() else {
        return Vec::new();
    };
    let end = st.now();
    let kernel = st.sampler.take().map(Sampler::finish).unwrap_or_default();
    let main: Vec<&Span> = kernel.iter().filter(|s| s.task == "主线程").collect();
    let mut out = kernel.clone();
    for (i, task) in st.spans.iter().enumerate() {
        if task.parent.is_some() || task.polls.is_empty() {
            continue;
        }
        let children: Vec<(u64, u64)> = st
            .spans
            .iter()
            .filter(|c| c.parent == Some(i))
            .map(|c| (c.created_ns, c.closed_ns.unwrap_or(end)))
            .collect();
        for (k, &(a, b)) in task.polls.iter().enumerate() {
            poll_pieces(&task.row, a, b, &main, &mut out);
            if let Some(&(next, _)) = task.polls.get(k + 1) {
                gap_pieces(&task.row, b, next, &children, &mut out);
            }
        }
    }
    out
}

/// 一次推进 [a, b]：内核说主线程在睡或在等 CPU 的部分照画，其余是运行。
fn poll_pieces(row: &str, a: u64, b: u64, main: &[&Span], out: &mut Vec<Span>) {
    let mut at = a;
    for s in main {
        if !matches!(s.kind, Kind::Sleeping | Kind::Ready) || s.end_ns <= at || s.start_ns >= b {
            continue;
        }
        let (from, to) = (s.start_ns.max(at), s.end_ns.min(b));
        if from > at {
            out.push(Span::new(row, Kind::Running, at, from));
        }
        out.push(Span::new(row, s.kind, from, to));
        at = to;
    }
    if at < b || a == b {
        out.push(Span::new(row, Kind::Running, at, b));
    }
}

/// 两次推进之间 [a, b]：落在子 span 里的部分是等待，其余是（异步的）睡眠。
fn gap_pieces(row: &str, a: u64, b: u64, children: &[(u64, u64)], out: &mut Vec<Span>) {
    let mut at = a;
    let mut inside: Vec<(u64, u64)> = children
        .iter()
        .map(|&(c0, c1)| (c0.max(a), c1.min(b)))
        .filter(|(c0, c1)| c0 < c1)
        .collect();
    inside.sort_unstable();
    for (c0, c1) in inside {
        if c1 <= at {
            continue;
        }
        if c0 > at {
            out.push(Span::new(row, Kind::Sleeping, at, c0));
        }
        out.push(Span::new(row, Kind::Waiting, c0.max(at), c1));
        at = c1;
    }
    if at < b {
        out.push(Span::new(row, Kind::Sleeping, at, b));
    }
}

/// 把 span 的进入、退出记成时间的订阅者。
#[derive(Debug, Clone, Copy)]
pub struct Tasks;

/// 把字段的值接在名字后面：`hello` + `i=1` → `hello 1`。
struct Name<'a>(&'a mut String);

impl Visit for Name<'_> {
    fn record_debug(&mut self, _field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {value:?}"));
    }
}

fn index(id: &Id) -> usize {
    (id.into_u64() - 1) as usize
}

impl Subscriber for Tasks {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.is_span()
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut row = attrs.metadata().name().to_owned();
        attrs.record(&mut Name(&mut row));
        let parent = match attrs.parent() {
            Some(p) => Some(index(p)),
            None if attrs.is_contextual() => CURRENT.with(|c| c.borrow().last().copied()),
            None => None,
        };
        let mut guard = state();
        let n = match guard.as_mut() {
            Some(st) => {
                let created_ns = st.now();
                st.spans.push(Info {
                    row,
                    parent,
                    created_ns,
                    closed_ns: None,
                    polls: Vec::new(),
                    entered_ns: None,
                    refs: 1,
                });
                st.spans.len()
            }
            // 记录已经结束：给一个不会和记下的 span 混淆的编号。
            None => usize::MAX,
        };
        Id::from_non_zero_u64(NonZeroU64::new(n as u64).unwrap_or(NonZeroU64::MAX))
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, _event: &Event<'_>) {}

    fn enter(&self, span: &Id) {
        CURRENT.with(|c| c.borrow_mut().push(index(span)));
        let on_main = std::thread::current().name() == Some("main");
        if let Some(st) = state().as_mut() {
            let now = st.now();
            if let Some(info) = st.spans.get_mut(index(span)) {
                info.entered_ns = on_main.then_some(now);
            }
        }
    }

    fn exit(&self, span: &Id) {
        CURRENT.with(|c| {
            let mut stack = c.borrow_mut();
            if let Some(at) = stack.iter().rposition(|&i| i == index(span)) {
                stack.remove(at);
            }
        });
        if let Some(st) = state().as_mut() {
            let now = st.now();
            if let Some(info) = st.spans.get_mut(index(span))
                && let Some(entered) = info.entered_ns.take()
            {
                info.polls.push((entered, now));
            }
        }
    }

    fn clone_span(&self, span: &Id) -> Id {
        if let Some(info) = state()
            .as_mut()
            .and_then(|st| st.spans.get_mut(index(span)))
        {
            info.refs += 1;
        }
        span.clone()
    }

    fn try_close(&self, span: Id) -> bool {
        let mut guard = state();
        let Some(st) = guard.as_mut() else {
            return false;
        };
        let now = st.now();
        match st.spans.get_mut(index(&span)) {
            Some(info) => {
                info.refs = info.refs.saturating_sub(1);
                if info.refs == 0 {
                    info.closed_ns = Some(now);
                }
                info.refs == 0
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poll_inside_a_kernel_sleep_is_drawn_as_sleep() {
        let sleep = Span::new("主线程", Kind::Sleeping, 10, 90);
        let mut out = Vec::new();
        poll_pieces("hello 1", 0, 100, &[&sleep], &mut out);
        let kinds: Vec<_> = out.iter().map(|s| (s.kind, s.start_ns, s.end_ns)).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Running, 0, 10),
                (Kind::Sleeping, 10, 90),
                (Kind::Running, 90, 100)
            ]
        );
    }

    #[test]
    fn a_gap_inside_a_child_span_is_waiting() {
        let mut out = Vec::new();
        gap_pieces("hello 3", 0, 100, &[(0, 50)], &mut out);
        let kinds: Vec<_> = out.iter().map(|s| (s.kind, s.start_ns, s.end_ns)).collect();
        assert_eq!(kinds, [(Kind::Waiting, 0, 50), (Kind::Sleeping, 50, 100)]);
    }
}
