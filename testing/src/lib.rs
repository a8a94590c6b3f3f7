//! 集成测试 (integration test) 的帮手：运行课程的二进制、解析输出、找子进程。
//!
//! 每个课程的 `tests/` 都要"用小时间比例运行真实的二进制，再检查输出"，这些重复的
//! 部分放在这里。测试里出错就 panic（附上输出），这正是测试想要的。
//! 它是单独的 crate，只作为开发依赖 (dev-dependency)：复制走的例子编译不到它。

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// 测试用的时间比例：文档里的 1 秒在测试里是 50 毫秒。
pub const TEST_SCALE: &str = "0.05";
/// 测试用的随机种子。
pub const TEST_SEED: &str = "7";

/// 一次运行的结果。
#[derive(Debug)]
pub struct Output {
    /// 退出状态。
    pub status: ExitStatus,
    /// 标准输出。
    pub stdout: String,
    /// 标准错误。
    pub stderr: String,
    /// 从启动到结束的墙钟时间。
    pub wall: Duration,
}

impl Output {
    /// 标准输出的各行。
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// 断言成功退出，返回自己以便链式调用。
    #[track_caller]
    pub fn success(self) -> Self {
        assert!(self.status.success(), "exit {:?}\n{self}", self.status);
        self
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- stdout ---\n{}--- stderr ---\n{}",
            self.stdout, self.stderr
        )
    }
}

/// 一个运行课程二进制的命令，带上测试用的时间比例和种子，标准输入为空。
///
/// Unix 上信号的处理方式恢复成默认：从没有作业控制的 shell 在后台启动的 `cargo test`
/// （CI 常这样）会让子进程继承"忽略 SIGINT"，那样测试里的 Ctrl-C 就到不了课程的程序。
pub fn lesson(exe: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .env("LESSON_TIME_SCALE", TEST_SCALE)
        .env("LESSON_SEED", TEST_SEED)
        .stdin(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: 在 fork 之后、exec 之前只调用异步信号安全的 signal，不分配内存、不碰锁。
        unsafe {
            cmd.pre_exec(|| {
                for sig in [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP] {
                    libc::signal(sig, libc::SIG_DFL);
                }
                Ok(())
            });
        }
    }
    cmd
}

/// 一个不是合法 Unicode 的命令行参数：Unix 上是字节 0xFF，Windows 上是落单的 UTF-16 代理项 (surrogate)。
pub fn non_utf8_arg() -> std::ffi::OsString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::ffi::OsStr::from_bytes(b"\xff").to_owned()
    }
    #[cfg(windows)]
    {
        use std::os::windows::ffi::OsStringExt;
        std::ffi::OsString::from_wide(&[0xD800])
    }
}

/// 运行命令直到结束；超过 `limit` 就杀掉它并 panic（测试不应该挂住）。
#[track_caller]
pub fn run(mut cmd: Command, limit: Duration) -> Output {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the lesson binary");
    let (out, err) = readers(&mut child);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the lesson") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "still running after {limit:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
                out.join().unwrap_or_default(),
                err.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall = start.elapsed();
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
        wall,
    }
}

/// 像 `… | head -c <bytes>`：读 `bytes` 个字节（不够就读到结束）后关掉管道的读端，
/// 等程序结束，最多等 `limit`（超过就杀掉它并 panic）。返回的 `stdout` 是读到的那些字节。
#[track_caller]
pub fn closed_pipe(mut cmd: Command, bytes: usize, limit: Duration) -> Output {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the lesson binary");
    let mut head = Vec::new();
    let stdout = child.stdout.take().expect("stdout is piped");
    let _ = stdout.take(bytes as u64).read_to_end(&mut head); // 读完就丢掉读端
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the lesson") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running {limit:?} after the pipe closed");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: String::from_utf8_lossy(&head).into_owned(),
        stderr: err.join().expect("stderr reader"),
        wall: start.elapsed(),
    }
}

type Reader = std::thread::JoinHandle<String>;

/// 在后台线程里读完子进程的输出，免得管道写满把它卡住。
pub fn readers(child: &mut Child) -> (Reader, Reader) {
    fn read_all(mut r: impl Read + Send + 'static) -> Reader {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = r.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    }
    let out = child.stdout.take().expect("stdout is piped");
    let err = child.stderr.take().expect("stderr is piped");
    (read_all(out), read_all(err))
}

/// 从 `下载耗时: 0.150秒.` 这样的行里取出秒数：`secs_after(line, "下载耗时: ")`。
pub fn secs_after(line: &str, prefix: &str) -> Option<f64> {
    line.strip_prefix(prefix)?.strip_suffix("秒.")?.parse().ok()
}

/// 输出里所有以 `prefix` 开头的行的秒数。
pub fn all_secs(stdout: &str, prefix: &str) -> Vec<f64> {
    stdout
        .lines()
        .filter_map(|l| secs_after(l, prefix))
        .collect()
}

/// 一个进程：(PID, 启动时刻)。PID 会被重用（线程也占 PID 号，用满 `pid_max` 就从头再来），
/// 所以认一个进程要连启动时刻一起认，否则别人新起的进程或线程会被当成"没结束的子进程"。
pub type Proc = (u32, u64);

/// 进程启动的时刻：Linux 是 `/proc/<pid>/stat` 的第 22 列（开机后的时钟滴答），
/// Windows 是 `GetProcessTimes` 的创建时刻。只支持 Linux 和 Windows。
#[cfg(any(target_os = "linux", windows))]
pub fn started_at(pid: u32) -> Option<u64> {
    os::started_at(pid)
}

/// 进程 `pid` 此刻的所有后代（子进程、孙进程……）：Linux 从 `/proc` 读，Windows 从
/// 系统的进程快照读。只支持 Linux 和 Windows。
#[cfg(any(target_os = "linux", windows))]
pub fn descendants(pid: u32) -> Vec<Proc> {
    let all = os::processes();
    let mut parents = vec![pid];
    let mut found = Vec::new();
    while let Some(p) = parents.pop() {
        let born = started_at(p);
        for &(child, parent) in &all {
            // 父进程号也会被重用：比父进程还早启动的不是它的孩子。
            if parent != p || child == p {
                continue;
            }
            if let Some(started) = started_at(child)
                && born.is_none_or(|b| started >= b)
            {
                found.push((child, started));
                parents.push(child);
            }
        }
    }
    found
}

/// 进程 `pid` 是否还活着（Linux 上僵尸进程算已经结束）。只支持 Linux 和 Windows。
#[cfg(any(target_os = "linux", windows))]
pub fn alive(pid: u32) -> bool {
    os::alive(pid)
}

#[cfg(target_os = "linux")]
mod os {
    pub fn started_at(pid: u32) -> Option<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // 第二列是放在括号里的进程名，名字里可能有空格，所以从最后一个 ')' 往后数。
        let rest = &stat[stat.rfind(')')? + 2..];
        rest.split_whitespace().nth(19)?.parse().ok()
    }

    /// 所有进程：(PID, 父进程的 PID)。
    pub fn processes() -> Vec<(u32, u32)> {
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter_map(|p| Some((p, parent_of(p)?)))
            .collect()
    }

    fn parent_of(pid: u32) -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let rest = &stat[stat.rfind(')')? + 2..];
        rest.split_whitespace().nth(1)?.parse().ok()
    }

    pub fn alive(pid: u32) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => stat
                .rfind(')')
                .and_then(|i| stat[i + 2..].chars().next())
                .is_some_and(|state| state != 'Z' && state != 'X'),
            Err(_) => false,
        }
    }
}

#[cfg(windows)]
mod os {
    use windows_sys::Win32::Foundation::{
        CloseHandle, FILETIME, HANDLE, INVALID_HANDLE_VALUE, STILL_ACTIVE,
    };
    use windows_sys::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, PROCESSENTRY32W, Process32FirstW, Process32NextW,
        TH32CS_SNAPPROCESS,
    };
    use windows_sys::Win32::System::Threading::{
        GetExitCodeProcess, GetProcessTimes, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
    };

    /// 打开进程只为查询；用完自动关掉句柄。
    struct Process(HANDLE);

    impl Process {
        fn open(pid: u32) -> Option<Process> {
            // SAFETY: 只要查询权限；进程不在了（或不让看）时返回空指针。
            let h = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
            (!h.is_null()).then_some(Process(h))
        }
    }

    impl Drop for Process {
        fn drop(&mut self) {
            // SAFETY: 我们打开的有效句柄，只关一次。
            unsafe { CloseHandle(self.0) };
        }
    }

    pub fn started_at(pid: u32) -> Option<u64> {
        let p = Process::open(pid)?;
        let zero = FILETIME {
            dwLowDateTime: 0,
            dwHighDateTime: 0,
        };
        let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
        // SAFETY: 有效的进程句柄，四个可写的 FILETIME。
        let ok = unsafe { GetProcessTimes(p.0, &mut created, &mut exited, &mut kernel, &mut user) };
        (ok != 0)
            .then(|| (u64::from(created.dwHighDateTime) << 32) | u64::from(created.dwLowDateTime))
    }

    pub fn processes() -> Vec<(u32, u32)> {
        // SAFETY: 拍一张全系统进程的快照；失败时返回 INVALID_HANDLE_VALUE。
        let snapshot = unsafe { CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0) };
        if snapshot == INVALID_HANDLE_VALUE {
            return Vec::new();
        }
        let snapshot = Process(snapshot);
        // SAFETY: 普通的数据结构，全零合法；dwSize 按文档先填好。
        let mut entry: PROCESSENTRY32W = unsafe { std::mem::zeroed() };
        entry.dwSize = size_of::<PROCESSENTRY32W>() as u32;
        let mut out = Vec::new();
        // SAFETY: 快照句柄有效，entry 可写且 dwSize 正确。
        let mut more = unsafe { Process32FirstW(snapshot.0, &mut entry) } != 0;
        while more {
            out.push((entry.th32ProcessID, entry.th32ParentProcessID));
            // SAFETY: 同上。
            more = unsafe { Process32NextW(snapshot.0, &mut entry) } != 0;
        }
        out
    }

    pub fn alive(pid: u32) -> bool {
        let Some(p) = Process::open(pid) else {
            return false;
        };
        let mut code = 0u32;
        // SAFETY: 有效的进程句柄，一个可写的 u32。
        let ok = unsafe { GetExitCodeProcess(p.0, &mut code) };
        ok != 0 && code == STILL_ACTIVE as u32
    }
}

/// 等这些进程全部结束，最多等 `limit`；返回还活着的 PID（同一个 PID、同一个启动时刻）。
#[cfg(any(target_os = "linux", windows))]
pub fn left_behind<'a>(procs: impl IntoIterator<Item = &'a Proc>, limit: Duration) -> Vec<u32> {
    let procs: Vec<Proc> = procs.into_iter().copied().collect();
    let start = Instant::now();
    loop {
        let left: Vec<u32> = procs
            .iter()
            .filter(|&&(p, t)| alive(p) && started_at(p) == Some(t))
            .map(|&(p, _)| p)
            .collect();
        if left.is_empty() || start.elapsed() > limit {
            return left;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// 检查一个课程二进制遵守命令行的约定（四个课程的 `tests/cli.rs` 都调用它）：
/// 目录列出每个例子、`--help` 成功、未知的例子或选项和不合法的环境变量都是
/// 一行错误加退出码 2、没有 panic。
#[track_caller]
pub fn check_cli_contract(exe: &str, section: &shared::cli::Lesson) {
    let limit = Duration::from_secs(30);
    let toc = run(lesson(exe, &[]), limit).success();
    for e in section.examples {
        let command = format!("cargo run -p {} -- {}", section.crate_name, e.name);
        assert!(toc.stdout.contains(&command), "目录里没有 {command}\n{toc}");
    }
    run(lesson(exe, &["--help"]), limit).success();

    let usage_error = |args: &[&str], envs: &[(&str, &str)], must_name: &str| {
        let mut cmd = lesson(exe, args);
        cmd.envs(envs.iter().copied());
        let out = run(cmd, limit);
        assert_eq!(out.status.code(), Some(2), "{args:?} {envs:?}\n{out}");
        assert_eq!(
            out.stderr.lines().count(),
            1,
            "one line: {args:?} {envs:?}\n{out}"
        );
        assert!(
            out.stderr.contains(must_name),
            "{args:?} {envs:?} names {must_name}\n{out}"
        );
        assert!(!out.stderr.contains("panicked"), "{out}");
    };
    usage_error(&["no-such-example"], &[], "no-such-example");
    usage_error(&["--no-such-flag"], &[], "--no-such-flag");
    let first = section.examples.first().map_or("all", |e| e.name);
    // 拼错一个字母：clap 建议正确的名字。
    let typo = format!("{first}x");
    usage_error(&[&typo], &[], first);
    for bad in [
        "abc", "0", "-1", "inf", "NaN", "5e-324", "1e20", "1e300", "1e12",
    ] {
        usage_error(&[first], &[("LESSON_TIME_SCALE", bad)], "LESSON_TIME_SCALE");
    }
    usage_error(&["all"], &[("LESSON_SEED", "x")], "LESSON_SEED");
    usage_error(&[first, "--no-such-flag"], &[], "--no-such-flag");
    if let Some(e) = section.examples.iter().find(|e| !e.timeline) {
        usage_error(&[e.name, "--timeline"], &[], e.name);
    }
    // 非 UTF-8 的参数。
    {
        let mut cmd = lesson(exe, &[]);
        cmd.arg(non_utf8_arg());
        let out = run(cmd, limit);
        assert_eq!(out.status.code(), Some(2), "non-UTF-8\n{out}");
        assert_eq!(out.stderr.lines().count(), 1, "non-UTF-8\n{out}");
    }
    // 每个例子的 --help 成功，并说出环境变量。
    for e in section.examples {
        let out = run(lesson(exe, &[e.name, "--help"]), limit).success();
        assert!(
            out.stdout.contains("LESSON_TIME_SCALE"),
            "{}\n{out}",
            e.name
        );
    }
    // 每个文档标题：只对应一个例子时是别名，对应几个时被拒绝并说出是哪几个。
    for e in section.examples {
        match shared::cli::resolve(section, e.heading) {
            Ok(found) => assert_eq!(found.name, e.name, "标题 {}", e.heading),
            Err(names) => {
                let out = run(lesson(exe, &[e.heading]), limit);
                assert_eq!(out.status.code(), Some(2), "{}\n{out}", e.heading);
                for n in names {
                    assert!(out.stderr.contains(n), "{}\n{out}", e.heading);
                }
            }
        }
    }
}

/// README 里这个课程的表格中「文档标题」一列的每个标题（第一列），给课程的测试核对。
pub fn readme_titles(readme: &str, crate_name: &str) -> Vec<String> {
    let heading = format!("→ `{crate_name}`");
    let Some(start) = readme
        .lines()
        .position(|l| l.starts_with("###") && l.contains(&heading))
    else {
        return Vec::new();
    };
    readme
        .lines()
        .skip(start + 1)
        .take_while(|l| !l.starts_with('#'))
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---") && !l.starts_with("| 文档标题"))
        .filter_map(|l| l.split('|').nth(1))
        .map(|t| t.trim().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secs_are_parsed_from_the_documents_lines() {
        assert_eq!(secs_after("下载耗时: 3.005秒.", "下载耗时: "), Some(3.005));
        assert_eq!(secs_after("总耗时: 6.00秒.", "总耗时: "), Some(6.0));
        assert_eq!(secs_after("总耗时: 6.00秒", "总耗时: "), None);
    }

    #[cfg(any(target_os = "linux", windows))]
    #[test]
    fn descendants_finds_a_child_and_alive_sees_it_end() {
        // 一个会一直等下去的子进程：命令行解释器读一个没人写的管道，等下一条命令。
        let program = if cfg!(windows) { "cmd" } else { "sh" };
        let mut child = Command::new(program)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start a waiting child");
        let found = descendants(std::process::id());
        let me = found.iter().find(|(p, _)| *p == child.id()).copied();
        assert!(me.is_some(), "{found:?}");
        assert!(alive(child.id()));
        child.kill().expect("kill");
        child.wait().expect("wait");
        assert!(!alive(child.id()));
        assert_eq!(
            left_behind(me.as_slice(), Duration::ZERO),
            Vec::<u32>::new()
        );
    }
}
