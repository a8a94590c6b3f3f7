//! 不友好的输入和环境（issue 12）：每种情况都在限定时间内结束，退出码 1 或 2，
//! 标准错误上最多一两行，没有 panic 的文字，也不会挂住。
//!
//! 这一课的例子没有数字选项；能动手脚的是环境变量、操作系统拒绝开线程、关掉的管道。

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use shared_testing::{lesson, run};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-threads");
const LIMIT: Duration = Duration::from_secs(30);

/// 让操作系统拒绝开线程：std 开的每个线程都要 1 TiB 的栈，`pthread_create` 返回 EAGAIN。
/// 和 `ulimit -u` 不同，root 用户也会被拒绝。
const REFUSE_THREADS: (&str, &str) = ("RUST_MIN_STACK", "1099511627776");

/// 一种情况：参数、环境变量、期望的退出码、标准错误最多几行。
struct Case {
    args: Vec<String>,
    env: Vec<(&'static str, &'static str)>,
    code: i32,
    max_stderr_lines: usize,
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let examples = lesson_threads::LESSON.examples;
    for e in examples {
        let mut variants = vec![vec![e.name.to_owned()]];
        if e.timeline {
            variants.push(vec![e.name.to_owned(), "--timeline".to_owned()]);
        }
        for args in variants {
            // 时间比例在 0.001..=100 之外：一行，退出码 2（以前 1e20 会 panic、1e12 睡到天荒地老）。
            for scale in ["5e-324", "1e20", "1e300", "1e12", "0.0009", "100.5"] {
                cases.push(Case {
                    args: args.clone(),
                    env: vec![("LESSON_TIME_SCALE", scale)],
                    code: 2,
                    max_stderr_lines: 1,
                });
            }
            cases.push(Case {
                args: args.clone(),
                env: vec![("LESSON_SEED", "18446744073709551616")],
                code: 2,
                max_stderr_lines: 1,
            });
            // 操作系统不让开线程：一行错误，退出码 1；只有不开线程的 active-count 照常运行。
            let opens_threads = e.name != "active-count" || args.len() > 1;
            cases.push(Case {
                args,
                env: vec![REFUSE_THREADS],
                code: if opens_threads { 1 } else { 0 },
                max_stderr_lines: usize::from(opens_threads),
            });
        }
    }
    // `all`：第一个开线程的例子失败。它的进程说一行（带着例子的名字），`all` 不再重复。
    cases.push(Case {
        args: vec!["all".to_owned()],
        env: vec![REFUSE_THREADS],
        code: 1,
        max_stderr_lines: 1,
    });
    cases
}

#[test]
fn every_hostile_case_ends_with_one_line_and_no_panic() {
    let mut failures = Vec::new();
    for case in cases() {
        let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
        let mut cmd = lesson(EXE, &args);
        cmd.envs(case.env.iter().copied());
        let out = run(cmd, LIMIT);
        let lines = out.stderr.lines().count();
        let ok = out.status.code() == Some(case.code)
            && lines <= case.max_stderr_lines
            && (case.code == 0 || lines >= 1)
            && !out.stderr.contains("panicked")
            && !out.stdout.contains("panicked")
            && out.stderr.lines().all(|l| l.starts_with("错误 (error)："));
        if !ok {
            failures.push(format!("{args:?} {:?} → {:?}\n{out}", case.env, out.status));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// 读 `bytes` 个字节后关掉管道的读端，像 `… | head -c 20`：程序要安静地结束。
fn closed_pipe(args: &[&str], bytes: usize) {
    let mut child = lesson(EXE, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the lesson");
    let mut stdout = child.stdout.take().expect("piped");
    let mut head = vec![0; bytes];
    stdout.read_exact(&mut head).expect("the first bytes");
    drop(stdout);
    // 从关掉读端算起：`costs` 量完整张表才写第一行，在 Wine 里量三遍就要三十多秒。
    let closed = Instant::now();
    let mut stderr = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if closed.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} still running after the pipe closed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let err = reader.join().expect("stderr reader");
    // 结束的方式（被 SIGPIPE 结束，或者刚好写完了）不论，只要安静。
    assert_eq!(err, "", "{args:?} {status:?}: nothing on stderr");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // 每个例子和 `all`：读端关了，下一次写的时候进程被 SIGPIPE 安静地结束
    // （non-daemon 本来不会结束）。只打印几个字节就结束的例子读完就正常结束。
    for e in lesson_threads::EXAMPLES {
        closed_pipe(&[e.name], 8);
    }
    closed_pipe(&["all"], 20);
}

/// 标准输出或标准错误写不出去（接到 /dev/full）：最多一行、退出码 1，从不 panic，也不会
/// 退出码 0 却丢了输出。一张表：每个例子（由 `EXAMPLES` 得来）和它的 `--help`、目录、
/// `--help`、`all`；标准错误写不出去时，输入有误仍是 2、运行出错仍是 1。
#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_or_stderr_ends_in_one_line_and_exit_1() {
    use shared_testing::{Full, FullCase};
    let mut table = Vec::new();
    for e in lesson_threads::EXAMPLES {
        table.push(FullCase::stdout(&[e.name]));
        table.push(FullCase::stdout(&[e.name, "--help"]));
        if e.timeline {
            table.push(FullCase::stdout(&[e.name, "--timeline"]));
        }
    }
    table.push(FullCase::stdout(&[]));
    table.push(FullCase::stdout(&["--help"]));
    table.push(FullCase::stdout(&["all"]));
    table.push(FullCase::silent(&["no-such-example"], Full::Stderr, 2));
    table.push(FullCase::silent(&["lock"], Full::Stderr, 2).env("LESSON_TIME_SCALE", "0"));
    table
        .push(FullCase::silent(&["lock"], Full::Stderr, 1).env(REFUSE_THREADS.0, REFUSE_THREADS.1));
    table.push(FullCase::silent(&["all"], Full::Stderr, 1).env(REFUSE_THREADS.0, REFUSE_THREADS.1));
    table.push(FullCase::silent(&["thread-panic"], Full::Stderr, 0));
    table.push(FullCase::silent(&["thread-panic"], Full::Both, 1));
    table.push(FullCase::silent(&["daemon"], Full::Both, 1));
    let failures: Vec<String> = table
        .iter()
        .filter_map(|case| case.check(EXE, |_| {}).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// 没有 /proc（容器里可能这样）：数线程的例子说出它读的是什么，`all` 说出它找不到本程序的
/// 文件——而不只是 "No such file or directory"。要在新的挂载命名空间 (mount namespace) 里把
/// /proc 盖住，得有 root 和 `unshare`；做不到时跳过，并在标准错误上说一声。
#[cfg(target_os = "linux")]
#[test]
fn without_proc_the_error_names_what_was_read() {
    let hide_proc = "mount -t tmpfs none /proc && exec \"$0\" \"$@\"";
    let probe = std::process::Command::new("unshare")
        .args(["--mount", "--fork", "sh", "-c", hide_proc, "true"])
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("跳过：这里不能 unshare --mount 盖住 /proc（要 root）");
        return;
    }
    for (args, says) in [
        ("active-count", "例子 active-count：读 /proc/self/status"),
        ("thread-info", "例子 thread-info：读 /proc/self/task"),
        ("all", "找不到本程序的文件"),
    ] {
        let cmd = lesson(
            "unshare",
            &["--mount", "--fork", "sh", "-c", hide_proc, EXE, args],
        );
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(1), "{args}\n{out}");
        assert_eq!(out.stderr.lines().count(), 1, "{args}\n{out}");
        assert!(out.stderr.contains(says), "{args}: {says}\n{out}");
    }
}
