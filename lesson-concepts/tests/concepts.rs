//! 运行真实的二进制，读 `--spans` 打印的每一段，检查每个例子的说法。
//!
//! 这些例子都在真算 (CPU-bound)，而这台机器只有 2 个核：同一个测试二进制里的测试一个一个
//! 来（[`CPU`] 锁），检查都是同一次运行里的关系（谁先谁后、是否重叠、在哪个 CPU 上），
//! 留足余量，不看绝对时间。"每件事在哪个 CPU 上、一个 CPU 上从来没有并行"每次都检查；
//! "不同 CPU 上确实同时在运行"和"并行快了多少"要机器有空闲的核才看得到（见 `until_parallel`）。

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

use shared::testing::{Output, lesson, run};
use shared::timeline::{Kind, Span};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-concepts");
const LIMIT: Duration = Duration::from_secs(60);

/// 别的进程占了全机 CPU 的这么多成时，就不检查并行快了多少（见 [`measured`]）。
const BUSY: f64 = 0.25;

/// 机器再忙也必须看到的并行时间。一个线程被换下不到 60 微秒时，`cpu::work` 看不出来，
/// 仍算它在运行，所以零星几十微秒的"重叠"可能是假的；1 毫秒远大于这种误差。
const MIN_PARALLEL: u64 = 1_000_000;

/// 同一时刻只让一个测试在真算。
static CPU: Mutex<()> = Mutex::new(());

fn example(args: &[&str], scale: Option<&str>) -> Output {
    measured(args, scale).0
}

/// 运行例子，并从 `/proc` 量出这段时间里别的进程占了全机 CPU 的几成。
///
/// 别的会话 (session) 把 CPU 占满时，Linux 的 autogroup 按会话分 CPU：不管开几个线程，
/// 这个进程组总共只分到大约一个核，并行的加速根本出现不了，有时两个线程甚至从不同时运行。
fn measured(args: &[&str], scale: Option<&str>) -> (Output, f64) {
    let _one_at_a_time = CPU.lock().unwrap_or_else(|e| e.into_inner());
    let mut cmd = lesson(EXE, args);
    if let Some(scale) = scale {
        cmd.env("LESSON_TIME_SCALE", scale);
    }
    let (machine0, own0) = (jiffies(), own_jiffies());
    let out = run(cmd, LIMIT).success();
    let (machine1, own1) = (jiffies(), own_jiffies());
    let others = (machine1.0 - machine0.0).saturating_sub(own1 - own0);
    let total = (machine1.1 - machine0.1).max(1);
    (out, others as f64 / total as f64)
}

/// 以比例 0.2 运行例子，直到 `check` 通过，最多三次。`check` 用 `assert!` 检查任何时候都
/// 成立的事，把要有空闲 CPU 才看得到的事（两个线程同时运行、快了多少）作为 `Err` 返回。
/// 别的会话把两个 CPU 都占满时（见 [`measured`]），两个线程可能一直没有同时运行过：三次都
/// 这样才放过，只打印一条说明；只要有一次机器有空却没通过，测试就失败。
fn until_parallel(args: &[&str], check: impl Fn(&Output, f64) -> Result<(), String>) {
    let mut busy = Vec::new();
    for _ in 0..3 {
        let (out, others) = measured(args, Some("0.2"));
        match check(&out, others) {
            Ok(()) => return,
            Err(why) if others >= BUSY => busy.push(format!("{why}（别的占了 {others:.2}）")),
            Err(why) => panic!("{why} (others used {others:.2})\n{out}"),
        }
    }
    eprintln!("机器一直很忙，只检查了任何时候都成立的部分：{busy:?}");
}

/// 全机从开机起的 (忙, 总) 时钟滴答 (jiffies)，读自 `/proc/stat` 的第一行。
fn jiffies() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let line = stat.lines().next().unwrap_or_default();
    let f: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let total: u64 = f.iter().take(8).sum();
    let idle = f.get(3).copied().unwrap_or(0) + f.get(4).copied().unwrap_or(0);
    (total - idle, total)
}

/// 本测试进程和它已回收的子进程用掉的滴答：utime、stime、cutime、cstime。
fn own_jiffies() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rfind(')').map_or("", |i| &stat[i + 2..]);
    let f = rest.split_whitespace().skip(11).take(4);
    f.filter_map(|x| x.parse::<u64>().ok()).sum()
}

/// `--spans` 打印的、属于图 `chart` 的所有段。
fn spans(out: &Output, chart: &str) -> Vec<Span> {
    let spans: Vec<Span> = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("span\t"))
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f[0] == chart)
        .map(|f| {
            let kind = match f[2] {
                "Running" => Kind::Running,
                "Sleeping" => Kind::Sleeping,
                "Waiting" => Kind::Waiting,
                other => panic!("unknown kind {other}"),
            };
            let ns = |s: &str| s.parse::<u64>().expect("nanoseconds");
            let span = Span::new(f[1], kind, ns(f[3]), ns(f[4]));
            match f[5].parse() {
                Ok(cpu) => span.on_cpu(cpu),
                Err(_) => span,
            }
        })
        .collect();
    assert!(!spans.is_empty(), "no spans for {chart}\n{out}");
    spans
}

fn running<'a>(spans: &'a [Span], task: &'a str) -> impl Iterator<Item = &'a Span> + Clone + 'a {
    spans
        .iter()
        .filter(move |s| s.kind == Kind::Running && s.task == task)
}

fn first_start(spans: &[Span], task: &str) -> u64 {
    running(spans, task).map(|s| s.start_ns).min().expect(task)
}

fn last_end(spans: &[Span], task: &str) -> u64 {
    running(spans, task).map(|s| s.end_ns).max().expect(task)
}

fn busy(spans: &[Span], task: &str) -> u64 {
    running(spans, task).map(|s| s.end_ns - s.start_ns).sum()
}

fn cpus<'a>(spans: impl IntoIterator<Item = &'a Span>) -> BTreeSet<u32> {
    spans
        .into_iter()
        .filter(|s| s.kind == Kind::Running)
        .map(|s| s.cpu.expect("running spans know their CPU on Linux"))
        .collect()
}

/// 两组段同时进行的纳秒数。
fn overlap<'a>(
    a: impl Iterator<Item = &'a Span>,
    b: impl Iterator<Item = &'a Span> + Clone,
) -> u64 {
    a.flat_map(|x| {
        b.clone().map(move |y| {
            y.end_ns
                .min(x.end_ns)
                .saturating_sub(y.start_ns.max(x.start_ns))
        })
    })
    .sum()
}

/// 不同任务的运行段两两重叠的总时间：真正同时在运行（并行）的时间。
fn parallel(spans: &[Span], tasks: &[&str]) -> u64 {
    let mut ns = 0;
    for (i, a) in tasks.iter().enumerate() {
        for b in &tasks[i + 1..] {
            ns += overlap(running(spans, a), running(spans, b));
        }
    }
    ns
}

/// 按时间先后看运行段，CPU 从一件事换到另一件事的次数。
fn switches(spans: &[Span]) -> usize {
    let mut runs: Vec<&Span> = spans.iter().filter(|s| s.kind == Kind::Running).collect();
    runs.sort_by_key(|s| s.start_ns);
    runs.windows(2).filter(|w| w[0].task != w[1].task).count()
}

fn extent(spans: &[Span]) -> u64 {
    let start = spans.iter().map(|s| s.start_ns).min().expect("spans");
    spans.iter().map(|s| s.end_ns).max().expect("spans") - start
}

const FEAST: [&str; 3] = ["喝酒", "抽烟", "吃烤鸭"];

#[test]
fn one_core_one_task_finishes_each_task_before_the_next() {
    let out = example(&["one-core-one-task", "--spans"], None);
    let lines = out.lines();
    assert!(lines[0].starts_with("单核单任务：一个人（CPU "), "{out}");
    assert!(
        lines[0].ends_with("），喝完酒，然后抽完烟，最后吃完烤鸭。"),
        "{out}"
    );
    for (i, done) in ["喝完酒", "抽完烟", "吃完烤鸭"].iter().enumerate() {
        let line = lines[i + 1];
        assert!(
            line.starts_with(&format!("{done}：5 口，用时 ")) && line.ends_with("秒."),
            "{out}"
        );
    }
    assert!(lines[4].starts_with("总耗时: "), "{out}");

    let spans = spans(&out, "单核单任务");
    for pair in FEAST.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        assert!(
            last_end(&spans, before) <= first_start(&spans, after),
            "{after} started before {before} ended\n{out}"
        );
    }
    assert_eq!(cpus(&spans).len(), 1, "one person, one CPU\n{out}");
}

#[test]
fn one_core_many_tasks_interleave_on_one_cpu() {
    let out = example(&["one-core-many-tasks", "--spans"], None);
    assert!(
        out.lines()[0].ends_with("喝一口酒，抽一口烟，吃一口烤鸭，轮换进行。"),
        "{out}"
    );
    let spans = spans(&out, "单核多任务");

    let used = cpus(&spans);
    assert_eq!(used.len(), 1, "all three pinned to one CPU\n{out}");
    let cpu = used.first().expect("one CPU");
    assert!(
        out.stdout.contains(&format!("三件事都在 CPU {cpu} 上")),
        "{out}"
    );

    // 交错：每两件事的运行区间互相包含对方的一部分，而且 CPU 来回换了好几次。
    for (i, a) in FEAST.iter().enumerate() {
        for b in &FEAST[i + 1..] {
            assert!(
                first_start(&spans, a) < last_end(&spans, b),
                "{a}/{b}\n{out}"
            );
            assert!(
                first_start(&spans, b) < last_end(&spans, a),
                "{a}/{b}\n{out}"
            );
        }
    }
    let switches = switches(&spans);
    assert!(switches >= 6, "only {switches} switches\n{out}");

    // 一个 CPU 同一时刻只能运行一个线程：没有并行，总耗时不少于计算时间之和。
    let work: u64 = FEAST.iter().map(|t| busy(&spans, t)).sum();
    let both = parallel(&spans, &FEAST);
    assert!(
        both * 50 <= work,
        "parallel {both} ns of {work} ns on one CPU\n{out}"
    );
    assert!(
        extent(&spans) * 100 >= work * 98,
        "wall < sum of work on one CPU\n{out}"
    );
}

#[test]
fn many_cores_many_tasks_run_at_the_same_time_on_different_cpus() {
    until_parallel(&["many-cores-many-tasks", "--spans"], |out, others| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            assert!(out.stdout.contains("看不到多核多任务"), "{out}");
            return Ok(());
        }
        let people = cores.min(3);
        assert!(
            out.lines()[0].starts_with(&format!("多核多任务：{people} 个人")),
            "{out}"
        );
        let spans = spans(out, "多核多任务");
        let tasks = &FEAST[..people];

        let mut seen = BTreeSet::new();
        for task in tasks {
            let mine = cpus(running(&spans, task));
            assert_eq!(mine.len(), 1, "{task} stays on its own CPU\n{out}");
            assert!(
                seen.insert(*mine.first().expect("one")),
                "{task} shares a CPU\n{out}"
            );
        }
        // 真正同时运行：不同 CPU 上的运行段有重叠（一个 CPU 上它是 0，见上一个测试）。
        // 机器闲着时重叠占大半；别的会话占着 CPU 时只要求确实重叠过。
        let least = tasks.iter().map(|t| busy(&spans, t)).min().expect("tasks");
        let both = parallel(&spans, tasks);
        let want = if others < BUSY {
            least / 4
        } else {
            MIN_PARALLEL
        };
        if both < want {
            return Err(format!("only {both} ns in parallel, least work {least} ns"));
        }
        Ok(())
    });
}

#[test]
fn sync_waits_for_task1_and_async_does_not() {
    let out = example(&["sync-async", "--spans"], None);
    let sync = spans(&out, "同步");
    assert!(
        first_start(&sync, "任务2") >= last_end(&sync, "任务1"),
        "{out}"
    );
    assert!(
        sync.iter()
            .any(|s| s.task == "任务2" && s.kind == Kind::Waiting),
        "{out}"
    );

    let not_sync = spans(&out, "异步");
    assert!(
        first_start(&not_sync, "任务2") < last_end(&not_sync, "任务1"),
        "{out}"
    );

    let lines = out.lines();
    let after = lines
        .iter()
        .position(|l| l.starts_with("任务2 在任务1 结束后 "));
    let before = lines
        .iter()
        .position(|l| l.starts_with("任务2 在任务1 结束前 "));
    assert!(
        matches!((after, before), (Some(a), Some(b)) if a < b),
        "{out}"
    );
    assert!(
        lines.contains(&"任务2 拿到了任务1 的结果，开始执行."),
        "{out}"
    );
}

#[test]
fn blocking_wastes_the_gap_and_nonblocking_fills_it() {
    let out = example(&["blocking", "--spans"], None);
    let io = |spans: &[Span]| {
        spans
            .iter()
            .find(|s| s.task == "读数据 (I/O)")
            .cloned()
            .expect("the I/O span")
    };

    let blocked = spans(&out, "阻塞");
    let gap = io(&blocked);
    assert_eq!(
        overlap(running(&blocked, "任务2"), [&gap].into_iter()),
        0,
        "{out}"
    );
    assert!(
        first_start(&blocked, "任务2") >= last_end(&blocked, "任务1"),
        "{out}"
    );

    let free = spans(&out, "非阻塞");
    let gap = io(&free);
    let in_gap = running(&free, "任务2")
        .filter(|s| s.start_ns >= gap.start_ns && s.start_ns < gap.end_ns)
        .count();
    assert!(in_gap >= 1, "task 2 never ran in the gap\n{out}");
    assert!(
        overlap(running(&free, "任务2"), [&gap].into_iter()) > 0,
        "{out}"
    );
    assert!(
        first_start(&free, "任务2") < last_end(&free, "任务1"),
        "{out}"
    );

    assert!(
        out.stdout
            .contains("任务1 等数据的间隙里，任务2 做了 0 口."),
        "{out}"
    );
    assert!(out.stdout.contains("任务2 在任务1 结束前 "), "{out}");
}

#[test]
fn phone_114_game_overlaps_the_wait_only_when_nonblocking() {
    let out = example(&["phone-114", "--spans"], None);
    for (n, case, nonblocking) in [
        (1, "同步阻塞", false),
        (2, "同步非阻塞", true),
        (3, "异步阻塞", false),
        (4, "异步非阻塞", true),
    ] {
        assert!(
            out.stdout
                .contains(&format!("{n}. {case}：打 114 查路线，")),
            "{out}"
        );
        let spans = spans(&out, case);
        let lookup: Vec<&Span> = spans.iter().filter(|s| s.task == "客服查路线").collect();
        assert_eq!(lookup.len(), 1, "{case}\n{out}");
        let played = overlap(running(&spans, "你打游戏"), lookup.iter().copied());
        if nonblocking {
            assert!(played > 0, "{case}: no game during the lookup\n{out}");
            assert!(
                first_start(&spans, "你打游戏") < lookup[0].end_ns,
                "{case}\n{out}"
            );
        } else {
            assert_eq!(played, 0, "{case}: played while blocked\n{out}");
            assert!(
                first_start(&spans, "你打游戏") >= lookup[0].end_ns,
                "{case}\n{out}"
            );
        }
    }
    assert!(out.stdout.contains("客服：路线查好了"), "{out}");
    assert!(
        out.stdout.contains("（回调在客服的线程上运行）客服回电："),
        "{out}"
    );
}

#[test]
fn parallel_run_is_clearly_faster_than_the_concurrent_one() {
    until_parallel(&["concurrency-parallelism", "--spans"], |out, others| {
        let one = spans(out, "并发");
        assert_eq!(cpus(&one).len(), 1, "{out}");
        let work_one: u64 = FEAST.iter().map(|t| busy(&one, t)).sum();
        assert!(
            parallel(&one, &FEAST) * 50 <= work_one,
            "parallel on one CPU?\n{out}"
        );
        // 并发：一个 CPU 上三件事轮换（切换了好几次），总耗时不少于三件的计算时间之和。
        assert!(switches(&one) >= 6, "no interleaving on one CPU\n{out}");
        assert!(
            extent(&one) * 100 >= work_one * 98,
            "wall < sum on one CPU\n{out}"
        );
        let ratio = "加速比 (speed-up)：并发总耗时 ÷ 并行总耗时 = ";

        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            assert!(out.stdout.contains("看不到并行"), "{out}");
            return Ok(());
        }
        assert!(out.stdout.contains(ratio), "{out}");
        let all = spans(out, "并行");
        assert!(cpus(&all).len() >= 2, "{out}");
        let both = parallel(&all, &FEAST);
        if both < MIN_PARALLEL {
            return Err(format!("only {both} ns two at once"));
        }
        // 同样的计算在并行时用掉的 CPU 时间明显变多，说明两个 CPU 并不是两个完整的核
        // （虚拟机的宿主很忙，或者两个 CPU 是同一个核的超线程 (SMT)），这时也看不到加速。
        let work_all: u64 = FEAST.iter().map(|t| busy(&all, t)).sum();
        let slowed = work_all as f64 / work_one.max(1) as f64;
        if others >= BUSY || slowed >= 1.3 {
            eprintln!(
                "并行时同样的计算用了 {slowed:.2} 倍的 CPU 时间、别的占了 {others:.2}：不检查快了多少"
            );
        } else if both * 10 < work_all {
            return Err(format!("hardly parallel: {both} of {work_all} ns"));
        } else if extent(&all) * 100 > extent(&one) * 85 {
            return Err(format!(
                "all CPUs not clearly faster than one (slowed {slowed:.2})"
            ));
        }
        Ok(())
    });
}

#[test]
fn tasks_vs_cores_prints_one_row_per_thread_count() {
    let out = example(&["tasks-vs-cores", "--work", "0.2", "--repeat", "1"], None);
    let header = out.lines()[0];
    let cores: usize = header
        .split("本进程可用 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("core count in {header}"));
    let rows: Vec<(usize, f64)> = out
        .lines()
        .iter()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let threads = f.next()?.parse().ok()?;
            let _wall = f.next()?.strip_suffix("秒")?.parse::<f64>().ok()?;
            let speedup = f.next()?.strip_suffix('×')?.parse().ok()?;
            Some((threads, speedup))
        })
        .collect();
    let threads: Vec<usize> = rows.iter().map(|r| r.0).collect();
    assert_eq!(threads, (1..=2 * cores).collect::<Vec<_>>(), "{out}");
    assert_eq!(rows[0].1, 1.0, "{out}");
    assert!(rows.iter().all(|r| r.1 > 0.0), "{out}");
    assert!(out.lines().iter().any(|l| l.starts_with("结论：")), "{out}");
}

#[test]
fn bad_options_are_one_line_usage_errors() {
    for args in [
        &["tasks-vs-cores", "--work", "-1"][..],
        &["tasks-vs-cores", "--work", "abc"],
        &["tasks-vs-cores", "--max-threads", "0"],
        &["one-core-one-task", "--nope"],
    ] {
        let out = run(lesson(EXE, args), LIMIT);
        assert_eq!(out.status.code(), Some(2), "{args:?}\n{out}");
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}\n{out}");
        assert!(!out.stderr.contains("panicked"), "{out}");
    }
}

#[test]
fn all_runs_every_example_in_order() {
    let out = example(&["all"], None);
    let mut at = 0;
    for e in lesson_concepts::EXAMPLES {
        let heading = format!("=== {} · {} ===", e.heading, e.name);
        let here = out.stdout[at..]
            .find(&heading)
            .unwrap_or_else(|| panic!("{heading}\n{out}"));
        at += here + heading.len();
    }
}
