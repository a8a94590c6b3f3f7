#![cfg(target_os = "linux")]

//! 每个例子运行真实的二进制：检查照抄文档的输出行和文档的说法；每次运行之后，它启动过的
//! 进程一个都不剩，私有的 TMPDIR 里也没有留下 socket（见 `common::watch`）。

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{fresh_tmp, interrupt, pid_in, send, watch};
use shared_testing::all_secs;

const SEPARATOR: &str = "—— 补充 (extra) ——";

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

/// 文档的行序列（PID 换成 P、C1、C2）：不 join 时主进程的两行在子进程之前，
/// join 时子进程的两行在主进程最后一行之前；还有两个子进程的时间线行。
#[test]
fn join_order_holds_by_construction() {
    // 0.2：子进程打印第一行之前准备 0.1 秒，主进程睡 1 秒。
    let w = watch(&["join", "--timeline"], "0.2");
    assert!(w.out.status.success(), "{}", w.out);
    let lines = w.out.lines();
    let me = w.pid;
    let kids: Vec<u32> = lines[..11]
        .iter()
        .filter(|l| l.contains("PID是"))
        .map(|l| pid_in(l))
        .filter(|p| *p != me)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(kids.len(), 2, "{}", w.out);
    let name = |p: u32| match p {
        p if p == me => "P".to_owned(),
        p => format!(
            "C{}",
            kids.iter().position(|k| *k == p).map_or(0, |i| i + 1)
        ),
    };
    let masked: Vec<String> = lines[..11]
        .iter()
        .map(|l| match l.rsplit_once("PID是") {
            Some((head, pid)) => format!("{head}PID是{}", name(pid.parse().expect("pid"))),
            None => l.to_string(),
        })
        .collect();
    // C1 是先启动的 p1：它的 PID 小（两次启动之间不会绕回）。
    let (c1, c2) = if masked[3].ends_with("C1") {
        ("C1", "C2")
    } else {
        ("C2", "C1")
    };
    assert_eq!(
        masked,
        [
            "无阻塞输出：".to_owned(),
            "我是主进程，PID是P".into(),
            "我是主进程，PID是P".into(),
            format!("开始写代码，PID是{c1}"),
            format!("休息一会儿，PID是{c1}"),
            "*".repeat(20),
            "有阻塞输出：".into(),
            "我是主进程，PID是P".into(),
            format!("开始写代码，PID是{c2}"),
            format!("休息一会儿，PID是{c2}"),
            "我是主进程，PID是P".into(),
        ],
        "{}",
        w.out
    );
    for kid in &kids {
        assert!(
            w.out.stdout.contains(&format!("进程 {kid} ")),
            "timeline row for child {kid}\n{}",
            w.out
        );
    }
}

#[test]
fn isolation_a_stuck_and_a_crashed_child_do_not_harm_the_parent() {
    let w = watch(&["isolation"], "0.05");
    assert!(w.out.status.success(), "{}", w.out);
    let lines = w.out.lines();
    assert_eq!(lines.len(), 9, "{}", w.out);
    assert!(lines[0].starts_with("p1 一直阻塞，PID是"), "{}", w.out);
    assert_eq!(lines[1], "p1 等了 3 秒还没结束，结束它");
    assert!(lines[2].starts_with("p1 结束了") && lines[2].contains("SIGKILL"));
    assert!(lines[3].starts_with("p2 会崩溃，PID是"), "{}", w.out);
    assert!(lines[4].starts_with("p2 结束了") && lines[4].contains("SIGABRT"));
    assert!(lines[5].starts_with("开始写代码，PID是") && lines[6].starts_with("休息一会儿，PID是"));
    assert_eq!(lines[7], "p3 结束了：正常结束");
    assert_eq!(lines[8], format!("主进程安然无恙，PID是{}", w.pid));
    let pids = [lines[0], lines[3], lines[5]].map(pid_in);
    assert!(!pids.contains(&w.pid), "{}", w.out);
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

/// 杀掉一个子进程：不再是悄悄地退出码 0，而是一行错误、退出码 1。
#[test]
fn ping_pong_reports_a_child_killed_mid_run() {
    let tmp = fresh_tmp();
    let run = interrupt(
        &["ping-pong"],
        "1",
        &tmp,
        2,
        Duration::from_millis(100),
        |_, kids| {
            send(kids[0].0, libc::SIGKILL);
        },
    );
    assert_eq!(run.status.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("SIGKILL"), "{}", run.stderr);
    assert!(
        words(&run.stdout).0 + words(&run.stdout).1 < 100,
        "{}",
        run.stdout
    );
    assert!(run.left.is_empty(), "left {:?}", run.left);
}

#[test]
fn ping_pong_queue_shares_one_counter_fifty_words_in_all() {
    for _ in 0..3 {
        let w = watch(&["ping-pong-queue"], "0.2");
        assert!(w.out.status.success(), "{}", w.out);
        let lines = w.out.lines();
        let (ping, pong) = words(lines[0]);
        assert_eq!(ping + pong, 50, "{}", w.out);
        assert!(ping > 0 && pong > 0, "both play: {}", w.out);
        assert_eq!(lines[1..3], ["", SEPARATOR], "{}", w.out);
        assert!(lines[3].starts_with("队列空了：get_timeout"), "{}", w.out);
        // 两个子进程都结束了（`watch` 查过没有留下进程）；轮询可能漏看一个，所以只查上限。
        assert!(w.seen.len() <= 2, "two children: {:?}", w.seen);
    }
}

#[test]
fn ping_pong_queue_timeline_has_both_children() {
    let w = watch(&["ping-pong-queue", "--timeline"], "0.2");
    assert!(w.out.status.success(), "{}", w.out);
    let rows = w.out.lines().into_iter().filter(|l| l.contains('│'));
    let kids = rows.filter(|r| r.starts_with("进程 ")).count();
    assert_eq!(kids, 2, "{}", w.out);
}

/// 一个子进程拿着计数被杀：游戏结束，消息说出谁、怎样死的，以及计数"可能"在它手里。
#[test]
fn ping_pong_queue_says_what_is_known_when_a_child_dies() {
    let tmp = fresh_tmp();
    let run = interrupt(
        &["ping-pong-queue"],
        "3",
        &tmp,
        2,
        Duration::from_millis(300),
        |_, kids| {
            send(kids[0].0, libc::SIGKILL);
        },
    );
    assert_eq!(run.status.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("SIGKILL") && run.stderr.contains("可能"),
        "{}",
        run.stderr
    );
    let (ping, pong) = words(&run.stdout);
    assert!(ping + pong < 50, "{}", run.stdout);
    assert!(run.left.is_empty(), "left {:?}", run.left);
    assert!(common::stray(&tmp).is_empty());
}

/// 池的例子（时间比例 `scale`）：下载耗时、总耗时、做下载的工作进程 PID。
fn pool(args: &[&str], scale: &str) -> (common::Watched, Vec<f64>, f64, usize) {
    let w = watch(args, scale);
    assert!(w.out.status.success(), "{}", w.out);
    let took = all_secs(&w.out.stdout, "下载耗时: ");
    let total = all_secs(&w.out.stdout, "总耗时: ");
    assert_eq!(total.len(), 1, "{}", w.out);
    let reuse = w
        .out
        .lines()
        .into_iter()
        .find_map(|l| {
            l.split_once(" 个下载由 ")?
                .1
                .split_once(' ')?
                .0
                .parse()
                .ok()
        })
        .expect("the reuse line");
    (w, took, total[0], reuse)
}

#[test]
fn pool_total_is_about_the_longest_download() {
    // 时间线按格比较工作进程的一生。比例 0.1 时一格约 8 毫秒：旁边在编译时（两个 CPU 都被
    // rustc 占满），进程启动、池收尾要几十毫秒，就差出好几格（25 次里 6 次）。0.5 时一格约
    // 30 毫秒。
    let (w, took, total, workers) = pool(&["pool", "--timeline"], "0.5");
    let lines = w.out.lines();
    // 文档的行都在分隔线之前：每个文件三行，最后一行是总耗时。
    let sep = lines
        .iter()
        .position(|l| *l == SEPARATOR)
        .expect("separator");
    assert_eq!(lines[sep - 1], "", "{}", w.out);
    assert!(lines[sep - 2].starts_with("总耗时: "), "{}", w.out);
    for name in shared::download::FILENAMES {
        let start = lines
            .iter()
            .position(|l| *l == format!("开始下载 {name}."))
            .expect("start");
        let done = lines
            .iter()
            .position(|l| *l == format!("{name} 下载完成."))
            .expect("done");
        assert!(start < done && done < sep, "{}", w.out);
    }
    assert_eq!(sep - 1, 10, "nine download lines and the total: {}", w.out);
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
    assert_eq!(workers, 3, "three downloads, three workers\n{}", w.out);
    assert!(w.seen.len() <= 4, "workers: {:?}", w.seen);
    pool_rows_cover_each_workers_life(&w.out.stdout, &took);
}

/// 时间线上每个工作进程一行，画满它活着的每一格：从它出现到它结束，中间没有空格。
///
/// 工作进程在池建好时启动；`with` 块一结束（提交完三个下载，马上），喂料线程就让手上
/// 没有活的那个退出，其余的做完自己的下载再退出。所以做了最长的下载的那个活满整张图，
/// 另外两个的行长和它们的下载时长成比例；第四个只活几毫秒（池建好到 `with` 块结束），
/// 在图的前一部分。它短得可能一次采样也碰不上（图例说了），所以它的行可有可无；有，就在前面。
fn pool_rows_cover_each_workers_life(stdout: &str, took: &[f64]) {
    let reuse = stdout
        .lines()
        .find(|l| l.contains(" 个下载由 "))
        .expect("the reuse line");
    let pids: Vec<u32> = reuse
        .rsplit_once("PID {")
        .and_then(|(_, rest)| rest.strip_suffix('}'))
        .expect("PID {…}")
        .split(", ")
        .map(|p| p.parse().expect("pid"))
        .collect();
    let rows: Vec<(u32, Vec<char>)> = stdout
        .lines()
        .filter_map(|l| {
            let (label, rest) = l.split_once('│')?;
            let pid = label.trim().strip_prefix("进程 ")?.parse().ok()?;
            Some((pid, rest.strip_suffix('│')?.chars().collect()))
        })
        .collect();
    assert!(
        (3..=4).contains(&rows.len()),
        "one row per worker\n{stdout}"
    );
    let width = rows[0].1.len();
    // 一行的 (第一格, 最后一格)，断言中间没有空格。
    let life = |pid: u32| -> (usize, usize) {
        let (_, cells) = rows
            .iter()
            .find(|(p, _)| *p == pid)
            .unwrap_or_else(|| panic!("no row for worker {pid}\n{stdout}"));
        let first = cells.iter().position(|&c| c != ' ').expect("a cell");
        let last = cells.iter().rposition(|&c| c != ' ').expect("a cell");
        assert!(
            cells[first..=last].iter().all(|&c| c != ' '),
            "worker {pid} drawn with a gap\n{stdout}"
        );
        (first, last)
    };
    let mut spans: Vec<usize> = pids
        .iter()
        .map(|&pid| {
            let (first, last) = life(pid);
            assert!(
                first <= width / 10,
                "worker {pid} starts with the pool\n{stdout}"
            );
            last + 1
        })
        .collect();
    spans.sort_unstable();
    let mut took = took.to_vec();
    took.sort_by(f64::total_cmp);
    // 最长的下载一直做到最后：它的工作进程活满整张图，只差最后几格（池收尾、打印；旁边在
    // 编译时见过约 140 毫秒，比例 0.5 时是 5 格），和下面一样留一成的余地。
    assert!(
        spans[2] + width / 10 >= width,
        "{spans:?} of {width}\n{stdout}"
    );
    for k in 0..2 {
        let want = took[k] / took[2] * spans[2] as f64;
        assert!(
            (spans[k] as f64 - want).abs() <= 0.1 * width as f64,
            "worker rows {spans:?} vs downloads {took:?}\n{stdout}"
        );
    }
    // 闲着的那个在 `with` 块结束时就退出，比最短的下载的一半还早（机器很忙时它要几十毫秒
    // 才退得出来：两个转圈的进程旁边见过 10 格，图宽 87 格，最短的下载做到第 52 格）。
    for (pid, _) in rows.iter().filter(|(p, _)| !pids.contains(p)) {
        let (_, last) = life(*pid);
        assert!(
            last < spans[0] / 2,
            "the idle worker {pid} ends early: {last} vs {spans:?}\n{stdout}"
        );
    }
}

#[test]
fn pool_reuses_its_four_workers() {
    let (w, took, _, workers) = pool(&["pool", "--jobs", "8"], "0.1");
    assert_eq!(took.len(), 8, "{}", w.out);
    assert!(workers <= 4, "8 jobs, at most 4 processes\n{}", w.out);
    assert!(
        w.seen.len() <= 4,
        "8 jobs, still only 4 processes: {:?}",
        w.seen
    );
}

#[test]
fn a_crashing_worker_fails_its_job_and_the_pool_carries_on() {
    let (w, took, _, _) = pool(&["pool", "--crash"], "0.1");
    assert_eq!(took.len(), 3, "{}", w.out);
    let failed: Vec<&str> = w
        .out
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("让工作进程崩溃的任务失败了："))
        .collect();
    assert_eq!(failed.len(), 1, "{}", w.out);
    assert!(failed[0].contains("SIGABRT"), "{}", w.out);
}

/// 表里的四个数（微秒）和结论：启动进程 > 交给池，跨进程来回 > 线程之间。
#[test]
fn costs_orderings_hold() {
    let w = watch(&["costs", "--jobs", "25", "--round-trips", "3200"], "0.05");
    assert!(w.out.status.success(), "{}", w.out);
    let values: Vec<f64> = w
        .out
        .lines()
        .into_iter()
        .filter_map(|l| {
            let (n, unit) = l.trim_end().rsplit_once(' ')?;
            let scale = match unit {
                "ms" => 1000.0,
                "µs" => 1.0,
                _ => return None,
            };
            Some(n.trim_end().rsplit(' ').next()?.parse::<f64>().ok()? * scale)
        })
        .collect();
    assert_eq!(values.len(), 4, "four measured rows\n{}", w.out);
    // 机器忙到量不准时（几次重量差距都不到 2 倍），例子不下结论而是说出来：那也是对的。
    if w.out.stdout.contains("机器太忙 (the machine was busy)") {
        assert!(!w.out.stdout.contains("\n结论："), "{}", w.out);
        return;
    }
    assert!(values[0] > values[1] && values[2] > values[3], "{}", w.out);
    assert!(w.out.stdout.contains("\n结论："), "{}", w.out);
}

#[test]
fn all_runs_every_example_and_leaves_nothing_behind() {
    let w = watch(&["all"], "0.05");
    assert!(w.out.status.success(), "{}", w.out);
    for e in lesson_processes::EXAMPLES {
        let heading = format!("=== {} · {} ===", e.heading, e.name);
        assert!(w.out.stdout.contains(&heading), "{heading}\n{}", w.out);
    }
}
