//! 坏的输入和坏的环境（issue 12）：每一种都在有限时间里结束，退出码 1 或 2 加一行说明，
//! 或者（输入其实没问题时）正常结束；从不 panic、从不打印回溯。

use std::process::Command;
use std::time::Duration;

use shared_testing::{lesson, run};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-coroutines");

/// 期望的结局。
#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    /// 输入有误：退出码 2，一行。
    Usage,
    /// 运行出错：退出码 1，一行。
    Fails,
    /// 正常结束，标准错误是空的。
    Fine,
}

/// 每个例子（来自课程的例子表 `EXAMPLES`）的参数；scale 只量到 1000，免得测试太久。
fn examples() -> Vec<Vec<&'static str>> {
    lesson_coroutines::EXAMPLES
        .iter()
        .map(|e| match e.name {
            "scale" => vec![e.name, "--max", "1000"],
            name => vec![name],
        })
        .collect()
}

/// 在 shell 里运行：`ulimit`、管道。`$0` 是课程的二进制（只在 Unix 上有 `sh`）。
#[cfg(unix)]
fn shell(script: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", script, EXE])
        .args(args)
        .env("LESSON_TIME_SCALE", shared_testing::TEST_SCALE)
        .env("LESSON_SEED", "7");
    cmd
}

fn check(what: &str, cmd: Command, want: Want) {
    let out = run(cmd, Duration::from_secs(60));
    let code = out.status.code();
    let lines = out.stderr.lines().count();
    match want {
        Want::Usage => assert!(code == Some(2) && lines == 1, "{what}\n{out}"),
        Want::Fails => assert!(code == Some(1) && lines == 1, "{what}\n{out}"),
        Want::Fine => assert!(code == Some(0) && lines == 0, "{what}\n{out}"),
    }
    for bad in [
        "panicked",
        "stack backtrace",
        "Broken pipe",
        "RUST_BACKTRACE",
    ] {
        assert!(!out.stderr.contains(bad), "{what}: {bad}\n{out}");
    }
}

#[test]
fn bad_input_and_a_bad_environment_end_in_one_line() {
    // 时间比例：超出 0.001..=100 的每个例子都拒绝（不会睡上几百年，也不会除出无穷大）。
    for args in examples() {
        let args = args.as_slice();
        for scale in ["1e20", "1e300", "1e12", "5e-324", "0", "-1", "NaN"] {
            let mut cmd = lesson(EXE, args);
            cmd.env("LESSON_TIME_SCALE", scale);
            check(
                &format!("{args:?} LESSON_TIME_SCALE={scale}"),
                cmd,
                Want::Usage,
            );
        }
    }

    // scale 的选项，隐藏的也算：范围 1..=1000000，角色只有三种。
    let options: &[&[&str]] = &[
        &["scale", "--max", "0"],
        &["scale", "--max", "-1"],
        &["scale", "--max", "1000001"],
        &["scale", "--max", "18446744073709551616"],
        &["scale", "--max", "1e300"],
        &["scale", "--max", "abc"],
        &[
            "scale",
            "--role",
            "tasks",
            "--count",
            "18446744073709551615",
        ],
        &["scale", "--role", "tasks", "--count", "1000000000000"],
        &["scale", "--role", "threads", "--count", "0"],
        &["scale", "--role", "bogus"],
        &["semaphore", "--max", "3"],
    ];
    for args in options {
        check(&format!("{args:?}"), lesson(EXE, args), Want::Usage);
    }

    // 操作系统不给开线程：std 的线程都要 1 TiB 的栈，pthread_create 失败。协程的例子
    // 不开线程，照常运行；--timeline 的采样线程开不了，就只画协程；scale 的线程行失败。
    let refuse = [("RUST_MIN_STACK", "1099511627776")];
    for (args, want) in [
        (&["semaphore", "--timeline"][..], Want::Fine),
        (&["scale", "--max", "1000"][..], Want::Fails),
        (
            &["scale", "--role", "threads", "--count", "10"][..],
            Want::Fails,
        ),
    ] {
        let mut cmd = lesson(EXE, args);
        cmd.envs(refuse);
        check(&format!("{args:?} RUST_MIN_STACK"), cmd, want);
    }

    // 子进程内存不够（虚拟内存限 300 MB：一百万个任务放不下）：父进程报一行。
    // `ulimit -v` 是 Unix shell 的；Windows 上没有这样限制一个进程的办法，这一条只在 Unix 上查。
    #[cfg(unix)]
    {
        let oom = shell("ulimit -v 300000 && exec \"$0\" \"$@\"", &["scale"]);
        check("scale, ulimit -v 300000", oom, Want::Fails);
    }

    // 文件描述符用完（`ulimit -n 6`：scale 开不了和子进程通信的管道）：一行，说出是什么用完了。
    #[cfg(unix)]
    {
        let out = run(
            shell(
                "ulimit -n 6 && exec \"$0\" \"$@\"",
                &["scale", "--max", "1000"],
            ),
            Duration::from_secs(60),
        );
        assert_eq!(out.status.code(), Some(1), "ulimit -n 6\n{out}");
        assert_eq!(out.stderr.lines().count(), 1, "ulimit -n 6\n{out}");
        assert!(
            out.stderr
                .contains("例子 scale：打开的文件太多 (too many open files)"),
            "ulimit -n 6\n{out}"
        );
    }

    // 读的一方先走了（`… | head -c 20`）：安静地结束，不 panic。
    for args in examples() {
        let args = args.as_slice();
        let out = shared_testing::closed_pipe(lesson(EXE, args), 20, Duration::from_secs(60));
        assert!(out.stderr.is_empty(), "{args:?} | head -c 20\n{out}");
    }
}

#[test]
fn the_refused_thread_trick_really_refuses() {
    // 上面 RUST_MIN_STACK 的情形确实让线程开不了（而不是碰巧通过）：量线程的子进程
    // 说出操作系统的拒绝。
    let mut cmd = lesson(EXE, &["scale", "--role", "threads", "--count", "10"]);
    cmd.env("RUST_MIN_STACK", "1099511627776");
    let out = run(cmd, Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(1), "{out}");
    assert!(out.stderr.contains("os error"), "{out}");
}

/// `all`：一个例子失败（scale 的线程开不了）时只有一行——例子的进程说的那一行，带着它的名字。
#[test]
fn a_failure_in_all_is_one_line() {
    let mut cmd = lesson(EXE, &["all"]);
    cmd.env("RUST_MIN_STACK", "1099511627776");
    let out = run(cmd, Duration::from_secs(120));
    assert_eq!(out.status.code(), Some(1), "{out}");
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    assert!(
        out.stderr.starts_with("错误 (error)：例子 scale："),
        "{out}"
    );
}

/// 标准输出或标准错误写不出去（接到 /dev/full）：最多一行、退出码 1，从不 panic，也不会
/// 退出码 0 却丢了输出。一张表：每个例子（由 `EXAMPLES` 得来）和它的 `--help`、目录、
/// `--help`、`all`；标准错误写不出去时，输入有误仍是 2。
#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_or_stderr_ends_in_one_line_and_exit_1() {
    use shared_testing::{Full, FullCase};
    let mut table = Vec::new();
    for (e, args) in lesson_coroutines::EXAMPLES.iter().zip(examples()) {
        table.push(FullCase::stdout(&args));
        table.push(FullCase::stdout(&[e.name, "--help"]));
        if e.timeline {
            let mut with = args.clone();
            with.push("--timeline");
            table.push(FullCase::stdout(&with));
        }
    }
    // scale 的每一行由子进程量出（输出交给父进程的管道）；子进程的角色直接运行时也一样。
    table.push(FullCase::stdout(&[
        "scale", "--role", "tasks", "--count", "10",
    ]));
    table.push(FullCase::stdout(&[]));
    table.push(FullCase::stdout(&["--help"]));
    table.push(FullCase::stdout(&["all"]));
    table.push(FullCase::silent(&["no-such-example"], Full::Stderr, 2));
    table.push(FullCase::silent(&["hello"], Full::Stderr, 2).env("LESSON_TIME_SCALE", "0"));
    table.push(FullCase::silent(&["hello"], Full::Stderr, 0));
    table.push(FullCase::silent(&["hello"], Full::Both, 1));
    let failures: Vec<String> = table
        .iter()
        .filter_map(|case| case.check(EXE, |_| {}).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
