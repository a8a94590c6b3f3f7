#![cfg(target_os = "linux")]

//! 父进程在运行中的不同时刻被 SIGINT（Ctrl-C）或 SIGKILL：1 秒后它的子进程一个不剩
//! （按 PID 和启动时刻认，子进程在 `ps` 里和父进程同名）；被 SIGINT 时私有的 TMPDIR 里
//! 也没有留下握手的 socket（被 SIGKILL 时，握手那约 1 毫秒里的目录没人能删，见
//! shared/src/process.rs，所以那时不查）。

mod common;

use std::time::Duration;

use common::{fresh_tmp, interrupt, send, stray};

/// (看见几个子进程之后, 再等多久)。
type Moment = (usize, u64);

#[track_caller]
fn check(args: &[&str], scale: &str, moments: &[Moment]) {
    for &(children, delay) in moments {
        for signal in [libc::SIGINT, libc::SIGKILL] {
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
            if signal == libc::SIGINT {
                let stray = stray(&tmp);
                assert!(stray.is_empty(), "{what} left in TMPDIR: {stray:?}");
            }
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
