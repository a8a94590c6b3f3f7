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
fn table_of_contents_lists_the_examples_in_document_order() {
    let out = run_ok(&[]);
    let names = [
        "active-count",
        "spawn",
        "args",
        "join",
        "downloads",
        "lock",
        "non-daemon",
        "daemon",
        "barrier",
        "timer",
        "thread-info",
        "pool",
        "costs",
    ];
    let at: Vec<usize> = names
        .iter()
        .map(|n| {
            let cmd = format!("cargo run -p lesson-threads -- {n}\n");
            out.stdout
                .find(&cmd)
                .unwrap_or_else(|| panic!("{cmd}\n{out}"))
        })
        .collect();
    assert!(at.is_sorted(), "{out}");
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

#[test]
fn join_makes_the_child_finish_first() {
    let out = run_ok(&["join"]);
    let lines = out.lines();
    assert_eq!(lines.len(), 11, "{out}");
    // 不 join：四行都在，但子线程和"主线程结束"谁先谁后不定。
    assert_eq!(lines[..2], ["无阻塞输出：", "主线程开始"], "{out}");
    let racy: BTreeSet<_> = lines[2..5].iter().copied().collect();
    assert_eq!(
        racy,
        BTreeSet::from(["主线程结束", "子线程开始", "子线程结束"])
    );
    let pos = |s| lines[2..5].iter().position(|l| *l == s);
    assert!(pos("子线程开始") < pos("子线程结束"), "{out}");
    // join：顺序是确定的。
    assert_eq!(
        lines[5..],
        [
            "",
            "有阻塞输出：",
            "主线程开始",
            "子线程开始",
            "子线程结束",
            "主线程结束"
        ]
    );
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

/// 时间线里有 `task` 这一行：`task   │▒▒▒ │`。
fn has_row(lines: &[&str], task: &str) -> bool {
    lines.iter().any(|l| {
        l.strip_prefix(task)
            .is_some_and(|r| r.trim_start().starts_with('│'))
    })
}

#[test]
fn downloads_take_about_as_long_as_the_longest() {
    let out = run_downloads(&["downloads"]);
    assert!(check_downloads(&out).is_empty(), "{out}");
}

#[test]
fn downloads_timeline_has_a_row_per_file() {
    let out = run_downloads(&["downloads", "--timeline"]);
    let rest = check_downloads(&out);
    for f in shared::download::FILENAMES {
        assert!(has_row(&rest, f), "{out}");
    }
}

#[test]
fn lock_keeps_the_locked_counter_at_zero_and_loses_unlocked_updates() {
    let mut unlocked = Vec::new();
    for _ in 0..5 {
        let out = run_ok(&["lock"]);
        let lines = out.lines();
        assert_eq!(lines.len(), 2, "{out}");
        assert_eq!(lines[1], "0", "the locked counter must end at 0\n{out}");
        unlocked.push(lines[0].parse::<i64>().expect("a number"));
        if unlocked[unlocked.len() - 1] != 0 {
            return;
        }
    }
    panic!("the unlocked counter never lost an update: {unlocked:?}");
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
    assert!(!testing::alive(pid));
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
    for row in ["Ping ", "Pong ", "主线程 "] {
        assert!(
            out.lines()
                .iter()
                .any(|l| l.starts_with(row) && l.contains('│')),
            "{out}"
        );
    }
}

#[test]
fn barrier_lets_exactly_three_through_and_ends() {
    for args in [&["barrier"][..], &["barrier", "--timeline"]] {
        let out = run_ok(args);
        let lines = out.lines();
        let counts = lines
            .iter()
            .filter(|l| l.starts_with("当前活动的子线程数量: "))
            .count();
        let passes = lines.iter().filter(|l| **l == "子线程数量达到3").count();
        assert_eq!((counts, passes), (5, 3), "{out}");
        // 凑齐之前，三个线程依次数数：前面的还停在 wait() 里，所以正好是 1、2、3
        // （后两个数到几，要看通过的三个线程退出了没有，不检查）。
        assert_eq!(
            lines[..3],
            [
                "当前活动的子线程数量: 1",
                "当前活动的子线程数量: 2",
                "当前活动的子线程数量: 3"
            ],
            "{out}"
        );
        let note = lines
            .iter()
            .position(|l| l.starts_with("注："))
            .expect("a 注： line");
        assert_eq!(note, 8, "{out}");
        assert!(lines[note].contains("还有 2 个子线程"), "{out}");
        if args.len() == 2 {
            for i in 1..=5 {
                assert!(has_row(&lines, &format!("Thread-{i}")), "{out}");
            }
        } else {
            assert_eq!(lines.len(), 9, "{out}");
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
    assert_eq!(lines[..4], ["启动线程", "结束线程", "结束", ""], "{text}");
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[4].ends_with("它没有执行."), "{text}");
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
    // 操作系统的列表：主线程的线程号就是进程号，子线程叫 worker。
    let listed: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("  线程号 "))
        .collect();
    assert!(
        lines[2].contains(&format!("本进程有 {} 个线程", listed.len())),
        "{stdout}"
    );
    assert!(
        listed.contains(&&&*format!("  线程号 {pid}，名字 lesson-threads")),
        "{stdout}"
    );
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
    assert_eq!(rest[0], "", "{out}");
    let reuse = rest[1]
        .strip_prefix("线程被复用：12 个任务只用了 ")
        .and_then(|r| r.strip_suffix(" 个线程."))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("{out}"));
    let names: Vec<_> = rest[2]
        .rsplit('：')
        .next()
        .unwrap_or("")
        .split(' ')
        .collect();
    let distinct: BTreeSet<_> = names.iter().collect();
    assert_eq!(names.len(), 12, "{out}");
    assert_eq!(distinct.len(), reuse, "{out}");
    assert!(reuse <= 4, "{out}");
    assert!(names.iter().all(|n| n.starts_with("pool-")), "{out}");
    for f in shared::download::FILENAMES {
        assert!(has_row(&rest, f), "{out}");
    }
}

#[test]
fn costs_prints_a_measured_table() {
    let out = run_ok(&["costs"]);
    let lines = out.lines();
    assert_eq!(lines.len(), 6, "{out}");
    for row in &lines[2..] {
        let micros: Vec<f64> = row
            .split("  ")
            .filter_map(|c| c.trim().strip_suffix(" µs")?.parse().ok())
            .collect();
        assert!(
            !micros.is_empty() && micros.iter().all(|&m| m > 0.0),
            "{out}"
        );
    }
}

#[test]
fn all_runs_every_example_that_ends() {
    let out = run_ok(&["all"]);
    for name in [
        "active-count",
        "lock",
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
}
