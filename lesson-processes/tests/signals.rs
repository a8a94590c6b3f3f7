#![cfg(target_os = "linux")]

//! 父进程在运行中的不同时刻被 SIGINT（Ctrl-C）、SIGTERM、SIGHUP、SIGQUIT 或 SIGKILL：
//! 1 秒后它的子进程一个不剩（按 PID 和启动时刻认，子进程在 `ps` 里和父进程同名），私有的
//! TMPDIR 里也没有留下握手的 socket——SIGKILL 也一样：握手的 socket 是子进程建的，
//! 父进程死了它删掉再退出（见 shared/src/process/cleanup.rs）。

mod common;

use std::time::Duration;

use common::{fresh_tmp, interrupt, send, stray};

const SIGNALS: [i32; 5] = [
    libc::SIGINT,
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGQUIT,
    libc::SIGKILL,
];

/// (看见几个子进程之后, 再等多久)。
type Moment = (usize, u64);

#[track_caller]
fn check(args: &[&str], scale: &str, moments: &[Moment]) {
    for &(children, delay) in moments {
        for signal in SIGNALS {
            let tmp = fresh_tmp();
            let delay = Duration::from_millis(delay);
            let run = interrupt(args, scale, &tmp, children, delay, |parent, _| {
                send(parent, signal);
            });
            let what = format!("{args:?} signal {signal} after {children} children + {delay:?}");
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(
                run.status.signal(),
                Some(signal),
                "{what}: {:?}\n{}",
                run.status,
                run.stderr
            );
            assert!(run.left.is_empty(), "{what} left {:?}", run.left);
            let stray = stray(&tmp);
            assert!(stray.is_empty(), "{what} left in TMPDIR: {stray:?}");
            assert!(!run.stderr.contains("panicked"), "{what}\n{}", run.stderr);
        }
    }
}

#[test]
fn ping_pong_queue_leaves_nothing_behind() {
    check(&["ping-pong-queue"], "3", &[(1, 0), (2, 100)]);
}

#[test]
fn pool_leaves_nothing_behind() {
    // (1, 0)：池还在一个一个地启动工作进程（握手中）；(3, 50)：三个在下载（空闲的第四个
    // 在 `with` 块结束时就退出了）。
    check(&["pool"], "1", &[(1, 0), (2, 0), (3, 50)]);
}

#[test]
fn costs_leaves_nothing_behind() {
    // 每个任务一个进程：子进程不停地来来去去，握手的时刻很多。
    check(&["costs"], "1", &[(1, 0), (1, 20), (1, 150), (1, 400)]);
}

#[test]
fn isolation_leaves_nothing_behind() {
    check(&["isolation"], "1", &[(1, 0), (1, 100)]);
}

/// `costs` 大部分时间在启动进程（握手）：在 20 个不同的时刻 SIGKILL 它，每次都既不留
/// 进程，也不留握手的 socket。
#[test]
fn costs_killed_twenty_times_leaves_nothing() {
    for i in 0..20u64 {
        let tmp = fresh_tmp();
        let delay = Duration::from_millis(i * 7 % 60);
        let run = interrupt(
            &["costs", "--jobs", "2000"],
            "1",
            &tmp,
            1,
            delay,
            |parent, _| {
                send(parent, libc::SIGKILL);
            },
        );
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(run.status.signal(), Some(libc::SIGKILL), "{}", run.stderr);
        assert!(run.left.is_empty(), "run {i} left {:?}", run.left);
        let stray = stray(&tmp);
        assert!(
            stray.is_empty(),
            "run {i} (+{delay:?}) left in TMPDIR: {stray:?}"
        );
    }
}
