//! 收拾：子进程怎样随父进程结束、握手的临时 socket 怎样一定被删掉、错误怎样说清楚。
//!
//! **生命线 (lifeline)。** 子进程的 stdin 接在父进程手里的一根管道上（Unix 上是一对
//! socket，Windows 上是匿名管道）。子进程里的线程 `lifeline` 一直读它：父进程不管怎样
//! 结束——正常退出、panic、Ctrl-C、SIGTERM/SIGHUP/SIGQUIT、SIGKILL、Windows 的
//! TerminateProcess 或关掉控制台——操作系统都会关掉它的那一端，子进程读到 EOF 就退出。
//! 这不依赖哪个线程启动了子进程（Linux 的 `PR_SET_PDEATHSIG` 却跟着线程走），子进程的
//! 子进程也一样：一层层读到 EOF，一层层退出。
//!
//! **握手的 socket（Linux 等用 Unix socket 的系统）。** ipc-channel 的握手要在 `TMPDIR`
//! 里建 `.tmpXXXXXX/socket`。由**子进程**建它：建之前先挡住 SIGINT/SIGTERM/SIGHUP/SIGQUIT
//! （信号先挂着），父进程连上后 ipc-channel 随即删掉目录，再放开信号。父进程在握手中死了：
//! 子进程读到 EOF，删掉目录再退出。子进程在握手中被父进程 SIGKILL：父进程知道路径，替它删。
//! 所以父进程自己不建文件，也不需要信号处理函数；macOS 和 Windows 的握手本来就不用文件。

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use ipc_channel::ipc::{self, IpcSender};

use super::Error;
use super::spawn::{Hello, Start, fingerprint};

/// 子进程最多花多久连上父进程（启动一个程序通常只要几毫秒）。
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(20);

/// 父进程手里的生命线：被丢弃（或父进程结束）时，子进程读到 EOF 就退出。
#[derive(Debug)]
pub(super) struct Lifeline(#[allow(dead_code)] LifelineEnd);

#[cfg(unix)]
type LifelineEnd = std::os::unix::net::UnixStream;
#[cfg(windows)]
type LifelineEnd = std::process::ChildStdin;

/// 子进程为什么不接活。
#[derive(Debug)]
pub(super) enum Refused {
    /// 不是本程序的父进程启动的：说明一行，退出码 2。
    ByHand(String),
    /// 父进程已经不在了，或者它会报告错误：安静地退出。
    Quiet,
}

/// 重新启动本程序用的路径。Linux 上是 `/proc/self/exe`：程序文件在运行中被替换
/// （比如 `cargo build`）时，它仍指向正在运行的这一个。
pub(super) fn current_exe() -> Result<PathBuf, Error> {
    if cfg!(target_os = "linux") {
        return Ok(PathBuf::from("/proc/self/exe"));
    }
    std::env::current_exe().map_err(|e| Error(format!("找不到本程序的文件：{}", explain_io(&e))))
}

/// 子进程在 `ps` 里和父进程同名。
pub(super) fn set_arg0(command: &mut Command, arg0: std::ffi::OsString) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.arg0(arg0);
    }
    #[cfg(not(unix))]
    let _ = (command, arg0);
}

/// `init()` 在父进程里做的准备：ipc-channel 第一次发消息时才去量 socket 的缓冲区大小，
/// 量不成（文件描述符用完了）就 panic；趁现在一切正常先发一次。
pub(super) fn prepare() -> Result<(), Error> {
    let _ = fingerprint(); // 趁程序文件还是启动时的那个，记下它的指纹
    super::child::install_quiet_hook();
    warm_up().map_err(|e| Error(format!("建进程间通道失败：{}", explain_io(&e))))
}

/// 启动子进程失败的一行：说出启动的是哪个文件（Linux 上是 `/proc/self/exe`，没挂 `/proc`
/// 的容器里没有它）。
fn spawn_failed(command: &Command, e: &io::Error) -> Error {
    let program = command.get_program().to_string_lossy();
    let hint = if program.starts_with("/proc/") && e.kind() == io::ErrorKind::NotFound {
        "（/proc 挂上了吗？）"
    } else {
        ""
    };
    Error(format!(
        "启动子进程 {program} 失败{hint}：{}",
        explain_io(e)
    ))
}

/// 刷新标准输出，结束本进程。
pub(super) fn exit(code: i32) -> ! {
    let _ = io::stdout().flush();
    std::process::exit(code)
}

/// 等子进程结束，最多 `timeout`；没结束返回 `None`。
pub(super) fn wait_for(child: &mut Child, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if start.elapsed() >= timeout {
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(2));
    }
}

/// 本模块的线程往已经死了的子进程发消息时，得到一个错误，而不是整个进程被 SIGPIPE
/// 结束（课程的二进制把 SIGPIPE 恢复成了默认处理，好让 `… | head` 安静地结束）。
/// 写操作引发的 SIGPIPE 只发给做写操作的线程，在这个线程里挡住它就够了。
pub(super) fn quiet_sigpipe() {
    #[cfg(unix)]
    // SAFETY: 只改本线程的信号掩码；`set` 是有效的局部变量。
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// 给常见的系统错误加上原因：描述符用完、磁盘满了。
pub(crate) fn explain_io(e: &io::Error) -> String {
    #[cfg(unix)]
    let too_many = matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE));
    #[cfg(windows)]
    let too_many = e.raw_os_error() == Some(4); // ERROR_TOO_MANY_OPEN_FILES
    if too_many {
        return format!(
            "打开的文件太多 (too many open files)，文件描述符用完了（见 ulimit -n）：{e}"
        );
    }
    if e.kind() == io::ErrorKind::StorageFull {
        return format!("磁盘满了 (no space left on device)：{e}");
    }
    e.to_string()
}

/// 用中文说明一个退出状态：`退出码 0`，或 `被信号 9 (SIGKILL) 杀死`。
pub fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                libc::SIGHUP => "SIGHUP",
                libc::SIGINT => "SIGINT",
                libc::SIGQUIT => "SIGQUIT",
                libc::SIGILL => "SIGILL",
                libc::SIGABRT => "SIGABRT",
                libc::SIGBUS => "SIGBUS",
                libc::SIGFPE => "SIGFPE",
                libc::SIGKILL => "SIGKILL",
                libc::SIGSEGV => "SIGSEGV",
                libc::SIGPIPE => "SIGPIPE",
                libc::SIGTERM => "SIGTERM",
                _ => "?",
            };
            return format!("被信号 {signal} ({name}) 杀死");
        }
    }
    match status.code() {
        // Windows 上崩溃的进程以 NTSTATUS 为退出码，比如 abort() 的 0xC0000409。
        #[cfg(windows)]
        Some(code) if code as u32 >= 0xC000_0000 => {
            let name = match code as u32 {
                0xC000_0005 => "STATUS_ACCESS_VIOLATION",
                0xC000_00FD => "STATUS_STACK_OVERFLOW",
                0xC000_013A => "STATUS_CONTROL_C_EXIT",
                0xC000_0409 => "STATUS_STACK_BUFFER_OVERRUN，abort() 也是它",
                _ => "?",
            };
            format!("崩溃，退出码 {:#010X} ({name})", code as u32)
        }
        Some(code) => format!("退出码 {code}"),
        None => status.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// 握手：Unix（Linux、macOS……）
// ---------------------------------------------------------------------------------------------

/// 握手中的子进程：出错时结束它，并删掉它可能留下的握手 socket。
struct Starting {
    child: Option<Child>,
    socket: Option<PathBuf>,
}

impl Starting {
    fn child(&mut self) -> &mut Child {
        self.child.as_mut().expect("只在 done 之前用")
    }
    fn done(mut self) -> Child {
        self.socket = None;
        self.child.take().expect("只 done 一次")
    }
}

impl Drop for Starting {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(socket) = self.socket.take() {
            let _ = std::fs::remove_file(&socket);
            if let Some(dir) = socket.parent() {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

fn died_starting(child: &mut Child) -> Error {
    let pid = child.id();
    match wait_for(child, Duration::from_secs(2)) {
        Ok(Some(status)) => Error(format!("子进程 {pid} 没连上就结束了：{}", describe(status))),
        _ => Error(format!("子进程 {pid} 没连上就关掉了握手的管道")),
    }
}

fn too_slow(child: &Child) -> Error {
    Error(format!(
        "子进程 {} {} 秒内没有连上：它的 main 第一行调用 shared::process::init() 了吗？",
        child.id(),
        HANDSHAKE_LIMIT.as_secs()
    ))
}

/// 父进程：启动子进程，等它建好握手的 socket、告诉我们路径，连上去交给它派活的通道。
#[cfg(unix)]
pub(super) fn handshake(
    mut command: Command,
) -> Result<(Lifeline, Child, IpcSender<Option<Start>>), Error> {
    use std::os::fd::OwnedFd;
    use std::os::unix::net::UnixStream;

    check_tmpdir()?;
    let (ours, theirs) = UnixStream::pair()
        .map_err(|e| Error(format!("建子进程的生命线失败：{}", explain_io(&e))))?;
    command.stdin(Stdio::from(OwnedFd::from(theirs)));
    let child = command.spawn().map_err(|e| spawn_failed(&command, &e))?;
    // `command` 里还有一份子进程那一端：关掉它，子进程一死我们才读得到 EOF。
    drop(command);
    let mut starting = Starting {
        child: Some(child),
        socket: None,
    };
    let line = read_line(&ours, &mut starting)?;
    let name = match line.split_once(' ') {
        Some(("ok", name)) => name.to_owned(),
        Some(("err", why)) => return Err(Error(why.to_owned())),
        _ => return Err(Error(format!("子进程说了看不懂的话：{line:?}"))),
    };
    starting.socket = Some(PathBuf::from(&name));
    let hello = IpcSender::<Hello>::connect(name.clone()).map_err(|e| {
        Error(format!(
            "连不上子进程在临时目录里建的握手 socket {name}（{} 被删掉了？）：{}",
            tmpdir_name(),
            explain_io(&e)
        ))
    })?;
    let (jobs, inbox) =
        ipc::channel().map_err(|e| Error(format!("建进程间通道失败：{}", explain_io(&e))))?;
    hello
        .send(Hello {
            jobs: inbox,
            fingerprint: fingerprint(),
        })
        .map_err(|_| died_starting(starting.child()))?;
    Ok((Lifeline(ours), starting.done(), jobs))
}

/// 从生命线读一行（`ok 路径` 或 `err 原因`），同时盯着子进程是否已经结束；最多 20 秒。
#[cfg(unix)]
fn read_line(
    mut from: &std::os::unix::net::UnixStream,
    starting: &mut Starting,
) -> Result<String, Error> {
    let start = Instant::now();
    from.set_read_timeout(Some(Duration::from_millis(20)))?;
    let mut line = Vec::new();
    let mut buf = [0u8; 512];
    while !line.ends_with(b"\n") {
        match from.read(&mut buf) {
            Ok(0) => return Err(died_starting(starting.child())),
            Ok(n) => line.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                if starting.child().try_wait()?.is_some() {
                    return Err(died_starting(starting.child()));
                }
                if start.elapsed() > HANDSHAKE_LIMIT {
                    return Err(too_slow(starting.child.as_ref().expect("还在握手")));
                }
            }
            Err(e) => return Err(e.into()),
        }
        if line.len() > 64 * 1024 {
            return Err(Error("子进程说的话太长了".into()));
        }
    }
    from.set_read_timeout(None)?;
    line.pop();
    String::from_utf8(line).map_err(|_| Error("子进程说的话不是 UTF-8".into()))
}

/// 握手中的 socket 路径：生命线线程在父进程死了时删掉它。
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// 子进程：挡住结束信号，建握手的 socket，把路径告诉父进程，等它连上。
#[cfg(unix)]
pub(super) fn connect_to_parent() -> Result<Hello, Refused> {
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixStream;

    let held = StopSignals::hold();
    // ipc-channel 第一次发消息时才量 socket 的缓冲区，量不成（描述符用完了）就 panic：
    // 趁描述符用得最少的时候先发一次，出错就告诉父进程原因。
    let warm = super::child::quietly(warm_up);
    let stdin = io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map_err(|e| Refused::ByHand(format!("没有标准输入：{e}")))?;
    let lifeline = UnixStream::from(stdin);
    if lifeline.peer_addr().is_err() {
        return Err(Refused::ByHand("标准输入不是父进程交来的 socket".into()));
    }
    let say = |what: String| {
        let _ = (&lifeline).write_all(format!("{what}\n").as_bytes());
    };
    match warm {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            say(format!("err 子进程建不了进程间通道：{}", explain_io(&e)));
            return Err(Refused::Quiet);
        }
        Err(panic) => {
            say(format!("err 子进程建不了进程间通道：{panic}"));
            return Err(Refused::Quiet);
        }
    }
    let watcher = lifeline.try_clone().map_err(|e| {
        say(format!("err 子进程复制不了生命线：{}", explain_io(&e)));
        Refused::Quiet
    })?;
    if let Err(e) = thread::Builder::new()
        .name("sp-lifeline".into())
        .spawn(move || watch(watcher))
    {
        say(format!("err 子进程开不了线程 (thread refused)：{e}"));
        return Err(Refused::Quiet);
    }
    let made = {
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        // 临时目录建不成时 ipc-channel 会 panic（tempfile 的错误没有错误码）：先查一次
        // TMPDIR，再把剩下的 panic 接住，都变成给父进程的一行说明。
        let made = probe_tmpdir().and_then(|()| {
            super::child::quietly(ipc::IpcOneShotServer::<Hello>::new)
                .unwrap_or_else(|panic| Err(io::Error::other(panic)))
        });
        if let Ok((_, name)) = &made {
            *pending = Some(PathBuf::from(name));
        }
        made
    };
    let server = match made {
        Ok((server, name)) => {
            say(format!("ok {name}"));
            server
        }
        Err(e) => {
            say(format!("err {}", tmpdir_error(&e)));
            return Err(Refused::Quiet);
        }
    };
    // 父进程连上、发来 Hello；ipc-channel 随即删掉握手的目录。
    // 文件描述符快用完时，收到的消息里的通道会被内核截掉，ipc-channel 解出通道时 panic：
    // 接住它，和别的握手失败一样安静地结束（父进程会报告子进程没连上）。
    let hello = super::child::quietly(|| server.accept())
        .map_err(|_| Refused::Quiet)
        .and_then(|accepted| accepted.map_err(|_| Refused::Quiet));
    *PENDING.lock().unwrap_or_else(|e| e.into_inner()) = None;
    drop(held); // 握手时挂着的结束信号现在才生效：目录已经删了
    Ok(hello?.1)
}

/// 建一个通道、发一次消息（见 `prepare`）。
fn warm_up() -> io::Result<()> {
    let (tx, _rx) = ipc::channel::<()>()?;
    // 量缓冲区时它要再开一对 socket，开不成就 panic：先自己开一对试试，开不成就是个错误。
    #[cfg(unix)]
    drop(std::os::unix::net::UnixStream::pair()?);
    tx.send(()).map_err(io::Error::other)
}

/// 生命线线程：一直读到 EOF（父进程不在了），删掉握手中的 socket，结束本进程。
fn watch(mut lifeline: impl Read) {
    let mut buf = [0u8; 64];
    loop {
        match lifeline.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    // 拿着锁退出：主线程不会在这之后再登记新的路径。
    let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(socket) = pending.as_ref() {
        let _ = std::fs::remove_file(socket);
        if let Some(dir) = socket.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
    exit(1);
}

/// 握手期间挡住的结束信号；被丢弃时放开，挂着的信号随即生效。
#[cfg(unix)]
struct StopSignals(libc::sigset_t);

#[cfg(unix)]
impl StopSignals {
    fn hold() -> StopSignals {
        // SAFETY: 只改本线程的信号掩码（之后开的线程继承它）；两个集合都是有效的局部变量。
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
                libc::sigaddset(&mut set, signal);
            }
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old);
            StopSignals(old)
        }
    }
}

#[cfg(unix)]
impl Drop for StopSignals {
    fn drop(&mut self) {
        // SAFETY: 把本线程的信号掩码恢复成 `hold` 之前的样子。
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &self.0, std::ptr::null_mut()) };
    }
}

#[cfg(unix)]
/// 建握手的 socket 失败时的说明：多半是 `TMPDIR` 的问题。
fn tmpdir_error(e: &io::Error) -> String {
    format!(
        "子进程建不了握手用的临时 socket（{}）：{}",
        tmpdir_name(),
        explain_io(e)
    )
}

#[cfg(unix)]
fn tmpdir_name() -> String {
    let dir = std::env::temp_dir();
    match std::env::var_os("TMPDIR") {
        Some(_) => format!("TMPDIR={}", dir.display()),
        None => format!("临时目录 {}，没有设置 TMPDIR", dir.display()),
    }
}

/// 第一次启动子进程前，确认 ipc-channel 能在 `TMPDIR` 里建它的临时 socket：
/// 否则它会 panic（不是 UTF-8），或者悄悄截短太长的路径。macOS 的握手不用文件。
#[cfg(unix)]
fn check_tmpdir() -> Result<(), Error> {
    use std::sync::OnceLock;
    if cfg!(target_os = "macos") {
        return Ok(());
    }
    static CHECKED: OnceLock<Result<(), Error>> = OnceLock::new();
    CHECKED
        .get_or_init(|| {
            let dir = std::env::temp_dir();
            let name = tmpdir_name();
            if dir.to_str().is_none() {
                return Err(Error(format!(
                    "{name} 不是 UTF-8：ipc-channel 的 socket 路径必须是 UTF-8"
                )));
            }
            // ipc-channel 的 socket 在 $TMPDIR/.tmpXXXXXX/socket；Unix socket 的路径最多 107 字节。
            let len = dir.join(".tmpXXXXXX").join("socket").as_os_str().len();
            if len > 107 {
                return Err(Error(format!(
                    "{name} 太长：socket 路径要 {len} 字节，Unix socket 最多 107 字节；换一个短的 TMPDIR，比如 /tmp"
                )));
            }
            probe_tmpdir()
                .map_err(|e| Error(format!("{name} 不能用来放临时 socket：{}", explain_io(&e))))
        })
        .clone()
}

#[cfg(unix)]
/// 在临时目录里建一个目录再删掉：看它能不能放握手的 socket。
fn probe_tmpdir() -> io::Result<()> {
    let probe = std::env::temp_dir().join(format!(".shared-process-{}", std::process::id()));
    std::fs::create_dir(&probe).and_then(|()| std::fs::remove_dir(&probe))
}

// ---------------------------------------------------------------------------------------------
// 握手：Windows
// ---------------------------------------------------------------------------------------------

/// 父进程：建握手的命名管道，把名字写进子进程的 stdin，等它连上。
#[cfg(windows)]
pub(super) fn handshake(
    mut command: Command,
) -> Result<(Lifeline, Child, IpcSender<Option<Start>>), Error> {
    use std::sync::mpsc;

    let (server, name) = ipc::IpcOneShotServer::<IpcSender<Hello>>::new()
        .map_err(|e| Error(format!("建握手的命名管道失败：{}", explain_io(&e))))?;
    command.stdin(Stdio::piped());
    let child = command.spawn().map_err(|e| spawn_failed(&command, &e))?;
    let mut starting = Starting {
        child: Some(child),
        socket: None,
    };
    let mut stdin = starting.child().stdin.take().expect("stdin 是管道");
    if writeln!(stdin, "{name}").is_err() {
        return Err(died_starting(starting.child()));
    }
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name("sp-handshake".into())
        .spawn(move || {
            // 描述符用完时收到的通道被截掉，ipc-channel 会 panic：当作没连上。
            let accepted = super::child::quietly(|| server.accept());
            let _ =
                tx.send(accepted.unwrap_or_else(|panic| {
                    Err(ipc_channel::IpcError::Io(io::Error::other(panic)))
                }));
        })
        .map_err(|e| Error(format!("开不了握手的线程 (thread refused)：{e}")))?;
    let start = Instant::now();
    let to_child = loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(Ok((_, to_child))) => break to_child,
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => {
                let failed = if starting.child().try_wait()?.is_some() {
                    Some(died_starting(starting.child()))
                } else if start.elapsed() > HANDSHAKE_LIMIT {
                    Some(too_slow(starting.child.as_ref().expect("还在握手")))
                } else {
                    None
                };
                if let Some(e) = failed {
                    // 自己连上去再断开，让等在 accept 里的线程结束。
                    drop(IpcSender::<IpcSender<Hello>>::connect(name));
                    return Err(e);
                }
            }
        }
    };
    let (jobs, inbox) =
        ipc::channel().map_err(|e| Error(format!("建进程间通道失败：{}", explain_io(&e))))?;
    to_child
        .send(Hello {
            jobs: inbox,
            fingerprint: fingerprint(),
        })
        .map_err(|_| died_starting(starting.child()))?;
    Ok((Lifeline(stdin), starting.done(), jobs))
}

/// 子进程：从 stdin 读握手的名字，连上父进程，等它交来派活的通道。
#[cfg(windows)]
pub(super) fn connect_to_parent() -> Result<Hello, Refused> {
    use std::io::{BufRead, IsTerminal};

    let stdin = io::stdin();
    if stdin.is_terminal() {
        return Err(Refused::ByHand(
            "标准输入是终端，不是父进程交来的管道".into(),
        ));
    }
    let mut name = String::new();
    match stdin.lock().read_line(&mut name) {
        Ok(0) | Err(_) => return Err(Refused::ByHand("标准输入里没有握手的名字".into())),
        Ok(_) => {}
    }
    let name = name.trim_end().to_owned();
    let to_parent = IpcSender::<IpcSender<Hello>>::connect(name.clone())
        .map_err(|e| Refused::ByHand(format!("连不上 {name}：{e}")))?;
    thread::Builder::new()
        .name("sp-lifeline".into())
        .spawn(move || watch(io::stdin()))
        .map_err(|_| Refused::Quiet)?;
    let (tx, rx) = ipc::channel::<Hello>().map_err(|_| Refused::Quiet)?;
    to_parent.send(tx).map_err(|_| Refused::Quiet)?;
    rx.recv().map_err(|_| Refused::Quiet)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn describe_names_the_signal() {
        assert_eq!(
            describe(ExitStatus::from_raw(libc::SIGKILL)),
            "被信号 9 (SIGKILL) 杀死"
        );
        assert_eq!(describe(ExitStatus::from_raw(3 << 8)), "退出码 3");
    }
}
