#![cfg(target_os = "linux")]

//! 不怀好意的输入和坏掉的环境（issue 12）：每一种都在几秒内结束，退出码 1 或 2、
//! stderr 一行、没有 panic；输入没问题时正常结束。一张表，逐个跑真实的二进制。

mod common;

use std::ffi::OsString;
use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{EXE, fresh_tmp, non_utf8, run};
use shared_testing::{descendants, left_behind, lesson};

const LIMIT: Duration = Duration::from_secs(30);
const NO_THREADS: (&str, &str) = ("RUST_MIN_STACK", "1099511627776");

/// 一行表：参数、环境变量、期望的退出码、错误信息里必须有的词（退出码 0 时不查）。
struct Case {
    args: Vec<OsString>,
    envs: Vec<(String, OsString)>,
    code: i32,
    names: &'static str,
}

fn case(args: &[&str], envs: &[(&str, &str)], code: i32, names: &'static str) -> Case {
    Case {
        args: args.iter().map(OsString::from).collect(),
        envs: envs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect(),
        code,
        names,
    }
}

#[test]
fn every_bad_input_gets_one_line_and_a_clean_exit() {
    let long_tmp = format!("/tmp/{}", "x".repeat(100));
    let mut cases = vec![
        // 选项超出范围、太大、太小、不是数。
        case(&["pool", "--jobs", "0"], &[], 2, "--jobs"),
        case(&["pool", "--jobs", "65"], &[], 2, "--jobs"),
        case(&["pool", "--jobs", "100000"], &[], 2, "--jobs"),
        case(&["pool", "--jobs", "-1"], &[], 2, "-1"),
        case(&["pool", "--jobs", "1e9"], &[], 2, "--jobs"),
        case(&["costs", "--jobs", "4"], &[], 2, "--jobs"),
        case(&["costs", "--jobs", "100000"], &[], 2, "--jobs"),
        case(&["costs", "--round-trips", "4"], &[], 2, "--round-trips"),
        case(
            &["costs", "--round-trips", "18446744073709551616"],
            &[],
            2,
            "--round-trips",
        ),
        case(&["ping-pong-queue", "--crash"], &[], 2, "--crash"),
        // 时间比例超出 0.001..=100。
        case(
            &["join"],
            &[("LESSON_TIME_SCALE", "5e-324")],
            2,
            "LESSON_TIME_SCALE",
        ),
        case(
            &["pool"],
            &[("LESSON_TIME_SCALE", "1e20")],
            2,
            "LESSON_TIME_SCALE",
        ),
        case(
            &["isolation"],
            &[("LESSON_TIME_SCALE", "1e300")],
            2,
            "LESSON_TIME_SCALE",
        ),
        case(
            &["ping-pong"],
            &[("LESSON_TIME_SCALE", "1e12")],
            2,
            "LESSON_TIME_SCALE",
        ),
        // TMPDIR 不能用：不是目录（root 也无权在普通文件下面建目录）、不存在、太长。
        case(&["spawn"], &[("TMPDIR", "/etc/passwd/x")], 1, "TMPDIR"),
        case(&["pool"], &[("TMPDIR", "/etc/passwd/x")], 1, "TMPDIR"),
        case(
            &["ping-pong-queue"],
            &[("TMPDIR", "/no/such/dir")],
            1,
            "TMPDIR",
        ),
        case(
            &["costs", "--jobs", "5"],
            &[("TMPDIR", "/no/such/dir")],
            1,
            "TMPDIR",
        ),
        case(&["args"], &[("TMPDIR", long_tmp.as_str())], 1, "107"),
        // 操作系统不让开线程：有线程的例子一行错误，没有线程的照常运行。
        case(&["pool"], &[NO_THREADS], 1, "错误"),
        case(&["ping-pong-queue"], &[NO_THREADS], 1, "错误"),
        case(&["costs", "--jobs", "5"], &[NO_THREADS], 1, "错误"),
        case(&["join", "--timeline"], &[NO_THREADS], 1, "错误"),
        // 子进程靠一个读 stdin 的线程随父进程结束，父进程靠一个线程收结果：没有线程就不启动。
        case(&["spawn"], &[NO_THREADS], 1, "线程"),
        // `all` 里一个例子失败：只有例子的进程说的那一行，带着例子的名字。
        case(&["all"], &[NO_THREADS], 1, "例子 spawn："),
        case(&["all"], &[("TMPDIR", "/no/such/dir")], 1, "TMPDIR"),
        // 子进程的隐藏参数被人手动使用。
        case(
            &["__shared_process_child"],
            &[],
            2,
            "__shared_process_child",
        ),
        case(
            &["__shared_process_child", "a", "b"],
            &[],
            2,
            "__shared_process_child",
        ),
        case(
            &["__shared_process_child", "/tmp/x", "3", "1"],
            &[],
            2,
            "__shared_process_child",
        ),
    ];
    // 非 UTF-8 的参数和 TMPDIR。
    cases.push(Case {
        args: vec!["pool".into(), "--jobs".into(), non_utf8()],
        envs: vec![],
        code: 2,
        names: "UTF-8",
    });
    cases.push(Case {
        args: vec![non_utf8()],
        envs: vec![],
        code: 2,
        names: "参数不是 UTF-8",
    });
    let mut bad_tmp = OsString::from("/tmp/");
    bad_tmp.push(non_utf8());
    cases.push(Case {
        args: vec!["spawn".into()],
        envs: vec![("TMPDIR".into(), bad_tmp)],
        code: 1,
        names: "TMPDIR",
    });

    for c in &cases {
        let mut cmd = lesson(EXE, &[]);
        cmd.args(&c.args);
        let tmp = fresh_tmp();
        cmd.env("TMPDIR", &*tmp);
        cmd.envs(c.envs.iter().map(|(k, v)| (k, v)));
        let what = format!("{:?} {:?}", c.args, c.envs);
        let start = Instant::now();
        let out = run(cmd, LIMIT);
        assert!(start.elapsed() < LIMIT, "{what}");
        assert_eq!(out.status.code(), Some(c.code), "{what}\n{out}");
        assert!(!out.stderr.contains("panicked"), "{what}\n{out}");
        if c.code != 0 {
            assert_eq!(out.stderr.lines().count(), 1, "one line: {what}\n{out}");
            assert!(
                out.stderr.contains(c.names),
                "{what} names {}\n{out}",
                c.names
            );
        }
        let stray = common::stray(&tmp);
        assert!(stray.is_empty(), "{what} left {stray:?}");
    }
}

/// 读 `n` 个字节就关掉管道（像 `| head -c n`）：安静地结束，不 panic，不留进程。
#[test]
fn a_closed_pipe_ends_quietly() {
    let examples = lesson_processes::EXAMPLES.iter().map(|e| vec![e.name]);
    for args in examples.chain([vec!["all"]]) {
        let args = args.as_slice();
        let tmp = fresh_tmp();
        let mut child = lesson(EXE, args)
            .env("TMPDIR", &*tmp)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut first = [0u8; 20];
        let _ = stdout.read_exact(&mut first);
        let kids = descendants(child.id());
        drop(stdout);
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                start.elapsed() < LIMIT,
                "{args:?} hangs after the pipe closed"
            );
            std::thread::sleep(Duration::from_millis(5));
        };
        let mut stderr = String::new();
        let _ = child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr);
        assert!(
            !stderr.contains("panicked"),
            "{args:?} {status:?}\n{stderr}"
        );
        // 读的一方走了：子进程被 SIGPIPE 结束，父进程看到标准输出已经没人读，什么也不说。
        assert!(stderr.is_empty(), "{args:?}\n{stderr}");
        let left = left_behind(&kids, Duration::from_secs(1));
        assert!(left.is_empty(), "{args:?} left {left:?}");
    }
}

/// 标准输出或标准错误写不出去（接到 /dev/full）：最多一行、退出码 1，从不 panic，也不会
/// 退出码 0 却丢了输出；子进程（本程序再启动一次）写不出去时也一样，而且不留进程、不在
/// TMPDIR 里留东西。一张表：每个例子（由 `EXAMPLES` 得来）和它的 `--help`、目录、`--help`、
/// `all`；标准错误写不出去时，输入有误仍是 2、运行出错仍是 1。
#[test]
fn a_full_stdout_or_stderr_ends_in_one_line_and_exit_1() {
    use shared_testing::{Full, FullCase};
    let mut table = Vec::new();
    for e in lesson_processes::EXAMPLES {
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
    table.push(FullCase::silent(&["spawn"], Full::Stderr, 2).env("LESSON_TIME_SCALE", "0"));
    table.push(FullCase::silent(&["spawn"], Full::Stderr, 1).env(NO_THREADS.0, NO_THREADS.1));
    table.push(FullCase::silent(&["spawn"], Full::Stderr, 0));
    table.push(FullCase::silent(&["pool"], Full::Both, 1));
    // 手动启动子进程的角色、标准错误又写不出去：说不出那一行，退出码照样是 2（不是 abort）。
    table.push(FullCase::silent(
        &["__shared_process_child"],
        Full::Stderr,
        2,
    ));
    let mut failures = Vec::new();
    for case in &table {
        let tmp = fresh_tmp();
        if let Err(e) = case.check(EXE, |cmd| {
            cmd.env("TMPDIR", &*tmp);
        }) {
            failures.push(e);
        }
        let stray = common::stray(&tmp);
        if !stray.is_empty() {
            failures.push(format!("{:?} left in TMPDIR: {stray:?}", case.args));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// 运行中 TMPDIR 被删掉（`costs` 不停地启动子进程）：一行说明，退出码 1，不 panic，
/// 不留进程。
#[test]
fn tmpdir_removed_mid_run_gets_one_line() {
    let tmp = fresh_tmp();
    let dir = tmp.0.clone();
    let run = common::interrupt(
        &["costs", "--jobs", "2000"],
        "1",
        &tmp,
        1,
        Duration::from_millis(30),
        move |_, _| {
            // 子进程可能正往里建握手的目录：删不掉（目录不空）就再试。
            let start = Instant::now();
            while std::fs::remove_dir_all(&dir).is_err() {
                assert!(start.elapsed() < LIMIT, "could not remove TMPDIR");
                std::thread::sleep(Duration::from_millis(1));
            }
        },
    );
    assert_eq!(
        run.status.code(),
        Some(1),
        "{:?}\n{}",
        run.status,
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("TMPDIR"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.left.is_empty(), "left {:?}", run.left);
}

/// 运行中文件描述符用完（测试用 prlimit 把运行着的 `costs` 的上限降到 8）：一行说明原因，
/// 退出码 1，不 panic，不留进程。
#[test]
fn descriptors_exhausted_mid_run_gets_one_line() {
    let tmp = fresh_tmp();
    let run = common::interrupt(
        &["costs", "--jobs", "2000"],
        "1",
        &tmp,
        1,
        Duration::from_millis(30),
        |parent, _| {
            let limit = libc::rlimit {
                rlim_cur: 8,
                rlim_max: 8,
            };
            let pid = i32::try_from(parent).expect("pid");
            // SAFETY: 改这个测试自己启动的进程的资源限额；`limit` 是有效的局部变量。
            let rc =
                unsafe { libc::prlimit(pid, libc::RLIMIT_NOFILE, &limit, std::ptr::null_mut()) };
            assert_eq!(rc, 0, "prlimit");
        },
    );
    assert_eq!(
        run.status.code(),
        Some(1),
        "{:?}\n{}",
        run.status,
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("打开的文件太多"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.left.is_empty(), "left {:?}", run.left);
    let stray = common::stray(&tmp);
    assert!(stray.is_empty(), "left in TMPDIR: {stray:?}");
}

/// 一开始文件描述符就很少（`ulimit -n 4` 到 `16`）：要么照常做完，要么一行说明描述符用完了、
/// 退出码 1；从不 panic（ipc-channel 开不了量缓冲区的 socket、收到被内核截掉的通道时都会
/// panic），不在 TMPDIR 里留东西。
#[test]
fn few_descriptors_from_the_start_end_in_one_line_or_succeed() {
    let mut failures = Vec::new();
    for limit in 4..=16u64 {
        for example in ["spawn", "pool", "ping-pong-queue"] {
            let tmp = fresh_tmp();
            let mut cmd = lesson(EXE, &[example]);
            cmd.env("TMPDIR", &*tmp);
            {
                use std::os::unix::process::CommandExt;
                // SAFETY: fork 之后、exec 之前只调用异步信号安全的 setrlimit。
                unsafe {
                    cmd.pre_exec(move || {
                        let rl = libc::rlimit {
                            rlim_cur: limit,
                            rlim_max: limit,
                        };
                        if libc::setrlimit(libc::RLIMIT_NOFILE, &rl) != 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                        Ok(())
                    });
                }
            }
            let out = shared_testing::run(cmd, LIMIT);
            let lines: Vec<&str> = out.stderr.lines().collect();
            let ok = match out.status.code() {
                Some(0) => lines.is_empty(),
                Some(1) => {
                    lines.len() == 1
                        && lines[0].starts_with("错误 (error)：")
                        && (lines[0].contains("打开的文件太多")
                            || lines[0].contains("文件描述符用完了"))
                }
                _ => false,
            } && !out.stderr.contains("panic");
            if !ok {
                failures.push(format!("ulimit -n {limit} {example}: {out}"));
            }
            let stray = common::stray(&tmp);
            if !stray.is_empty() {
                failures.push(format!("ulimit -n {limit} {example} left {stray:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// 没挂 `/proc` 的容器（这里用 `unshare -m` 在新的挂载命名空间里拿一个空的 tmpfs 盖住
/// `/proc`）：子进程由 `/proc/self/exe` 启动，启动不了时一行说出这个文件，问 `/proc` 挂上了没有。
/// 没有 `unshare` 或者没有权限（不是 root）时说一行，不判。
#[test]
fn without_proc_the_error_names_proc_self_exe() {
    let probe = std::process::Command::new("unshare")
        .args(["-m", "true"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("unshare -m 不可用（要 root）：这个测试不判");
        return;
    }
    let mut cmd = lesson("unshare", &[]);
    cmd.args([
        "-m",
        "sh",
        "-c",
        "mount -t tmpfs none /proc && exec \"$0\" \"$@\"",
        EXE,
        "spawn",
    ]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{out}");
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    assert!(
        out.stderr.contains("/proc/self/exe") && out.stderr.contains("/proc 挂上了吗"),
        "{out}"
    );
}
