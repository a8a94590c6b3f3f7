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

/// 每个例子（scale 只量到 1000，免得测试太久）。
const EXAMPLES: [&[&str]; 9] = [
    &["hello"],
    &["hello-many"],
    &["blocking-sleep"],
    &["wrapped-sleep"],
    &["async-sleep"],
    &["semaphore"],
    &["lazy"],
    &["no-lock"],
    &["scale", "--max", "1000"],
];

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
    for args in EXAMPLES {
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

    // 读的一方先走了（`… | head -c 20`）：安静地结束，不 panic。
    for args in EXAMPLES {
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
