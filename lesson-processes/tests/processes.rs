#![cfg(target_os = "linux")]

//! 每个例子运行真实的二进制：检查照抄文档的输出行和文档的说法，
//! 并且每次运行之后，它启动过的进程一个都不剩，临时目录里也没有留下 socket 文件。

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use shared::testing::{Output, Proc, all_secs, descendants, left_behind, lesson, readers};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-processes");
const LIMIT: Duration = Duration::from_secs(60);

/// 一个只属于这次运行的空临时目录（`TMPDIR`），ipc-channel 的 socket 建在这里。
/// 被丢弃时连同里面的东西一起删掉，测试失败 (panic) 时也一样。
struct TmpDir(PathBuf);

impl std::ops::Deref for TmpDir {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fresh_tmp() -> TmpDir {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("lesson-processes-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create a temp dir");
    TmpDir(dir)
}

/// 一次运行：输出、它的 PID、运行期间看到过的所有后代进程。
struct Watched {
    out: Output,
    pid: u32,
    seen: BTreeSet<Proc>,
}

/// 运行并一直盯着它的后代进程；结束后检查后代全都不在了、临时目录是空的。
#[track_caller]
fn watch(args: &[&str], scale: &str) -> Watched {
    let tmp = fresh_tmp();
    let mut cmd = lesson(EXE, args);
    cmd.env("LESSON_TIME_SCALE", scale).env("TMPDIR", &*tmp);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let (pid, start) = (child.id(), Instant::now());
    let (out, err) = readers(&mut child);
    let mut seen = BTreeSet::new();
    let status = loop {
        seen.extend(descendants(pid));
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("{args:?} still running after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let wall = start.elapsed();
    let out = Output {
        status,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
        wall,
    };
    let left = left_behind(&seen, Duration::from_secs(1));
    assert!(left.is_empty(), "{args:?} left processes {left:?}\n{out}");
    let stray: Vec<_> = std::fs::read_dir(&*tmp).expect("read tmp").collect();
    assert!(
        stray.is_empty(),
        "{args:?} left files in TMPDIR: {stray:?}\n{out}"
    );
    Watched { out, pid, seen }
}

/// `…PID是1234` 这样的行里的 PID。
fn pid_in(line: &str) -> u32 {
    line.rsplit("PID是")
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no PID in {line:?}"))
}

#[test]
fn pid_prints_this_process_id() {
    let w = watch(&["pid"], "0.05");
    assert!(w.out.status.success(), "{}", w.out);
    assert_eq!(w.out.lines(), [format!("我是主进程，PID是{}", w.pid)]);
}

#[test]
fn spawn_child_prints_its_own_pid_and_the_parent_waits() {
    let w = watch(&["spawn"], "0.05");
    assert!(w.out.status.success(), "{}", w.out);
    let lines = w.out.lines();
    // 不 join 的话，主进程一退出子进程就被杀掉（它跟父进程同生共死），这两行多半就没了。
    assert_eq!(lines.len(), 2, "{}", w.out);
    assert!(lines[0].starts_with("开始写代码，PID是") && lines[1].starts_with("休息一会儿，PID是"));
    assert_eq!(pid_in(lines[0]), pid_in(lines[1]));
    assert_ne!(pid_in(lines[0]), w.pid);
}

#[test]
fn args_cross_the_process_boundary_as_typed_values() {
    let w = watch(&["args"], "0.05");
    assert!(w.out.status.success(), "{}", w.out);
    assert_eq!(
        w.out.lines(),
        [
            "启动子进程",
            r#"传递的参数为(1, "2", {"c": 3})"#,
            "结束子进程"
        ]
    );
}

#[test]
fn join_makes_the_parent_wait_for_the_child() {
    // 0.1：主进程睡 0.5 秒，没 join 的 p1 在繁忙的机器上也来得及在分隔线之前打印完。
    let w = watch(&["join", "--timeline"], "0.1");
    assert!(w.out.status.success(), "{}", w.out);
    let lines = w.out.lines();
    let me = format!("我是主进程，PID是{}", w.pid);
    let stars = lines
        .iter()
        .position(|l| *l == "*".repeat(20))
        .expect("stars");
    assert_eq!(lines[..2], ["无阻塞输出：", me.as_str()]);
    assert_eq!(lines[stars + 1..stars + 3], ["有阻塞输出：", me.as_str()]);
    // 有 join：p2 的两行在主进程的最后一行之前。
    let (p2_start, p2_rest, last) = (lines[stars + 3], lines[stars + 4], lines[stars + 5]);
    assert!(
        p2_start.starts_with("开始写代码，PID是") && p2_rest.starts_with("休息一会儿，PID是"),
        "{}",
        w.out
    );
    assert_eq!(last, me);
    let p2 = pid_in(p2_start);
    assert_ne!(p2, w.pid);
    // 没有 join 的 p1 也打印了两行（谁先谁后不定），PID 不同于主进程和 p2。
    let p1: BTreeSet<u32> = lines[..stars]
        .iter()
        .filter(|l| !l.starts_with("我是") && l.contains("PID是"))
        .map(|l| pid_in(l))
        .collect();
    assert_eq!(p1.len(), 1, "{}", w.out);
    assert!(!p1.contains(&w.pid) && !p1.contains(&p2));
    // 子进程把时间线送回来了：p2 有自己的一行。
    assert!(w.out.stdout.contains(&format!("子进程 {p2} ")), "{}", w.out);
}

#[test]
fn isolation_a_stuck_and_a_crashed_child_do_not_harm_the_parent() {
    let w = watch(&["isolation"], "0.05");
    assert!(w.out.status.success(), "{}", w.out);
    let lines = w.out.lines();
    assert!(
        lines[1].starts_with("p1 等了 3 秒还没结束") && lines[1].contains("SIGKILL"),
        "{}",
        w.out
    );
    assert!(
        lines[3].starts_with("p2 结束了") && lines[3].contains("SIGABRT"),
        "{}",
        w.out
    );
    assert!(lines[4].starts_with("开始写代码，PID是") && lines[5].starts_with("休息一会儿，PID是"));
    assert_eq!(lines[6], "p3 结束了：退出码 0");
    assert_eq!(lines[7], format!("主进程安然无恙，PID是{}", w.pid));
    let pids = [lines[0], lines[2], lines[4]].map(pid_in);
    assert!(!pids.contains(&w.pid), "{}", w.out);
    // 三行"结束了"的退出状态说明主进程等到 (wait) 了每一个；`watch` 还确认了它看到的
    // 后代进程都已不在（崩溃的 p2 活得太短，轮询未必看得到它）。
}

fn words(stdout: &str) -> (usize, usize) {
    (
        stdout.matches("Ping").count(),
        stdout.matches("Pong").count(),
    )
}

#[test]
fn ping_pong_each_process_counts_alone() {
    let w = watch(&["ping-pong"], "0.05");
    assert!(w.out.status.success(), "{}", w.out);
    assert_eq!(words(&w.out.stdout), (50, 50), "{}", w.out);
    assert_eq!(
        w.out.stdout.trim_end().len(),
        400,
        "only the words: {}",
        w.out
    );
}

#[test]
fn ping_pong_queue_shares_one_counter_fifty_words_in_all() {
    // 比 0.05 慢一些：每步 2 毫秒，第二个子进程赶得上加入游戏。
    for _ in 0..4 {
        let w = watch(&["ping-pong-queue"], "0.2");
        assert!(w.out.status.success(), "{}", w.out);
        let (ping, pong) = words(&w.out.stdout);
        assert_eq!(ping + pong, 50, "{}", w.out);
        assert!(ping > 0 && pong > 0, "both play: {}", w.out);
        // 两个词都出现，说明两个子进程都在玩；`watch` 是轮询，机器很忙时可能漏看一个，
        // 所以这里只查"不多于两个"。
        assert!(w.seen.len() <= 2, "two children: {:?}", w.seen);
    }
}

#[test]
fn ping_pong_queue_timeline_has_both_children() {
    let w = watch(&["ping-pong-queue", "--timeline"], "0.2");
    assert!(w.out.status.success(), "{}", w.out);
    let rows: Vec<&str> = w
        .out
        .lines()
        .into_iter()
        .filter(|l| l.contains('│'))
        .collect();
    for who in ["Ping ", "Pong ", "主进程"] {
        assert!(
            rows.iter().any(|r| r.starts_with(who)),
            "{who} row\n{}",
            w.out
        );
    }
}

#[test]
fn a_child_dying_with_the_token_ends_the_game_with_a_message() {
    let w = watch(&["ping-pong-queue", "--crash"], "0.05");
    assert_eq!(w.out.status.code(), Some(1), "{}", w.out);
    assert_eq!(w.out.stderr.lines().count(), 1, "{}", w.out);
    assert!(
        w.out.stderr.contains("Ping") && w.out.stderr.contains("SIGABRT"),
        "{}",
        w.out
    );
    let (ping, pong) = words(&w.out.stdout);
    assert_eq!(ping, 9, "Ping crashed on its 10th turn: {}", w.out);
    assert!(ping + pong < 50, "{}", w.out);
}

/// 池的例子：下载耗时、总耗时，以及运行中出现过的子进程。
fn pool(args: &[&str]) -> (Watched, Vec<f64>, f64) {
    let w = watch(args, "0.1");
    assert!(w.out.status.success(), "{}", w.out);
    let took = all_secs(&w.out.stdout, "下载耗时: ");
    let total = all_secs(&w.out.stdout, "总耗时: ");
    assert_eq!(total.len(), 1, "{}", w.out);
    (w, took, total[0])
}

#[test]
fn pool_total_is_about_the_longest_download() {
    let (w, took, total) = pool(&["pool", "--timeline"]);
    for name in shared::download::FILENAMES {
        // 工作进程把下载的时间线送回主进程：每个文件一行。
        assert!(
            w.out
                .lines()
                .iter()
                .any(|l| l.starts_with(name) && l.contains('│')),
            "timeline row for {name}\n{}",
            w.out
        );
        assert!(
            w.out.stdout.contains(&format!("开始下载 {name}.\n")),
            "{}",
            w.out
        );
        assert!(
            w.out.stdout.contains(&format!("{name} 下载完成.\n")),
            "{}",
            w.out
        );
    }
    assert_eq!(took.len(), 3);
    let longest = took.iter().copied().fold(0.0, f64::max);
    let sum: f64 = took.iter().sum();
    assert!(
        total >= longest - 0.01,
        "total {total} < longest {longest}\n{}",
        w.out
    );
    assert!(
        total < longest + (sum - longest) / 2.0,
        "total {total} vs sum {sum}\n{}",
        w.out
    );
    // 池里只有 4 个进程（第四个空闲，`with` 块一结束就退出）。轮询只查上限：看漏不算错。
    assert!(w.seen.len() <= 4, "workers: {:?}", w.seen);
}

#[test]
fn pool_reuses_its_four_workers() {
    let (w, took, _) = pool(&["pool", "--jobs", "8"]);
    assert_eq!(took.len(), 8, "{}", w.out);
    // 每个任务一个新进程的话会看到 8 个；轮询可能漏看，所以只查上限。
    assert!(
        w.seen.len() <= 4,
        "8 jobs, still only 4 processes: {:?}",
        w.seen
    );
}

#[test]
fn a_crashing_worker_fails_its_job_and_the_pool_carries_on() {
    let (w, took, _) = pool(&["pool", "--crash"]);
    assert_eq!(took.len(), 3, "{}", w.out);
    let failed: Vec<&str> = w
        .out
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("任务失败："))
        .collect();
    assert_eq!(failed.len(), 1, "{}", w.out);
    assert!(failed[0].contains("SIGABRT"), "{}", w.out);
}

#[test]
fn costs_prints_a_table() {
    let w = watch(&["costs", "--jobs", "5", "--round-trips", "200"], "0.05");
    assert!(w.out.status.success(), "{}", w.out);
    let values: Vec<f64> = w
        .out
        .lines()
        .into_iter()
        .filter_map(|l| {
            let (n, unit) = l.trim_end().rsplit_once(' ')?;
            let n: f64 = n.trim_end().rsplit(' ').next()?.parse().ok()?;
            Some(n * if unit == "ms" { 1000.0 } else { 1.0 })
        })
        .collect();
    assert_eq!(values.len(), 5, "five measured rows\n{}", w.out);
    assert!(values.iter().all(|v| *v > 0.0), "{}", w.out);
}

#[test]
fn all_runs_every_example_in_one_go_and_leaves_nothing_behind() {
    let w = watch(&["all"], "0.05");
    assert!(w.out.status.success(), "{}", w.out);
    for e in lesson_processes::EXAMPLES {
        let heading = format!("=== {} · {} ===", e.heading, e.name);
        assert!(w.out.stdout.contains(&heading), "{heading}\n{}", w.out);
    }
}

/// 在 `args` 运行到有 `children` 个子进程时给父进程发 `signal`：子进程必须很快全部消失。
fn signal_mid_run(args: &[&str], scale: &str, children: usize, signal: i32) {
    // 被 SIGKILL 的父进程来不及删掉正在握手的 socket，所以用自己的临时目录，用完整个删掉。
    let tmp = fresh_tmp();
    let mut cmd = lesson(EXE, args);
    cmd.env("LESSON_TIME_SCALE", scale)
        .env("TMPDIR", &*tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut parent = cmd.spawn().expect("start");
    let start = Instant::now();
    let mut seen = BTreeSet::new();
    loop {
        let now = descendants(parent.id());
        seen.extend(now.iter().copied());
        if now.len() >= children {
            break;
        }
        assert!(
            parent.try_wait().expect("try_wait").is_none(),
            "{args:?} ended early"
        );
        assert!(start.elapsed() < LIMIT, "{args:?}: children never started");
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(50));
    let pid = i32::try_from(parent.id()).expect("pid fits");
    // SAFETY: kill 只向这个测试自己启动、还没回收的进程发信号。
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    let status = parent.wait().expect("wait");
    assert!(!status.success(), "{args:?} was killed: {status:?}");
    let left = left_behind(&seen, Duration::from_secs(1));
    assert!(left.is_empty(), "{args:?} signal {signal} left {left:?}");
}

#[test]
fn sigint_or_sigkill_mid_pool_leaves_no_worker() {
    // 三个工作进程在下载；第四个空闲的在 `with` 块结束时就退出了。
    signal_mid_run(&["pool"], "1", 3, libc::SIGINT);
    signal_mid_run(&["pool"], "1", 3, libc::SIGKILL);
}

#[test]
fn sigint_or_sigkill_mid_ping_pong_queue_leaves_no_child() {
    signal_mid_run(&["ping-pong-queue"], "3", 2, libc::SIGINT);
    signal_mid_run(&["ping-pong-queue"], "3", 2, libc::SIGKILL);
}

/// 参数、环境变量、错误信息里必须提到的词。
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[test]
fn the_child_role_started_by_hand_fails_in_one_line() {
    let tmp = fresh_tmp();
    let me = std::process::id().to_string();
    let nowhere = tmp.join("no-such-server").display().to_string();
    let cases: [Case; 6] = [
        (&["__child"], &[], "__child"),
        (&["__child", "spawn.coding"], &[], "__child"),
        (&["__child", "no-such-role", &me, &nowhere], &[], "__child"),
        (&["__child", "spawn.coding", "1", &nowhere], &[], "父进程"),
        // 父进程 PID 对得上（就是这个测试），但服务器不存在。
        (
            &["__child", "spawn.coding", &me, &nowhere],
            &[],
            "no-such-server",
        ),
        (
            &["__child", "spawn.coding", &me, &nowhere],
            &[("LESSON_TIME_SCALE", "abc")],
            "LESSON_TIME_SCALE",
        ),
    ];
    for (args, envs, must_name) in cases {
        let mut cmd = Command::new(EXE);
        cmd.args(args)
            .envs(envs.iter().copied())
            .env("TMPDIR", &*tmp);
        let out = shared::testing::run(cmd, Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(2), "{args:?}\n{out}");
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}\n{out}");
        assert!(
            out.stderr.contains(must_name),
            "{args:?} names {must_name}\n{out}"
        );
        assert!(!out.stderr.contains("panicked"), "{out}");
    }
    let stray: Vec<_> = std::fs::read_dir(&*tmp).expect("read tmp").collect();
    assert!(stray.is_empty(), "stray files: {stray:?}");
}
