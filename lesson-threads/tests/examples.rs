//! 每个例子一个测试：用小时间比例运行真实的二进制，检查文档里的那几行和例子的论断。

use std::collections::BTreeSet;
use std::io::Read;
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use shared_testing::{self as testing, Output, all_secs, lesson};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-threads");
/// 测试里"文档的 1 秒"有多长（shared_testing::TEST_SCALE）。
const SEC: f64 = 0.05;

fn run(args: &[&str]) -> Output {
    testing::run(lesson(EXE, args), Duration::from_secs(30))
}

fn run_ok(args: &[&str]) -> Output {
    run(args).success()
}

/// 下载的例子用 0.1：最短的下载 0.3 秒，启动三个线程的停顿在很忙的机器上也远小于它。
fn run_downloads(args: &[&str]) -> Output {
    let mut cmd = lesson(EXE, args);
    cmd.env("LESSON_TIME_SCALE", "0.1");
    testing::run(cmd, Duration::from_secs(30)).success()
}

#[test]
fn active_count_is_one_os_thread() {
    assert_eq!(run_ok(&["active-count"]).lines(), ["线程数量: 1"]);
}

#[test]
fn spawn_counts_one_then_two() {
    assert_eq!(
        run_ok(&["spawn"]).lines(),
        ["线程数量: 1", "启动线程", "线程数量: 2", "结束线程"]
    );
}

#[test]
fn args_are_printed_inside_the_thread() {
    assert_eq!(
        run_ok(&["args"]).lines(),
        [
            "启动子线程",
            r#"传递的参数为(1, "2", {"c": 3})"#,
            "结束子线程"
        ]
    );
}

/// 文档的两段输出，一行不差；子线程在两行之间睡文档的 1 秒（这里 0.2 秒）。
/// 同时跑五次：顺序要是靠运气（比如去掉"已经开始"的信号），五次里总有几次会乱。
#[test]
fn join_order_holds_by_construction_in_both_halves() {
    let runs: Vec<_> = (0..5)
        .map(|_| {
            thread::spawn(|| {
                let mut cmd = lesson(EXE, &["join"]);
                cmd.env("LESSON_TIME_SCALE", "0.2");
                testing::run(cmd, Duration::from_secs(30)).success()
            })
        })
        .collect();
    for run in runs {
        let out = run.join().expect("the run");
        assert_eq!(
            out.lines(),
            [
                "无阻塞输出：",
                "主线程开始",
                "子线程开始",
                "主线程结束",
                "子线程结束",
                "有阻塞输出：",
                "主线程开始",
                "子线程开始",
                "子线程结束",
                "主线程结束",
            ],
            "{out}"
        );
    }
}

#[test]
fn a_panicking_thread_does_not_take_the_process_with_it() {
    let out = run_ok(&["thread-panic"]);
    assert_eq!(
        out.lines(),
        [
            "主线程：启动两个子线程，bad 会 panic",
            "（panic hook）线程 bad panic 了：模拟一个 bug",
            r#"主线程：bad.join() 返回 Err，内容是 "模拟一个 bug""#,
            "主线程：good.join() 返回 Ok(5050)",
            "主线程还在运行：一个线程 panic 了，进程没有跟着死掉.",
        ],
        "{out}"
    );
    // 自己的钩子代替了默认的 `thread 'bad' panicked at …`：标准错误上什么都没有。
    assert_eq!(out.stderr, "", "{out}");
}

/// 文档的那句话对崩溃成立：一个线程 abort，整个进程被 SIGABRT 结束，主线程的最后一行没有出现。
#[test]
fn an_aborting_thread_takes_the_whole_process() {
    let out = run(&["thread-panic", "--crash"]);
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(6), "SIGABRT\n{out}");
    }
    assert!(!out.status.success(), "{out}");
    let lines = out.lines();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "主线程：再启动 crash 线程，它会 abort",
            "（crash 线程）调用 std::process::abort()：整个进程就此结束",
        ],
        "{out}"
    );
    assert!(!out.stdout.contains("主线程还在运行"), "{out}");
}

/// 三个下载：文档的每一行都在，三个都先开始，总耗时 ≥ 最长的一个、远小于总和。
fn check_downloads(out: &Output) -> Vec<&str> {
    let lines = out.lines();
    let starts: BTreeSet<_> = lines[..3].iter().copied().collect();
    let expected: BTreeSet<_> = shared::download::FILENAMES
        .iter()
        .map(|f| format!("开始下载 {f}."))
        .collect();
    assert_eq!(
        starts,
        expected.iter().map(String::as_str).collect(),
        "{out}"
    );
    for i in [3, 5, 7] {
        assert!(lines[i].ends_with(" 下载完成."), "{out}");
        assert!(lines[i + 1].starts_with("下载耗时: "), "{out}");
    }
    let took = all_secs(&out.stdout, "下载耗时: ");
    let total = all_secs(&out.stdout, "总耗时: ");
    assert_eq!((took.len(), total.len()), (3, 1), "{out}");
    assert!(lines[9].starts_with("总耗时: ") && lines[9].ends_with("秒."));
    let longest = took.iter().copied().fold(0.0, f64::max);
    let sum: f64 = took.iter().sum();
    // 每个下载 3..=6 秒，所以总和至少是最长的两倍；并发时总耗时贴近最长的那个。
    assert!(
        total[0] >= longest,
        "total {total:?} < longest {longest}\n{out}"
    );
    assert!(
        total[0] < (longest + sum) / 2.0,
        "not concurrent: {total:?} vs {took:?}\n{out}"
    );
    lines[10..].to_vec()
}

/// 时间线的各行：(行名, 每一列的字符)，如 `线程 1 │▒▒▒ │` → ("线程 1", ['▒', '▒', '▒', ' '])。
/// 行名是内核里的线程：主线程、`Builder::name` 起的名字、其余按出现先后叫 线程 1、线程 2……
/// 只有 Linux 的内核给得出这张图；别的系统上断言图的位置上是那一行说明，返回 `None`。
fn timeline(out: &Output) -> Option<Vec<(String, Vec<char>)>> {
    if !shared::chart::KERNEL_VIEW {
        let line = shared::chart::NO_KERNEL_VIEW.trim_end();
        assert!(out.lines().contains(&line), "{line}\n{out}");
        return None;
    }
    let lines = out.lines();
    let at = lines
        .iter()
        .position(|l| l.starts_with("时间线 (timeline)"))
        .unwrap_or_else(|| panic!("no timeline\n{out}"));
    lines[at + 1..]
        .iter()
        .take_while(|l| l.contains('│'))
        .filter_map(|l| {
            let (name, rest) = l.split_once('│')?;
            let cells = rest.strip_suffix('│')?;
            Some((name.trim_end().to_owned(), cells.chars().collect()))
        })
        .collect::<Vec<_>>()
        .into()
}

/// 名叫 `name` 的那一行的各列。
fn row<'a>(rows: &'a [(String, Vec<char>)], name: &str, out: &Output) -> &'a [char] {
    rows.iter()
        .find(|(n, _)| n == name)
        .map(|(_, cells)| cells.as_slice())
        .unwrap_or_else(|| panic!("no row {name}\n{out}"))
}

/// 文档的几行之后、补充的几行之前的分隔。
const SEPARATOR: [&str; 2] = ["", "—— 补充 (extra) ——"];

#[test]
fn downloads_take_about_as_long_as_the_longest() {
    let out = run_downloads(&["downloads"]);
    assert!(check_downloads(&out).is_empty(), "{out}");
}

#[test]
fn downloads_timeline_shows_three_threads_sleeping_at_once() {
    let out = run_downloads(&["downloads", "--timeline"]);
    let rest = check_downloads(&out);
    assert_eq!(rest[0], "", "{out}");
    let Some(rows) = timeline(&out) else {
        return;
    };
    let names: Vec<_> = rows.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["主线程", "线程 1", "线程 2", "线程 3"], "{out}");
    // 内核看到三个下载线程在同一时刻都在睡眠 (nanosleep)：至少有一列三行都是 ▒。
    let cols = rows[1].1.len();
    let together = (0..cols)
        .filter(|&c| {
            rows[1..]
                .iter()
                .all(|(_, cells)| cells.get(c) == Some(&'▒'))
        })
        .count();
    assert!(together > cols / 4, "{together} of {cols} columns\n{out}");
    // 主线程在 join 里等着（· 等待），不是睡眠。
    assert!(row(&rows, "主线程", &out).contains(&'·'), "{out}");
}

/// `lock` 的输出：加锁的计数器是 0；不加锁的要么丢了更新（不是 0，补充行说试到第几次），
/// 要么试满 20 次都是 0，补充行说出原因。两条路都按它们自己的说法检查。
fn check_lock(out: &Output) {
    let lines = out.lines();
    assert_eq!(lines.len(), 5, "{out}");
    let unlocked: i64 = lines[0]
        .parse()
        .unwrap_or_else(|_| panic!("a number\n{out}"));
    assert_eq!(lines[1], "0", "the locked counter must end at 0\n{out}");
    assert_eq!(lines[2..4], SEPARATOR, "{out}");
    let lost = lines[4]
        .strip_prefix("不加锁的两个线程试到第 ")
        .and_then(|r| r.strip_suffix(" 次就丢失了更新（最多试 20 次）."))
        .and_then(|n| n.parse::<u32>().ok());
    match lost {
        Some(tries) => {
            assert_ne!(unlocked, 0, "{out}");
            assert!((1..=20).contains(&tries), "{out}");
        }
        None => {
            assert_eq!(unlocked, 0, "{out}");
            assert!(
                lines[4].starts_with(
                    "不加锁的两个线程试了 20 次结果都是 0：丢失的更新每次都正好抵消了"
                ),
                "{out}"
            );
        }
    }
}

#[test]
fn lock_keeps_the_locked_counter_at_zero_and_loses_unlocked_updates() {
    // 两个线程同时跑，每次运行都丢失更新；五次里一次也不许走"都是 0"那条路。
    for _ in 0..5 {
        let out = run_ok(&["lock"]);
        check_lock(&out);
        assert_ne!(out.lines()[0], "0", "no update was lost\n{out}");
    }
}

/// 只给一个 CPU（`taskset -c 0`）：线程切换只能靠操作系统，例子在读和写之间让出 CPU，
/// 所以一个核上也每次都丢失更新，而且几乎总是第 1 次就丢。以前不让出 CPU 时，debug 构建
/// 一次约有一半是 0（release 几乎总是 0），13 次运行里有 2 次 20 次都是 0。
/// 例子自己会重试，所以这里还数"第 1 次就丢"的有几次：让出 CPU 时 10 次里至少 8 次
/// （旁边有别的程序抢这个核时，偶尔一次碰巧抵消成 0），不让出时平均只有一半。
#[cfg(target_os = "linux")]
#[test]
fn lock_loses_updates_on_one_cpu_too() {
    let mut first_try = 0;
    for _ in 0..10 {
        let out = testing::run(
            lesson("taskset", &["-c", "0", EXE, "lock"]),
            Duration::from_secs(30),
        )
        .success();
        check_lock(&out);
        assert_ne!(out.lines()[0], "0", "no update was lost on one CPU\n{out}");
        if out.lines()[4].contains("试到第 1 次") {
            first_try += 1;
        }
    }
    assert!(
        first_try >= 8,
        "lost on the first try in only {first_try} of 10 runs"
    );
}

/// `deadlock` 的整段输出：死锁被看出来，修正后做完，最后一行 `注：` 说两个线程还卡着。
const DEADLOCK_LINES: [&str; 5] = [
    "t1 先拿 a 再拿 b，t2 先拿 b 再拿 a；拿到第一把后在屏障上碰头.",
    "死锁 (deadlock)：两个线程各拿着一把锁，又等了 1 秒，谁也没拿到第二把.",
    "修正：两个线程都先拿 a 再拿 b.",
    "两个线程都拿到了两把锁，做完了.",
    "注：还有 2 个线程卡在 lock() 里，std 的 Mutex 没法取消等待。\
     main 一返回，进程退出，它们随之结束；Python 的程序会一直等着它们，挂在这里。",
];

/// 每次都死锁（屏障保证两个线程各拿着一把锁），例子等 1 秒看出来，自己结束；
/// 按同一顺序拿锁的那一段做完。同时跑三次：死锁要是靠运气，总有一次没锁上。
#[test]
fn deadlock_happens_every_run_and_the_fix_finishes() {
    let runs: Vec<_> = (0..3)
        .map(|_| thread::spawn(|| run_ok(&["deadlock"])))
        .collect();
    for run in runs {
        let out = run.join().expect("the run");
        assert_eq!(out.lines(), DEADLOCK_LINES, "{out}");
        // 等了文档的 1 秒才下结论。
        assert!(out.wall.as_secs_f64() >= SEC, "{:?}\n{out}", out.wall);
    }
}

/// 内核眼里，卡住的两个线程一直在等待 (·)，直到进程结束。主线程等的文档 1 秒在这里是
/// 0.2 秒，比机器忙时线程启动的耽搁长得多：后一半时间里它们只在等。
#[test]
fn deadlock_timeline_shows_both_threads_waiting_to_the_end() {
    let mut cmd = lesson(EXE, &["deadlock", "--timeline"]);
    cmd.env("LESSON_TIME_SCALE", "0.2");
    let out = testing::run(cmd, Duration::from_secs(30)).success();
    assert_eq!(out.lines()[..5], DEADLOCK_LINES, "{out}");
    let Some(rows) = timeline(&out) else {
        return; // 时间线只在 Linux 上画（别的系统上例子说一行，见 timeline()）
    };
    for name in ["死锁 t1", "死锁 t2"] {
        let cells = row(&rows, name, &out);
        let second_half = &cells[cells.len() / 2..];
        assert!(second_half.iter().all(|&c| c == '·'), "{name}\n{out}");
    }
}

/// 一个正在运行的例子；测试中途失败时 `Drop` 杀掉它，不留下进程。
struct Running {
    child: Child,
    started: Instant,
    /// 标准输出的每一块和它到达的时刻。
    chunks: Receiver<(Instant, String)>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// 启动例子，在后台读标准输出，把每块数据和它到达的时刻发回来。
fn start(args: &[&str]) -> Running {
    start_scaled(args, SEC)
}

/// 同 [`start`]，但"文档的 1 秒"是 `scale` 秒。
fn start_scaled(args: &[&str], scale: f64) -> Running {
    let started = Instant::now();
    let mut child = lesson(EXE, args)
        .env("LESSON_TIME_SCALE", scale.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the lesson");
    let mut stdout = child.stdout.take().expect("piped");
    let (tx, chunks) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = [0; 4096];
        while let Ok(n @ 1..) = stdout.read(&mut buf) {
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            if tx.send((Instant::now(), text)).is_err() {
                break;
            }
        }
    });
    Running {
        child,
        started,
        chunks,
    }
}

/// 收集到目前为止的输出，最多等 `limit`，直到 `done(输出)` 成立。
fn collect_until(
    rx: &Receiver<(Instant, String)>,
    text: &mut String,
    limit: Duration,
    done: impl Fn(&str) -> bool,
) {
    let deadline = Instant::now() + limit;
    while !done(text) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((_, chunk)) => text.push_str(&chunk),
            Err(_) => break,
        }
    }
}

#[test]
fn non_daemon_keeps_printing_until_killed() {
    let mut running = start(&["non-daemon"]);
    let mut text = String::new();
    let limit = Duration::from_secs(10);
    let both = |t: &str| t.contains("Ping") && t.contains("Pong");
    collect_until(&running.chunks, &mut text, limit, both);
    assert!(both(&text), "{text}");
    // 再等文档里的 4 秒：还在运行，还在打印。
    let seen = text.len();
    thread::sleep(Duration::from_secs_f64(4.0 * SEC));
    collect_until(&running.chunks, &mut text, limit, |t| t.len() > seen + 8);
    assert!(text.len() > seen + 8, "stopped printing: {text}");
    let status = running.child.try_wait().expect("try_wait");
    assert!(status.is_none(), "it ended by itself: {status:?}");
    assert!(text.chars().all(|c| "PingPo".contains(c)), "{text}");

    let pid = running.child.id();
    drop(running); // 杀掉并回收
    // 看一个进程还在不在，测试帮手只会在 Linux 和 Windows 上看。
    #[cfg(any(target_os = "linux", windows))]
    assert!(!testing::alive(pid), "{pid}");
    #[cfg(not(any(target_os = "linux", windows)))]
    let _ = pid;
}

#[test]
fn daemon_ends_by_itself_after_five_seconds() {
    let out = run_ok(&["daemon"]);
    assert!(out.wall.as_secs_f64() >= 5.0 * SEC, "{:?}", out.wall);
    let line = out.stdout.trim_end();
    // 两个线程一直在打印，直到进程结束：每 0.1 秒最多一次，5 秒约 50 次（机器忙时更少）。
    // 上限用线程自己当钟：主线程要是睡得比 5 秒久很多（比如 10 秒），就会超过 75 次。
    for word in ["Ping", "Pong"] {
        let n = line.matches(word).count();
        assert!((10..=75).contains(&n), "{n} × {word}\n{out}");
    }
    assert_eq!(line.replace("Ping", "").replace("Pong", ""), "", "{out}");
}

#[test]
fn daemon_timeline_has_both_threads_and_main() {
    let out = run_ok(&["daemon", "--timeline"]);
    let Some(rows) = timeline(&out) else {
        return;
    };
    let names: Vec<_> = rows.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["主线程", "Ping", "Pong"], "{out}");
    // 主线程一直在睡那 5 秒；Ping、Pong 在每次打印之间睡 0.1 秒，一直活到进程结束。
    let main = row(&rows, "主线程", &out);
    let sleeping = main.iter().filter(|&&c| c == '▒').count();
    assert!(sleeping * 2 > main.len(), "{out}");
    for name in ["Ping", "Pong"] {
        let cells = row(&rows, name, &out);
        assert!(cells.contains(&'▒'), "{name}\n{out}");
        let last = cells.iter().rposition(|&c| c != ' ').unwrap_or(0);
        assert!(last * 10 >= cells.len() * 9, "{name} ended early\n{out}");
    }
}

/// 文档的整段输出：1、2、3，三个通过，再 1、2；然后分隔和一行 `注：`。
const BARRIER_LINES: [&str; 8] = [
    "当前活动的子线程数量: 1",
    "当前活动的子线程数量: 2",
    "当前活动的子线程数量: 3",
    "子线程数量达到3",
    "子线程数量达到3",
    "子线程数量达到3",
    "当前活动的子线程数量: 1",
    "当前活动的子线程数量: 2",
];
const BARRIER_NOTE: &str = "注：还有 2 个子线程停在 bar.wait()，永远凑不齐 3 个。\
    Python 的程序会一直挂在这里；Rust 的 main 一返回，进程就退出，它们随之结束。";

#[test]
fn barrier_lets_exactly_three_through_and_ends() {
    let out = run_ok(&["barrier"]);
    let lines = out.lines();
    assert_eq!(lines[..8], BARRIER_LINES, "{out}");
    assert_eq!(lines[8..10], SEPARATOR, "{out}");
    assert_eq!(lines[10..], [BARRIER_NOTE], "{out}");
}

#[test]
fn barrier_timeline_has_a_row_for_every_thread_every_run() {
    // 十次里每次五个线程都有一行。Thread-3 一到就凑齐，马上通过、退出，常常活不到一次
    // 采样（约 1 毫秒）：它调用了 `shared::threads::count()`，这个帮手把它登记给采样器，
    // 所以它有一格、名字也对。Thread-5 在屏障上等到进程退出，主线程最后那 0.1 秒里它在
    // 等；采样器停下之前的最后一轮还看得见它。
    // 用学习者默认的时间比例 1，线程之间隔 0.1 秒。比例 0.1 时只隔 10 毫秒：旁边有两个转圈
    // 的循环时，采样线程排队等 CPU，可能整个错过 Thread-2 在屏障上等的那 10 毫秒（见过
    // 一次：它那一行只剩登记的一格）。
    for run in 0..10 {
        let mut cmd = lesson(EXE, &["barrier", "--timeline"]);
        cmd.env("LESSON_TIME_SCALE", "1");
        let out = testing::run(cmd, Duration::from_secs(30)).success();
        let lines = out.lines();
        assert_eq!(lines[..8], BARRIER_LINES, "{out}");
        assert_eq!(
            lines[8..11],
            [SEPARATOR[0], SEPARATOR[1], BARRIER_NOTE],
            "{out}"
        );
        let Some(rows) = timeline(&out) else {
            return;
        };
        let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "主线程",
                "Thread-1",
                "Thread-2",
                "Thread-3",
                "Thread-4",
                "Thread-5"
            ],
            "run {run}\n{out}"
        );
        for (name, cells) in &rows {
            assert!(cells.iter().any(|&c| c != ' '), "{name}\n{out}");
        }
        // 等在屏障上的线程（1、2 等第三个；4、5 永远等着）是内核眼里的"等待"。
        for name in ["Thread-1", "Thread-2", "Thread-4", "Thread-5"] {
            assert!(row(&rows, name, &out).contains(&'·'), "{name}\n{out}");
        }
    }
}

#[test]
fn timer_fires_after_the_delay_and_a_cancelled_one_never_fires() {
    // 取消发生在 1 秒、触发在 2 秒：中间这 1 秒要比主线程醒来的延迟长得多。0.05 时只有
    // 50 毫秒，忙碌的 2 核机器上不够稳，所以这里的 1 秒是 0.2 秒。
    const TIMER_SEC: f64 = 0.2;
    let mut running = start_scaled(&["timer"], TIMER_SEC);
    let mut first = None;
    let mut text = String::new();
    // 输出管道关闭（进程结束）时 recv 返回错误；30 秒还没结束就算挂住了。
    while let Ok((at, chunk)) = running.chunks.recv_timeout(Duration::from_secs(30)) {
        first.get_or_insert(at);
        text.push_str(&chunk);
    }
    let status = running.child.wait().expect("wait");
    assert!(status.success(), "{text}");
    let first = first.expect("some output") - running.started;
    assert!(
        first.as_secs_f64() >= 5.0 * TIMER_SEC,
        "printed after {first:?}\n{text}"
    );
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines[..3], ["启动线程", "结束线程", "结束"], "{text}");
    assert_eq!(lines[3..5], SEPARATOR, "{text}");
    assert_eq!(lines.len(), 6, "{text}");
    assert!(
        lines[5].starts_with("t2 原定 2 秒后启动，第 1 秒时被取消 (cancel)；到第 "),
        "{text}"
    );
    assert!(lines[5].ends_with("秒，它没有执行."), "{text}");
    assert_eq!(text.matches("启动线程").count(), 1, "{text}");
}

#[test]
fn thread_info_shows_current_thread_and_the_os_list() {
    let mut running = start(&["thread-info"]);
    let pid = running.child.id();
    let mut stdout = String::new();
    collect_until(
        &running.chunks,
        &mut stdout,
        Duration::from_secs(30),
        |_| false,
    );
    assert!(running.child.wait().expect("wait").success(), "{stdout}");
    let lines: Vec<_> = stdout.lines().collect();
    assert!(
        lines[0].ends_with(r#"名字 Some("main")，id ThreadId(1)"#),
        "{stdout}"
    );
    assert!(lines[1].contains(r#"名字 Some("worker")"#), "{stdout}");
    // 操作系统的列表：主线程（Linux 上它的线程号就是进程号、名字是程序名；Windows 上
    // 标准库给它起名 main），子线程叫 worker。
    let listed: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("  线程号 "))
        .collect();
    assert!(
        lines[2].contains(&format!("本进程有 {} 个线程", listed.len())),
        "{stdout}"
    );
    if cfg!(target_os = "linux") {
        assert!(
            listed.contains(&&&*format!("  线程号 {pid}，名字 lesson-threads")),
            "{stdout}"
        );
    } else if cfg!(windows) {
        assert!(
            listed.iter().any(|l| l.ends_with("，名字 main")),
            "{stdout}"
        );
    }
    assert!(
        listed.iter().any(|l| l.ends_with("，名字 worker")),
        "{stdout}"
    );
    assert!(stdout.contains("TIMEOUT_MAX"), "{stdout}");
    assert!(stdout.contains("返回 Err(Timeout)"), "{stdout}");
}

#[test]
fn pool_downloads_concurrently_and_reuses_its_threads() {
    let out = run_downloads(&["pool", "--timeline"]);
    let rest = check_downloads(&out);
    assert_eq!(rest[..2], SEPARATOR, "{out}");
    let reuse = rest[2]
        .strip_prefix("线程被复用：12 个任务只用了 ")
        .and_then(|r| r.strip_suffix(" 个线程."))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("{out}"));
    let names: Vec<_> = rest[3]
        .strip_prefix("第 1 到第 12 个任务分别由：")
        .unwrap_or_else(|| panic!("{out}"))
        .split(' ')
        .collect();
    let distinct: BTreeSet<_> = names.iter().collect();
    assert_eq!(names.len(), 12, "{out}");
    assert_eq!(distinct.len(), reuse, "{out}");
    assert!(reuse <= 4, "{out}");
    assert!(names.iter().all(|n| n.starts_with("pool-")), "{out}");
    // 时间线：主线程和名叫 pool-0…pool-3 的工作线程，三个下载在睡眠。一个刚创建、还没
    // 轮到 CPU 的线程还没来得及给自己起名（std 在新线程里设名字），在机器很忙时会短暂地
    // 以"线程 N"出现，所以也允许这样的行。
    let Some(rows) = timeline(&out) else {
        return;
    };
    assert_eq!(rows[0].0, "主线程", "{out}");
    let worker = |n: &str| {
        n.strip_prefix("pool-")
            .is_some_and(|i| ["0", "1", "2", "3"].contains(&i))
    };
    assert!(
        rows[1..]
            .iter()
            .all(|(n, _)| worker(n) || n.starts_with("线程 ")),
        "{out}"
    );
    let sleeping = rows
        .iter()
        .filter(|(n, c)| worker(n) && c.contains(&'▒'))
        .count();
    assert!(sleeping >= 3, "{out}");
}

#[test]
fn all_runs_every_example_that_ends() {
    // `all` 一个接一个地启动十几个进程：Wine 下、机器又忙时，30 秒不够（见过 30.6 秒）。
    let out = testing::run(lesson(EXE, &["all"]), Duration::from_secs(120)).success();
    for name in [
        "active-count",
        "join",
        "thread-panic",
        "lock",
        "deadlock",
        "daemon",
        "barrier",
        "timer",
        "pool",
        "costs",
    ] {
        assert!(out.stdout.contains(&format!(" · {name} ===")), "{out}");
    }
    assert!(!out.stdout.contains(" · non-daemon ==="), "{out}");
    // 每个例子在自己的进程里：barrier 卡住的两个线程、daemon 的 Ping/Pong 不会留到
    // 后面的 thread-info 里。
    assert!(out.stdout.contains("本进程有 2 个线程："), "{out}");
    // thread-panic 的 panic 也只是标准输出上的一行说明：标准错误是空的。
    assert_eq!(out.stderr, "", "{out}");
}
