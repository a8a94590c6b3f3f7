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

/// 启动课程的二进制。`check-portable` 的 Wine 8 偶尔让 `CreateProcess` 失败，错误码
/// 1359 (ERROR_INTERNAL_ERROR，"Internal error."；这里见过两次，都在别的进程正在启动或
/// 退出的时候)：这不是课程的问题，隔一会儿再试，最多三次。别的错误照常报出来。
#[track_caller]
pub fn start_child(cmd: &mut Command) -> std::process::Child {
    let mut tries = 0;
    loop {
        match cmd.spawn() {
            Err(e) if cfg!(windows) && e.raw_os_error() == Some(1359) && tries < 3 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(200));
            }
            started => return started.expect("start the lesson binary"),
        }
    }
}

/// 运行命令直到结束；超过 `limit` 就杀掉它并 panic（测试不应该挂住）。
#[track_caller]
pub fn run(mut cmd: Command, limit: Duration) -> Output {
    let start = Instant::now();
    let mut child = start_child(cmd.stdout(Stdio::piped()).stderr(Stdio::piped()));
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
    let mut child = start_child(cmd.stdout(Stdio::piped()).stderr(Stdio::piped()));
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
/// 目录列出每个例子和运行它的命令、`--help` 成功、未知的例子或选项和不合法的环境变量都是
/// 一行错误加退出码 2、没有 panic；文档标题（不加引号照着敲也行）找到它的例子。
#[track_caller]
pub fn check_cli_contract(exe: &str, section: &shared::cli::Lesson) {
    let limit = Duration::from_secs(30);
    // 目录按例子表 `EXAMPLES` 的顺序（文档的顺序）列出每个例子和运行它的命令。
    let toc = run(lesson(exe, &[]), limit).success();
    let mut last = 0;
    for e in section.examples {
        let command = format!("  {}\n", e.command(section));
        let at = toc.stdout.find(&command);
        assert!(
            at.is_some_and(|at| at >= last),
            "目录里没有 {command}，或者顺序不对\n{toc}"
        );
        last = at.unwrap_or_default();
        if e.measured {
            assert!(command.contains("--release"), "{command}");
        }
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
    // 拼错一个字母：clap 建议正确的名字；拼错的选项也一样。
    let typo = format!("{first}x");
    usage_error(&[&typo], &[], &format!("{first} (did you mean)"));
    usage_error(
        &[first, "--timline"],
        &[],
        "是不是 --timeline (did you mean)",
    );
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
    // 非 UTF-8 的参数：说的就是这件事（而不是"没有叫 � 的例子"），在哪个位置都一样。
    for before in [&[][..], &[first]] {
        let mut cmd = lesson(exe, before);
        cmd.arg(non_utf8_arg());
        let out = run(cmd, limit);
        assert_eq!(out.status.code(), Some(2), "non-UTF-8\n{out}");
        assert_eq!(out.stderr.lines().count(), 1, "non-UTF-8\n{out}");
        assert!(
            out.stderr.contains("参数不是 UTF-8 (invalid UTF-8)"),
            "non-UTF-8\n{out}"
        );
    }
    // 每个例子的 --help 成功，第一行是它的标题和说明（不是它 `Opts` 的文档注释），
    // 并说出环境变量。
    for e in section.examples {
        let out = run(lesson(exe, &[e.name, "--help"]), limit).success();
        let about = format!("{} · {}", e.heading, e.what);
        assert_eq!(
            out.lines().first(),
            Some(&about.as_str()),
            "{}\n{out}",
            e.name
        );
        assert!(
            out.stdout.contains("LESSON_TIME_SCALE"),
            "{}\n{out}",
            e.name
        );
    }
    // 每个文档标题，加引号或不加（shell 把它拆成几个参数）：是一个例子完整的标题时找到它
    // （即使它也是别的例子标题的前半部分，如 `线程锁` 和 `线程锁 · 死锁`）；是几个例子完整
    // 的标题，或者只是几个例子标题的前半部分（如 `协程程序`）时被拒绝，并说出是哪几个。
    // 期望直接由例子表算出，不问被测的 `resolve`；用 `--help` 看找到的是哪个例子，不必运行它。
    let base = |h: &'static str| h.split(" · ").next().unwrap_or(h);
    let mut typed: Vec<(&str, Vec<&shared::cli::Example>)> = Vec::new();
    for e in section.examples {
        let exact = section.examples.iter().filter(|x| x.heading == e.heading);
        typed.push((e.heading, exact.collect()));
        let half = base(e.heading);
        if section
            .examples
            .iter()
            .all(|x| x.heading != half && x.name != half)
        {
            let by_half = section.examples.iter().filter(|x| base(x.heading) == half);
            typed.push((half, by_half.collect()));
        }
    }
    for (heading, want) in typed {
        let words: Vec<&str> = heading.split_whitespace().collect();
        for args in [vec![heading], words] {
            let mut args = args.clone();
            args.push("--help");
            let out = run(lesson(exe, &args), limit);
            match want.as_slice() {
                [e] => {
                    let about = format!("{} · {}", e.heading, e.what);
                    let out = out.success();
                    assert_eq!(
                        out.lines().first(),
                        Some(&about.as_str()),
                        "{args:?}\n{out}"
                    );
                }
                several => {
                    assert_eq!(out.status.code(), Some(2), "{args:?}\n{out}");
                    for e in several {
                        assert!(out.stderr.contains(e.name), "{args:?}\n{out}");
                    }
                }
            }
        }
    }
}

/// README 里这个课程的表格（`### … → `lesson-…`` 下面那张）的每一行：
/// (文档标题, 命令)，如 (`线程锁`, `lesson-threads -- lock`)。
pub fn readme_rows(readme: &str, crate_name: &str) -> Vec<(String, String)> {
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
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            Some((
                cells.get(1)?.to_string(),
                cells.get(3)?.trim_matches('`').to_owned(),
            ))
        })
        .collect()
}

/// README 里这个课程的表格和课程的例子表 (`EXAMPLES`，唯一的来源) 一致：每个例子一行、
/// 按同样的顺序；「文档标题」一列就是例子的标题（Markdown 的反引号只是排版），照着敲能找到
/// 这个例子，或者被拒绝并说出它；命令运行的正是这个例子，测量类的例子带 `--release`。
#[track_caller]
pub fn check_readme_rows(readme: &str, section: &shared::cli::Lesson) {
    let rows = readme_rows(readme, section.crate_name);
    let names: Vec<String> = rows
        .iter()
        .map(|(_, command)| {
            let after = command.split(" -- ").nth(1).unwrap_or_default();
            after
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let examples: Vec<&str> = section.examples.iter().map(|e| e.name).collect();
    assert_eq!(
        names, examples,
        "README 的表和 EXAMPLES 一行对一个例子、顺序相同"
    );
    for ((title, command), e) in rows.iter().zip(section.examples) {
        let typed = title.replace('`', "");
        assert_eq!(
            typed, e.heading,
            "{}：README 的标题和例子的标题一样",
            e.name
        );
        match shared::cli::resolve(section, &typed) {
            Ok(found) => assert_eq!(found.name, e.name, "标题 {typed}"),
            Err(names) => assert!(names.contains(&e.name), "标题 {typed} → {names:?}"),
        }
        let prefix = if e.measured {
            format!("{} --release -- ", section.crate_name)
        } else {
            format!("{} -- ", section.crate_name)
        };
        assert!(
            command.starts_with(&prefix),
            "{}：{command} 应以 {prefix} 开头",
            e.name
        );
    }
}

/// `/dev/full`：往里写的每个字节都得到"磁盘满了" (ENOSPC)，用来检查写不出输出时的样子。
/// 只有 Linux 有它。
#[cfg(target_os = "linux")]
pub const DEV_FULL: &str = "/dev/full";

/// 哪一路输出接到 [`DEV_FULL`]。
#[cfg(target_os = "linux")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// 标准输出写不出去。
    Stdout,
    /// 标准错误写不出去。
    Stderr,
    /// 两路都写不出去。
    Both,
}

/// 运行 `cmd`，把 `full` 那一路接到 [`DEV_FULL`]、另一路读出来，最多等 `limit`；运行时每毫秒
/// 记下它的后代进程，结束 1 秒后还活着的算留下的（被结束掉，并断言没有）。
#[cfg(target_os = "linux")]
#[track_caller]
pub fn run_full(mut cmd: Command, full: Full, limit: Duration) -> Output {
    let dev_full = || {
        Stdio::from(
            std::fs::File::options()
                .write(true)
                .open(DEV_FULL)
                .expect("open /dev/full"),
        )
    };
    let (to_stdout, to_stderr) = match full {
        Full::Stdout => (dev_full(), Stdio::piped()),
        Full::Stderr => (Stdio::piped(), dev_full()),
        Full::Both => (dev_full(), dev_full()),
    };
    let start = Instant::now();
    let mut child = start_child(cmd.stdout(to_stdout).stderr(to_stderr));
    let read = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = read(
        child
            .stdout
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let err = read(
        child
            .stderr
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let mut seen = std::collections::BTreeSet::new();
    let status = loop {
        seen.extend(descendants(child.id()));
        if let Some(status) = child.try_wait().expect("wait for the lesson") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?} with {full:?} on /dev/full");
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let wall = start.elapsed();
    let left = left_behind(&seen, Duration::from_secs(1));
    for &pid in &left {
        // SAFETY: 只向这次运行留下的后代进程（PID 和启动时刻都对上）发信号。
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    }
    let output = Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
        wall,
    };
    assert!(
        left.is_empty(),
        "{full:?} on /dev/full left processes {left:?}\n{output}"
    );
    output
}

/// 一行 /dev/full 的表：参数、环境变量、哪一路写不出去、期望的退出码、标准错误那一行里
/// 必须有的词（标准错误本身接到 /dev/full 时读不到，不查）。
#[cfg(target_os = "linux")]
#[derive(Debug, Clone)]
pub struct FullCase {
    /// 命令行参数。
    pub args: Vec<String>,
    /// 另加的环境变量。
    pub envs: Vec<(String, String)>,
    /// 哪一路接到 /dev/full。
    pub full: Full,
    /// 期望的退出码。
    pub code: i32,
    /// 标准错误那一行里必须有的词。
    pub says: &'static str,
}

#[cfg(target_os = "linux")]
impl FullCase {
    /// 标准输出写不出去：一行说出是标准输出 (stdout) 写不出去（子进程写不出去时也是这一句，
    /// 不说成 panic），退出码 1。
    pub fn stdout(args: &[&str]) -> Self {
        FullCase {
            args: args.iter().map(|a| a.to_string()).collect(),
            envs: Vec::new(),
            full: Full::Stdout,
            code: 1,
            says: "写标准输出失败 (cannot write to stdout)：",
        }
    }

    /// 标准错误（或两路）写不出去：什么也说不出来，只剩退出码 `code`。
    pub fn silent(args: &[&str], full: Full, code: i32) -> Self {
        FullCase {
            full,
            code,
            says: "",
            ..FullCase::stdout(args)
        }
    }

    /// 另加一个环境变量。
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.envs.push((key.to_owned(), value.to_owned()));
        self
    }

    /// 运行这一行（`extra` 可以再改命令，比如换一个 TMPDIR），不合期望时返回说明。
    pub fn check(&self, exe: &str, extra: impl FnOnce(&mut Command)) -> Result<(), String> {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let mut cmd = lesson(exe, &args);
        cmd.envs(self.envs.iter().map(|(k, v)| (k, v)));
        extra(&mut cmd);
        let out = run_full(cmd, self.full, Duration::from_secs(60));
        let lines: Vec<&str> = out.stderr.lines().collect();
        let ok = out.status.code() == Some(self.code)
            && !out.stderr.contains("panicked")
            && match self.full {
                Full::Stdout => {
                    lines.len() == 1
                        && lines[0].starts_with("错误 (error)：")
                        && lines[0].contains(self.says)
                        && !lines[0].contains("panic")
                }
                Full::Stderr | Full::Both => true,
            };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "{:?} {:?} {:?} on /dev/full → {:?}, want exit {} and {:?}\n{out}",
                self.args, self.envs, self.full, out.status, self.code, self.says
            ))
        }
    }
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
