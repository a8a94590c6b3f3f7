//! 进程课几个测试文件共用的帮手：私有的 TMPDIR、盯着后代进程的运行、发信号。
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use shared_testing::{Output, Proc, descendants, lesson, readers};

pub const EXE: &str = env!("CARGO_BIN_EXE_lesson-processes");
pub const LIMIT: Duration = Duration::from_secs(60);

/// 一个只属于这次运行的空临时目录（`TMPDIR`），ipc-channel 的握手 socket 建在这里。
/// 被丢弃时连同里面的东西一起删掉，测试失败 (panic) 时也一样。
pub struct TmpDir(pub PathBuf);

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

pub fn fresh_tmp() -> TmpDir {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("lp-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create a temp dir");
    TmpDir(dir)
}

/// TMPDIR 里剩下的东西。
pub fn stray(tmp: &TmpDir) -> Vec<PathBuf> {
    std::fs::read_dir(&**tmp)
        .expect("read tmp")
        .filter_map(|e| Some(e.ok()?.path()))
        .collect()
}

/// 一次运行：输出、它的 PID、运行期间看到过的所有后代进程。
pub struct Watched {
    pub out: Output,
    pub pid: u32,
    pub seen: BTreeSet<Proc>,
}

/// 运行并一直盯着它的后代进程；结束后检查后代全都不在了、临时目录是空的。
#[track_caller]
pub fn watch(args: &[&str], scale: &str) -> Watched {
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
    // 留下的后代拿着输出的管道：先认出并结束它们，再读完输出。
    let left = shared_testing::left_behind(&seen, Duration::from_secs(1));
    for &pid in &left {
        send(pid, libc::SIGKILL);
    }
    let out = Output {
        status,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
        wall,
    };
    assert!(left.is_empty(), "{args:?} left processes {left:?}\n{out}");
    let stray = stray(&tmp);
    assert!(
        stray.is_empty(),
        "{args:?} left in TMPDIR: {stray:?}\n{out}"
    );
    assert!(!out.stderr.contains("panicked"), "{out}");
    Watched { out, pid, seen }
}

/// `…PID是1234` 这样的行里的 PID。
pub fn pid_in(line: &str) -> u32 {
    line.rsplit("PID是")
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no PID in {line:?}"))
}

/// 向一个进程发信号。
pub fn send(pid: u32, signal: i32) {
    let pid = i32::try_from(pid).expect("pid fits");
    // SAFETY: kill 只向这个测试自己启动的进程（或它的子进程）发信号。
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill {pid}");
}

/// 一次被打断的运行：父进程的退出状态、看到过的后代、输出。
pub struct Interrupted {
    pub status: ExitStatus,
    pub seen: BTreeSet<Proc>,
    pub stdout: String,
    pub stderr: String,
    /// 父进程结束 1 秒后还活着的后代（已被测试结束掉）。
    pub left: Vec<u32>,
}

/// 运行 `args`，等到看见 `children` 个后代、再过 `delay`，然后调用 `act(父 PID, 此刻的后代)`；
/// 等父进程结束（最多 `LIMIT`）。运行期间每 1 毫秒记下看到的后代。父进程结束 1 秒后还活着
/// 的后代记在 `left` 里并被结束掉（它们拿着输出的管道，不结束它们就读不完输出）。
#[track_caller]
pub fn interrupt(
    args: &[&str],
    scale: &str,
    tmp: &TmpDir,
    children: usize,
    delay: Duration,
    act: impl FnOnce(u32, &[Proc]),
) -> Interrupted {
    let mut cmd = lesson(EXE, args);
    cmd.env("LESSON_TIME_SCALE", scale)
        .env("TMPDIR", &**tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut parent = cmd.spawn().expect("start");
    let (out, err) = readers(&mut parent);
    let start = Instant::now();
    let mut seen = BTreeSet::new();
    let mut since = None::<Instant>;
    let mut act = Some(act);
    let status = loop {
        let now = descendants(parent.id());
        seen.extend(now.iter().copied());
        if since.is_none() && now.len() >= children {
            since = Some(Instant::now());
        }
        if let Some(t) = since
            && t.elapsed() >= delay
            && let Some(act) = act.take()
        {
            act(parent.id(), &now);
        }
        if let Some(status) = parent.try_wait().expect("try_wait") {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = parent.kill();
            let _ = parent.wait();
            break parent.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let left = shared_testing::left_behind(&seen, Duration::from_secs(1));
    for &pid in &left {
        send(pid, libc::SIGKILL);
    }
    assert!(act.is_none(), "{args:?} ended before it was interrupted");
    Interrupted {
        status,
        seen,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
        left,
    }
}

/// 非 UTF-8 的参数。
pub fn non_utf8() -> std::ffi::OsString {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(b"\xff").to_owned()
}

/// 运行命令，最多 `limit`。
pub fn run(cmd: Command, limit: Duration) -> Output {
    shared_testing::run(cmd, limit)
}
