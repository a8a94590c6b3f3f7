//! 不怀好意的输入和环境 (issue 12)：每种情况都在几秒内结束，一行错误（或正常跑完），
//! 退出码对，没有 panic 的文字。

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use lesson_concepts::EXAMPLES;
use shared_testing::lesson;

const EXE: &str = env!("CARGO_BIN_EXE_lesson-concepts");
const LIMIT: Duration = Duration::from_secs(20);

/// 一种坏情况：参数、环境变量、期望的退出码。
struct Case {
    args: Vec<String>,
    env: Vec<(&'static str, &'static str)>,
    code: i32,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let bad = |args: &[&str], code| Case {
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        code,
    };
    for value in [
        "1e300", "1e9", "0", "-1", "0.09", "10.1", "NaN", "inf", "abc", "",
    ] {
        out.push(bad(&["tasks-vs-cores", "--work", value], 2));
    }
    for value in ["18446744073709551615", "0", "11", "-1", "1.5"] {
        out.push(bad(&["tasks-vs-cores", "--repeat", value], 2));
    }
    for value in ["0", "65", "1000000", "18446744073709551615", "-1"] {
        out.push(bad(&["tasks-vs-cores", "--max-threads", value], 2));
    }
    for e in EXAMPLES {
        out.push(bad(&[e.name, "--no-such-option"], 2));
        for scale in ["5e-324", "1e20", "1e300", "1e12", "0", "-0.1", "x"] {
            let mut case = bad(&[e.name], 2);
            case.env.push(("LESSON_TIME_SCALE", scale));
            out.push(case);
        }
        // 操作系统不给开线程：每个线程要 1 TiB 的栈，pthread_create 失败 (EAGAIN)。
        let mut refused = bad(&[e.name], 1);
        refused.env.push(("RUST_MIN_STACK", "1099511627776"));
        out.push(refused);
    }
    out
}

#[test]
fn every_bad_input_gets_one_line_and_the_right_exit_code() {
    for case in cases() {
        let mut cmd = lesson(EXE, &[]);
        cmd.args(&case.args).envs(case.env.iter().copied());
        let out = shared_testing::run(cmd, LIMIT);
        let what = format!("{:?} {:?}", case.args, case.env);
        assert_eq!(out.status.code(), Some(case.code), "{what}\n{out}");
        assert_eq!(out.stderr.lines().count(), 1, "one line: {what}\n{out}");
        assert!(out.stderr.starts_with("错误 (error)："), "{what}\n{out}");
        assert!(!out.stderr.contains("panicked"), "{what}\n{out}");
        assert!(
            out.wall < Duration::from_secs(10),
            "{what} took {:?}",
            out.wall
        );
    }
}

/// `… | head -c 20`：读 20 个字节就关掉管道，程序安静地结束。
#[test]
fn a_closed_pipe_ends_quietly() {
    for e in EXAMPLES {
        // tasks-vs-cores 写完第一行就去量整张表，量完才写下一行、才发现管道关了：量一遍就够
        // （在 Wine 里、机器又忙时，三遍加上重量超过过 20 秒）。
        let args: &[&str] = if e.name == "tasks-vs-cores" {
            &[e.name, "--repeat", "1"]
        } else {
            &[e.name]
        };
        let mut child = lesson(EXE, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start");
        let mut first = [0u8; 20];
        let mut stdout = child.stdout.take().expect("piped");
        stdout.read_exact(&mut first).expect("20 bytes");
        drop(stdout);
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            assert!(start.elapsed() < 3 * LIMIT, "{} still running", e.name);
            std::thread::sleep(Duration::from_millis(5));
        };
        let mut err = String::new();
        child
            .stderr
            .take()
            .expect("piped")
            .read_to_string(&mut err)
            .expect("stderr");
        assert!(!err.contains("panicked"), "{}: {err}", e.name);
        assert!(err.is_empty(), "{} ({status}): {err}", e.name);
    }
}

/// `all`：一个例子失败（线程开不了）时只有一行——例子的进程说的那一行，带着它的名字。
#[test]
fn a_failure_in_all_is_one_line() {
    let mut cmd = lesson(EXE, &["all"]);
    cmd.env("RUST_MIN_STACK", "1099511627776");
    let out = shared_testing::run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out}");
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    let first = EXAMPLES.first().map_or("", |e| e.name);
    assert!(
        out.stderr
            .starts_with(&format!("错误 (error)：例子 {first}：")),
        "{out}"
    );
}

/// 标准输出或标准错误写不出去（接到 /dev/full）：最多一行、退出码 1，从不 panic，也不会
/// 退出码 0 却丢了输出。一张表：每个例子（由 `EXAMPLES` 得来）和它的 `--help`、目录、
/// `--help`、`all`；标准错误写不出去时，输入有误仍是 2、运行出错仍是 1。
#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_or_stderr_ends_in_one_line_and_exit_1() {
    use shared_testing::{Full, FullCase};
    let mut table = Vec::new();
    for e in EXAMPLES {
        table.push(FullCase::stdout(&[e.name]));
        table.push(FullCase::stdout(&[e.name, "--help"]));
    }
    table.push(FullCase::stdout(&[]));
    table.push(FullCase::stdout(&["--help"]));
    table.push(FullCase::stdout(&["all"]));
    let first = EXAMPLES.first().map_or("all", |e| e.name);
    table.push(FullCase::silent(&["no-such-example"], Full::Stderr, 2));
    table.push(FullCase::silent(&[first], Full::Stderr, 2).env("LESSON_TIME_SCALE", "0"));
    table.push(FullCase::silent(&[first], Full::Stderr, 1).env("RUST_MIN_STACK", "1099511627776"));
    table.push(FullCase::silent(&[first], Full::Both, 1));
    let failures: Vec<String> = table
        .iter()
        .filter_map(|case| case.check(EXE, |_| {}).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
