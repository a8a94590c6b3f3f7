//! 子进程 (child process)：Python `multiprocessing` 的一个小 Rust 版本——
//! [`Process`]、跨进程的 [`Queue`]、进程池 [`ProcessPool`]。只支持 Linux。
//!
//! | Python | 这里 |
//! | --- | --- |
//! | `if __name__ == '__main__':` | `main` 的第一行 `shared::process::init()?;` |
//! | `p = Process(target=f, args=(1, '2')); p.start()` | `let p = Process::spawn(f, (1, "2".to_owned()))?;` |
//! | `p.join()` / `p.join(3)` / `p.is_alive()` / `p.kill()` | `p.join()?` / `p.join_timeout(d)` / `p.is_alive()` / `p.kill()?` |
//! | `q = Queue(); q.put(x); q.get(); q.get(timeout=1)` | `Queue::new()?`、`q.put(x)?`、`q.get()?`、`q.get_timeout(d)?` |
//! | `with ProcessPoolExecutor(4) as pool: fut = pool.submit(f, x)` | `let pool = ProcessPool::new(4)?; let h = pool.submit(f, (x,))?;`（池被丢弃 = `with` 块结束） |
//! | `fut.result()` | `h.result()?` |
//!
//! ## 子进程从哪里来
//! Rust 没有 `fork` 式的 `multiprocessing`。[`Process::spawn`] 把**同一个程序**再启动一次
//! （`/proc/self/exe`），带一个隐藏参数；子进程的 `main` 第一行 [`init`] 认出这个参数，
//! 运行父进程要的函数，然后退出——从不回到 `main` 的其余部分。所以 `init()` 一定要在
//! `main` 开头、在做任何别的事之前调用，正如 Python 的 `if __name__ == '__main__':`。
//!
//! 函数怎么"送"过去：同一个程序里，每个函数离一个固定函数（`anchor`）的距离在两个进程里
//! 一样（地址随机化只平移整个程序）。父进程发出这个距离，子进程加回去就是同一个函数。
//! 参数和返回值由 serde 序列化，经 ipc-channel（Unix socket）传递；类型在编译时就对上：
//! 参数的元组和函数的参数不符、借用的 `&str`、捕获了变量的闭包，都编译不过。
//!
//! ## 保证
//! - 子进程随父进程结束：`PR_SET_PDEATHSIG`（在启动它的那个**线程**结束时触发，所以请在
//!   一直活着的线程里调用 `spawn`/`ProcessPool::new`，通常是主线程），并在 exec 之前再查一次
//!   父进程是否还在。父进程被 Ctrl-C 或 SIGKILL，子进程都不会留下。
//! - 等子进程连上时同时盯着它是否已经结束，并有上限：不会无尽地等。
//! - 崩溃的子进程被报告：`join` 的错误是一行，说清退出码或信号。
//! - 握手用的临时 socket（`$TMPDIR/.tmpXXXXXX/socket`）在连上后就删掉；握手时收到
//!   SIGINT/SIGTERM/SIGHUP 也会先删掉再退出。只有握手的约 1 毫秒里被 SIGKILL 时，这个目录
//!   会留下（没有人能替一个被 SIGKILL 的进程收拾）。
//! - `TMPDIR` 不能用（不存在、不可写、不是 UTF-8、长到 socket 路径超过 107 字节）时，
//!   第一次 `spawn` 返回一行说明 `TMPDIR` 的错误，而不是 ipc-channel 里的 panic。
//!
//! ## 在自己的项目里
//! 这个文件是给课程看清原理的。正式项目可以用 procspawn（同样"再启动自己"，API 相近；
//! 但要自己加 `pre_exec` 设 `PR_SET_PDEATHSIG`，并注意它的进程池和握手没有超时），
//! 或者干脆把子进程写成独立的程序，用 `std::process::Command` 启动、经标准输入输出通信。

use std::cell::UnsafeCell;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use ipc_channel::ipc::{
    self, IpcOneShotServer, IpcReceiver, IpcSender, OpaqueIpcReceiver, OpaqueIpcSender,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// 本模块用的 ipc-channel（同一个版本），例子要自己建跨进程通道时用它：
/// `use shared::process::ipc_channel::ipc;`。
pub use ipc_channel;

/// 标记"我是子进程"的隐藏参数。
const CHILD_ARG: &str = "__shared_process_child";
/// 子进程最多花多久连上父进程（启动一个程序通常只要几毫秒）。
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(20);

/// 本模块的错误：一行中文说明，可以跨进程传递。
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error(e.to_string())
    }
}

impl From<ipc_channel::IpcError> for Error {
    fn from(e: ipc_channel::IpcError) -> Self {
        Error(format!("进程间通道 (ipc-channel)：{e}"))
    }
}

/// 能跨进程传递的值：可以序列化、反序列化成自有的值。`&str` 这样的借用不行。
pub trait Message: Serialize + DeserializeOwned + Send + 'static {}
impl<T: Serialize + DeserializeOwned + Send + 'static> Message for T {}

/// 能在子进程里运行的函数：用参数元组 `Args` 调用（Python 的 `target` 和 `args`）。
///
/// 为函数名和不捕获变量的闭包实现，参数 0 到 4 个：`f()` 配 `()`，`f(a)` 配 `(a,)`，
/// `f(a, b, c)` 配 `(a, b, c)`。
#[diagnostic::on_unimplemented(
    message = "`{Self}` 不能用参数元组 `{Args}` 调用 (the args tuple must match the function's parameters)",
    label = "这个函数的参数和元组对不上"
)]
pub trait Target<Args>: Copy + Send + 'static {
    /// 函数的返回值。
    type Output;
    /// 用参数元组调用函数。
    fn call(self, args: Args) -> Self::Output;
}

macro_rules! target {
    ($($a:ident),*) => {
        impl<F, R, $($a,)*> Target<($($a,)*)> for F
        where
            F: Fn($($a),*) -> R + Copy + Send + 'static,
        {
            type Output = R;
            #[allow(non_snake_case)]
            fn call(self, ($($a,)*): ($($a,)*)) -> R {
                self($($a),*)
            }
        }
    };
}
target!();
target!(A);
target!(A, B);
target!(A, B, C);
target!(A, B, C, D);

// ---------------------------------------------------------------------------------------------
// init：子进程在这里运行它的函数，然后退出
// ---------------------------------------------------------------------------------------------

static INIT: AtomicBool = AtomicBool::new(false);

/// Rust 的 `if __name__ == '__main__':`。放在 `main` 的第一行。
///
/// 在子进程里：运行父进程交来的函数，然后退出本进程，不返回。在父进程里：什么也不做，
/// 返回 `Ok`（不是 Linux 时返回错误）。没调用它就 `spawn` 会得到一个错误，而不是子进程
/// 把整个 `main` 再跑一遍、再开子进程……
pub fn init() -> Result<(), Error> {
    if !cfg!(target_os = "linux") {
        return Err(Error("shared::process 只支持 Linux (Linux only)".into()));
    }
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|a| a == CHILD_ARG) {
        let code = match child_main(args.collect()) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("错误 (error)：{e}");
                2
            }
        };
        let _ = io::stdout().flush();
        std::process::exit(code);
    }
    INIT.store(true, Ordering::Relaxed);
    Ok(())
}

/// 父进程交给子进程的一件事：函数的位置、参数从哪里来、结果往哪里送。
#[derive(Debug, Serialize, Deserialize)]
struct Start {
    entry: isize,
    args: OpaqueIpcReceiver,
    reply: OpaqueIpcSender,
}

/// 子进程连上后发给父进程的第一条消息：派活的通道和"做完了"的通道。
#[derive(Debug, Serialize, Deserialize)]
struct Hello {
    jobs: IpcSender<Start>,
    done: IpcReceiver<()>,
}

/// 所有函数位置都从这里量起。
#[inline(never)]
fn anchor() {}

/// 在子进程里运行的入口：每个 (函数, 参数) 类型一份。返回 `false` 表示函数 panic 了。
type Entry = fn(OpaqueIpcReceiver, OpaqueIpcSender) -> bool;

fn entry_offset(entry: Entry) -> isize {
    (entry as usize as isize).wrapping_sub(anchor as fn() as usize as isize)
}

fn entry<F, Args>(args: OpaqueIpcReceiver, reply: OpaqueIpcSender) -> bool
where
    F: Target<Args>,
    Args: Message,
    F::Output: Message,
{
    // SAFETY: `F` 是零大小的类型（`Process::spawn` 和 `ProcessPool::submit` 在编译时检查），
    // 没有字节可以出错；父进程手里有一个 `F` 的值，而 `F: Copy`，多造一个就是复制它。
    // 能走到这里，说明父进程正是用这个 `F` 算出了本函数的位置（见 `child_main`）。
    let f: F = unsafe { std::mem::zeroed() };
    let reply = reply.to::<Result<F::Output, Error>>();
    let (outcome, ok) = match args.to::<Args>().recv() {
        Ok(args) => match catch_unwind(AssertUnwindSafe(|| f.call(args))) {
            Ok(value) => (Ok(value), true),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let pid = std::process::id();
                (Err(Error(format!("子进程 {pid} panic：{message}"))), false)
            }
        },
        Err(e) => (Err(Error(format!("子进程没收到参数：{e}"))), false),
    };
    let _ = io::stdout().flush();
    let _ = reply.send(outcome);
    ok
}

fn not_by_hand(why: impl fmt::Display) -> Error {
    Error(format!(
        "{CHILD_ARG} 是子进程的隐藏参数，只能由本程序的父进程使用 (internal child argument)：{why}"
    ))
}

/// 子进程：检查是谁启动了自己，连上父进程，然后一件一件做父进程交来的事。
fn child_main(args: Vec<OsString>) -> Result<i32, Error> {
    let args: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    let [server, ready, parent] = args[..] else {
        return Err(not_by_hand("参数不对"));
    };
    let ready: RawFd = ready.parse().map_err(|_| not_by_hand("参数不对"))?;
    let parent: u32 = parent.parse().map_err(|_| not_by_hand("参数不对"))?;
    // 父进程必须还在，而且运行的是同一个程序文件：函数的位置只在同一个程序里有意义。
    if std::os::unix::process::parent_id() != parent {
        return Err(not_by_hand(format!("父进程 {parent} 不在了")));
    }
    let me = std::fs::metadata("/proc/self/exe")?;
    let same = std::fs::metadata(format!("/proc/{parent}/exe"))
        .is_ok_and(|p| (p.dev(), p.ino()) == (me.dev(), me.ino()));
    if !same {
        return Err(not_by_hand("父进程不是同一个程序"));
    }
    let bootstrap = IpcSender::<Hello>::connect(server.to_owned())
        .map_err(|e| not_by_hand(format!("连不上 {server}：{e}")))?;
    let (jobs, job_inbox) = ipc::channel::<Start>()?;
    let (done_tx, done) = ipc::channel::<()>()?;
    bootstrap.send(Hello { jobs, done })?;
    drop(bootstrap);
    // SAFETY: 只是两个系统调用：往父进程留给我们的管道写一个字节、关掉它。父进程已验明
    // 正身（同一个程序、就是父进程），这个文件描述符是它在 exec 之前特意留下的。
    unsafe {
        if libc::fcntl(ready, libc::F_GETFD) == -1 {
            return Err(not_by_hand("没有握手的管道"));
        }
        libc::write(ready, [1u8].as_ptr().cast(), 1);
        libc::close(ready);
    }
    // 写到已经关闭的管道（`… | head`）时安静地结束，像命令行工具那样，而不是 panic；
    // 父进程的 `join` 会说明它被 SIGPIPE 结束。
    // SAFETY: 把一个信号恢复成默认处理，不涉及任何 Rust 对象。
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    // 主线程的 panic 由 `entry` 接住、报告给父进程；这里不再另外打印一遍。
    std::panic::set_hook(Box::new(|info| {
        if thread::current().name() != Some("main") {
            eprintln!("子进程 {} 的线程 panic：{info}", std::process::id());
        }
    }));
    let mut code = 0;
    while let Ok(start) = job_inbox.recv() {
        let base = anchor as fn() as *const ();
        // SAFETY: `start.entry` 是父进程用 `entry_offset(entry::<F, Args>)` 算出的距离，
        // 上面已确认父进程运行的是同一个程序文件，所以加回 `anchor` 的地址正是
        // `entry::<F, Args>` 在本进程里的地址，类型也正是 `Entry`。
        let entry = unsafe {
            std::mem::transmute::<*const (), Entry>(base.wrapping_byte_offset(start.entry))
        };
        if !entry(start.args, start.reply) {
            code = 101; // 和 Rust 程序 panic 后的退出码一样
        }
        let _ = done_tx.send(());
    }
    Ok(code)
}

// ---------------------------------------------------------------------------------------------
// 父进程这一边：启动子进程、握手
// ---------------------------------------------------------------------------------------------

/// 一个连上了的子进程：可以派活给它。
#[derive(Debug)]
struct Worker {
    child: Child,
    jobs: Option<IpcSender<Start>>,
    done: IpcReceiver<()>,
}

impl Worker {
    fn spawn() -> Result<Worker, Error> {
        if !INIT.load(Ordering::Relaxed) {
            return Err(Error(
                "先在 main 的第一行调用 shared::process::init()，否则子进程会把 main 再跑一遍"
                    .into(),
            ));
        }
        check_tmpdir()?;
        // 握手期间收到 Ctrl-C 也要删掉临时 socket：建好就登记，握手结束（socket 已删）再撤销。
        // 建目录到登记之间的几微秒里来的信号先记下，登记之后再处理。
        let (server, name, registered) = cleanup::create(IpcOneShotServer::<Hello>::new)?;
        let worker = Worker::start_child(server, &name);
        drop(registered);
        worker
    }

    /// 启动子进程，等它连上；返回时 `server` 已经不在了（它的临时目录也一起删了）。
    fn start_child(server: IpcOneShotServer<Hello>, name: &str) -> Result<Worker, Error> {
        let (ready, ready_w) = pipe()?;
        let parent = std::process::id();
        let ready_fd = ready_w.as_raw_fd();
        let mut command = Command::new("/proc/self/exe");
        if let Some(arg0) = std::env::args_os().next() {
            command.arg0(arg0);
        }
        command.args([CHILD_ARG, name, &ready_fd.to_string(), &parent.to_string()]);
        // SAFETY: 闭包在 fork 之后、exec 之前的子进程里运行，只调用异步信号安全的
        // prctl、getppid、fcntl，不分配内存、不加锁。
        unsafe {
            command.pre_exec(move || {
                // 父进程（准确说是调用 spawn 的线程）一结束，内核就用 SIGKILL 结束本进程。
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(io::Error::last_os_error());
                }
                // 父进程可能在 prctl 之前就死了：那时信号永远不会来，自己退出。
                if libc::getppid() as u32 != parent {
                    return Err(io::Error::other("父进程已经不在了"));
                }
                // 握手的管道留给 exec 之后的子进程（其余的文件描述符都带 CLOEXEC）。
                if libc::fcntl(ready_fd, libc::F_SETFD, 0) == -1 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .map_err(|e| Error(format!("启动子进程失败：{e}")))?;
        drop(ready_w);
        let mut child = KillOnDrop(Some(child));
        wait_until_ready(child.get(), &ready)?;
        // 子进程已经连上并发来了 Hello，所以 accept 立刻返回（临时 socket 随之删掉）。
        let (_, hello) = server.accept()?;
        Ok(Worker {
            child: child.take(),
            jobs: Some(hello.jobs),
            done: hello.done,
        })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// 把一件事交给子进程：`f(args)` 的结果从返回的通道来。
    fn start<F, Args>(&self, f: F, args: Args) -> Result<IpcReceiver<Outcome<F::Output>>, Error>
    where
        F: Target<Args>,
        Args: Message,
        F::Output: Message,
    {
        let (args_tx, args_rx) = ipc::channel::<Args>()?;
        let (reply_tx, reply_rx) = ipc::channel::<Outcome<F::Output>>()?;
        args_tx.send(args)?;
        let start = make_start::<F, Args>(f, args_rx, reply_tx);
        let jobs = self
            .jobs
            .as_ref()
            .ok_or_else(|| Error("子进程不再接活".into()))?;
        jobs.send(start)
            .map_err(|_| Error(format!("子进程 {} 已经不在了", self.pid())))?;
        Ok(reply_rx)
    }

    /// 等子进程结束，说明它怎样结束（它已经做完或死了，所以很快）。
    fn wait(&mut self) -> Result<ExitStatus, Error> {
        self.jobs = None; // 不再派活：子进程做完手上的事就退出
        Ok(self.child.wait()?)
    }
}

type Outcome<R> = Result<R, Error>;

fn make_start<F, Args>(
    _f: F,
    args: IpcReceiver<Args>,
    reply: IpcSender<Outcome<F::Output>>,
) -> Start
where
    F: Target<Args>,
    Args: Message,
    F::Output: Message,
{
    const {
        assert!(
            std::mem::size_of::<F>() == 0,
            "只能传函数名或不捕获变量的闭包 (a fn item or a non-capturing closure)：捕获的变量在本进程的内存里，子进程看不到"
        )
    };
    Start {
        entry: entry_offset(entry::<F, Args>),
        args: args.to_opaque(),
        reply: reply.to_opaque(),
    }
}

impl Drop for Worker {
    /// `std::process::Child` 被丢弃时既不等也不杀；我们的子进程被丢弃时一定结束。
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// 握手期间出错时结束子进程。
struct KillOnDrop(Option<Child>);

impl KillOnDrop {
    fn get(&mut self) -> &mut Child {
        self.0.as_mut().expect("只在 take 之前用")
    }
    fn take(&mut self) -> Child {
        self.0.take().expect("只 take 一次")
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 往一个两个元素的数组里写两个新的文件描述符。
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } == -1 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: 这两个描述符刚刚打开，只归我们所有。
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// 等子进程说"连上了"（往管道写一个字节），同时盯着它是否已经结束；最多等 20 秒。
fn wait_until_ready(child: &mut Child, ready: &OwnedFd) -> Result<(), Error> {
    let pid = child.id();
    let start = Instant::now();
    loop {
        let mut poll = libc::pollfd {
            fd: ready.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: 一个有效的 pollfd，调用期间一直有效。
        let n = unsafe { libc::poll(&mut poll, 1, 20) };
        if n > 0 {
            let mut byte = 0u8;
            // SAFETY: 从自己的管道读最多一个字节到一个局部变量。
            if unsafe { libc::read(ready.as_raw_fd(), (&raw mut byte).cast(), 1) } == 1 {
                return Ok(());
            }
            // 读到结尾：子进程没说"连上了"就关掉了管道，也就是它结束了。
            let deadline = Instant::now() + Duration::from_secs(2);
            while Instant::now() < deadline {
                if let Some(status) = child.try_wait()? {
                    return Err(Error(format!(
                        "子进程 {pid} 没连上就结束了：{}",
                        describe(status)
                    )));
                }
                thread::sleep(Duration::from_millis(2));
            }
        }
        if let Some(status) = child.try_wait()? {
            return Err(Error(format!(
                "子进程 {pid} 没连上就结束了：{}",
                describe(status)
            )));
        }
        if start.elapsed() > HANDSHAKE_LIMIT {
            return Err(Error(format!(
                "子进程 {pid} {} 秒内没有连上：它的 main 第一行调用 shared::process::init() 了吗？",
                HANDSHAKE_LIMIT.as_secs()
            )));
        }
    }
}

/// 第一次启动子进程前，确认 ipc-channel 能在 `TMPDIR` 里建它的临时 socket：
/// 否则它会 panic（目录不存在、不可写、不是 UTF-8），或者悄悄截短太长的路径。
fn check_tmpdir() -> Result<(), Error> {
    static CHECKED: OnceLock<Result<(), Error>> = OnceLock::new();
    CHECKED
        .get_or_init(|| {
            let dir = std::env::temp_dir();
            let name = match std::env::var_os("TMPDIR") {
                Some(_) => format!("TMPDIR={}", dir.display()),
                None => format!("临时目录 {}（没有设置 TMPDIR）", dir.display()),
            };
            if dir.to_str().is_none() {
                return Err(Error(format!(
                    "{name} 不是 UTF-8：ipc-channel 的 socket 路径必须是 UTF-8"
                )));
            }
            // ipc-channel 的 socket 在 $TMPDIR/.tmpXXXXXX/socket；Unix socket 的路径最多 107 字节。
            let socket = dir.join(".tmpXXXXXX").join("socket");
            let len = socket.as_os_str().len();
            if len > 107 {
                return Err(Error(format!(
                    "{name} 太长：socket 路径要 {len} 字节，Unix socket 最多 107 字节；换一个短的 TMPDIR，比如 /tmp"
                )));
            }
            let probe = dir.join(format!(".shared-process-{}", std::process::id()));
            std::fs::create_dir(&probe)
                .and_then(|()| std::fs::remove_dir(&probe))
                .map_err(|e| Error(format!("{name} 不能用来放临时 socket：{e}")))
        })
        .clone()
}

/// 用中文说明一个退出状态：`退出码 0`，或 `被信号 9 (SIGKILL) 杀死`。
pub fn describe(status: ExitStatus) -> String {
    if let Some(signal) = status.signal() {
        let name = match signal {
            libc::SIGHUP => "SIGHUP",
            libc::SIGINT => "SIGINT",
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
    match status.code() {
        Some(code) => format!("退出码 {code}"),
        None => status.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Process
// ---------------------------------------------------------------------------------------------

/// 一个运行着函数的子进程，即 Python 的 `Process`；`R` 是函数的返回值。
///
/// 被丢弃时如果还在运行，子进程被结束 (kill)：Python 会在退出前等没 join 的子进程，
/// 这里要等就明确 `join`。
#[derive(Debug)]
pub struct Process<R> {
    worker: Worker,
    reply: IpcReceiver<Outcome<R>>,
    /// `join_timeout` 已经等到的回答；里面的 `None` 表示子进程没回答就死了。
    answer: Option<Option<Outcome<R>>>,
}

impl<R: Message> Process<R> {
    /// 启动子进程运行 `f(args…)`，等它连上就返回（像 `Process(target=f, args=args).start()`）。
    ///
    /// `args` 是参数的元组：没有参数写 `()`，一个参数写 `(a,)`。
    pub fn spawn<F, Args>(f: F, args: Args) -> Result<Process<R>, Error>
    where
        F: Target<Args, Output = R>,
        Args: Message,
    {
        let mut worker = Worker::spawn()?;
        let reply = worker.start(f, args)?;
        worker.jobs = None; // 只做这一件事：做完子进程就退出
        Ok(Process {
            worker,
            reply,
            answer: None,
        })
    }

    /// 子进程的 PID。
    pub fn pid(&self) -> u32 {
        self.worker.pid()
    }

    /// 子进程还在运行吗（Python 的 `is_alive()`）。
    pub fn is_alive(&mut self) -> bool {
        matches!(self.worker.child.try_wait(), Ok(None))
    }

    /// 最多等 `timeout`，函数做完（或子进程死了）就返回 `true`；之后 `join` 立刻返回。
    /// Python 的 `p.join(timeout)` 之后再看 `p.is_alive()`。
    pub fn join_timeout(&mut self, timeout: Duration) -> bool {
        if self.answer.is_none() {
            match self.reply.try_recv_timeout(timeout) {
                Ok(outcome) => self.answer = Some(Some(outcome)),
                Err(ipc_channel::TryRecvError::Empty) => return false,
                Err(ipc_channel::TryRecvError::IpcError(_)) => self.answer = Some(None),
            }
        }
        true
    }

    /// 结束子进程 (SIGKILL)，即 Python 的 `p.kill()`。
    pub fn kill(&mut self) -> Result<(), Error> {
        Ok(self.worker.child.kill()?)
    }

    /// 等子进程结束，返回函数的返回值（Python 的 `p.join()`）。子进程崩溃、被杀、panic
    /// 或者退出码不是 0 时返回错误，一行说明它怎样结束。
    pub fn join(mut self) -> Result<R, Error> {
        let answer = match self.answer.take() {
            Some(answer) => answer,
            None => self.reply.recv().ok(),
        };
        let pid = self.pid();
        let status = self.worker.wait()?;
        match answer {
            Some(Ok(value)) if status.success() => Ok(value),
            Some(Err(e)) => Err(e), // 函数 panic 了
            _ => Err(Error(format!(
                "子进程 {pid} 异常结束：{}",
                describe(status)
            ))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Queue
// ---------------------------------------------------------------------------------------------

/// 发给队列的请求。
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound = "")]
enum Request<T: Message> {
    Put(T),
    /// 想要一个值：请发到这里；`None` 表示等待已取消。
    Get(u64, IpcSender<Option<T>>),
    /// 不等了（超时）：如果还没发出值，请回一个 `None`。
    Cancel(u64),
}

/// 多个进程共用的队列，即 `multiprocessing.Queue`：谁都可以 `put`、谁都可以 `get`。
///
/// ipc-channel 的接收端只能有一个主人，所以队列的内容放在创建它的进程的一个经纪人
/// (broker) 线程里；每个句柄只是通往经纪人的发送端，可以克隆，也可以作为参数发给子进程。
/// 队列空时 `get` 阻塞；值按先来后到 (first come, first served) 交给等得最久的那个。
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Queue<T: Message> {
    requests: IpcSender<Request<T>>,
}

impl<T: Message> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue {
            requests: self.requests.clone(),
        }
    }
}

impl<T: Message + Clone> Queue<T> {
    /// 新建队列，在本进程里启动经纪人线程；所有句柄（包括子进程里的）都没了它就结束。
    pub fn new() -> Result<Queue<T>, Error> {
        let (requests, inbox) = ipc::channel()?;
        thread::Builder::new()
            .name("queue".into())
            .spawn(move || broker(inbox))
            .map_err(|e| Error(format!("开不了队列的经纪人线程 (thread refused)：{e}")))?;
        Ok(Queue { requests })
    }
}

impl<T: Message> Queue<T> {
    /// 放入一个值（Python 的 `put`）。
    pub fn put(&self, item: T) -> Result<(), Error> {
        Ok(self.requests.send(Request::Put(item))?)
    }

    /// 取出一个值；队列空时阻塞，直到有人放入（Python 的 `get()`，`block=True`）。
    pub fn get(&self) -> Result<T, Error> {
        let (_, answer) = self.ask()?;
        match answer.recv()? {
            Some(item) => Ok(item),
            None => Err(Error("队列的等待被取消了".into())),
        }
    }

    /// 最多等 `timeout`：拿到值返回 `Some`，超时返回 `None`（Python 的 `get(timeout=…)`
    /// 抛出 `queue.Empty`）。`Duration::ZERO` 就是不等（`block=False`）。
    pub fn get_timeout(&self, timeout: Duration) -> Result<Option<T>, Error> {
        let (id, answer) = self.ask()?;
        match answer.try_recv_timeout(timeout) {
            Ok(item) => return Ok(item),
            Err(ipc_channel::TryRecvError::Empty) => {}
            Err(ipc_channel::TryRecvError::IpcError(e)) => return Err(e.into()),
        }
        // 超时了：请经纪人取消。它要么已经发出了值（那就收下），要么回一个 None。
        self.requests.send(Request::Cancel(id))?;
        Ok(answer.recv()?)
    }

    fn ask(&self) -> Result<(u64, IpcReceiver<Option<T>>), Error> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let id = (u64::from(std::process::id()) << 32) | NEXT.fetch_add(1, Ordering::Relaxed);
        let (reply, answer) = ipc::channel()?;
        self.requests.send(Request::Get(id, reply))?;
        Ok((id, answer))
    }
}

fn broker<T: Message + Clone>(inbox: IpcReceiver<Request<T>>) {
    let mut items = VecDeque::new();
    let mut waiting: VecDeque<(u64, IpcSender<Option<T>>)> = VecDeque::new();
    while let Ok(request) = inbox.recv() {
        match request {
            Request::Put(item) => items.push_back(item),
            Request::Get(id, reply) => waiting.push_back((id, reply)),
            Request::Cancel(id) => {
                if let Some(at) = waiting.iter().position(|(w, _)| *w == id)
                    && let Some((_, reply)) = waiting.remove(at)
                {
                    let _ = reply.send(None);
                }
            }
        }
        // 有值、也有人在等：交给等得最久的那个。发送失败说明它已经不在了，值留给下一个。
        while let Some(item) = items.front()
            && let Some((_, reply)) = waiting.pop_front()
        {
            if reply.send(Some(item.clone())).is_ok() {
                items.pop_front();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ProcessPool
// ---------------------------------------------------------------------------------------------

/// 排队等工作进程的一件事。
struct Job {
    start: Start,
    /// 工作进程死在这件事上时，说明它怎样死的。
    died: mpsc::Sender<Error>,
}

/// 进程池，即 `ProcessPoolExecutor`：先启动几个工作进程 (worker)，任务交给空闲的那个，
/// 进程反复使用。被丢弃时（`with` 块结束）等所有已提交的任务做完、工作进程退出。
///
/// 每个工作进程在父进程里有一个喂料线程 (feeder)：从共同的任务队列里取任务、交给自己的
/// 工作进程、等它做完。一个工作进程崩溃，只有它手上的那个任务失败（并说明原因），
/// 其余的工作进程照常干活。
#[derive(Debug)]
pub struct ProcessPool {
    jobs: Option<mpsc::Sender<Job>>,
    feeders: Vec<thread::JoinHandle<()>>,
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Job")
    }
}

/// 提交后拿到的"未来的结果"，即 Python 的 `Future`。
#[derive(Debug)]
pub struct Handle<R> {
    reply: IpcReceiver<Outcome<R>>,
    died: mpsc::Receiver<Error>,
}

impl ProcessPool {
    /// 启动 `max_workers` 个工作进程（1 到 64 个）。请在一直活着的线程里调用（见模块说明）。
    pub fn new(max_workers: usize) -> Result<ProcessPool, Error> {
        if !(1..=64).contains(&max_workers) {
            return Err(Error(format!(
                "进程池要 1 到 64 个工作进程，不是 {max_workers}"
            )));
        }
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let mut pool = ProcessPool {
            jobs: Some(jobs),
            feeders: Vec::new(),
        };
        for i in 1..=max_workers {
            let worker = Worker::spawn()?;
            let queue = Arc::clone(&queue);
            let feeder = thread::Builder::new()
                .name(format!("pool-feeder-{i}"))
                .spawn(move || feed(worker, &queue))
                .map_err(|e| Error(format!("开不了进程池的喂料线程 (thread refused)：{e}")))?;
            pool.feeders.push(feeder);
        }
        Ok(pool)
    }

    /// 提交 `f(args…)`，马上返回一个 [`Handle`]；结果用 [`Handle::result`] 取。
    pub fn submit<F, Args>(&self, f: F, args: Args) -> Result<Handle<F::Output>, Error>
    where
        F: Target<Args>,
        Args: Message,
        F::Output: Message,
    {
        let (args_tx, args_rx) = ipc::channel::<Args>()?;
        let (reply_tx, reply) = ipc::channel::<Outcome<F::Output>>()?;
        args_tx.send(args)?;
        let (died_tx, died) = mpsc::channel();
        let job = Job {
            start: make_start::<F, Args>(f, args_rx, reply_tx),
            died: died_tx,
        };
        let jobs = self.jobs.as_ref().expect("只有 drop 时才取走");
        jobs.send(job)
            .map_err(|_| Error("进程池里已经没有工作进程了".into()))?;
        Ok(Handle { reply, died })
    }
}

impl Drop for ProcessPool {
    /// `with` 块结束：不再接新任务，等已提交的做完、工作进程全部退出。
    fn drop(&mut self) {
        self.jobs = None;
        for feeder in self.feeders.drain(..) {
            let _ = feeder.join();
        }
    }
}

/// 喂料线程：一件一件地把任务交给自己的工作进程。
fn feed(mut worker: Worker, queue: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => break,
        };
        let Ok(job) = job else { break }; // 池被丢弃，任务也都取完了
        let pid = worker.pid();
        let sent = match &worker.jobs {
            Some(jobs) => jobs.send(job.start).is_ok(),
            None => false,
        };
        if !sent || worker.done.recv().is_err() {
            // 工作进程死了：这个任务失败，这个喂料线程也结束，别的工作进程照常干活。
            let how = worker.wait().map_or_else(|e| e.to_string(), describe);
            let _ = job
                .died
                .send(Error(format!("工作进程 {pid} 崩溃了：{how}")));
            return;
        }
    }
    let _ = worker.wait();
}

impl<R: Message> Handle<R> {
    /// 等任务的结果（Python 的 `future.result()`）：函数的返回值，或一行说明它为什么失败。
    pub fn result(self) -> Result<R, Error> {
        match self.reply.recv() {
            Ok(outcome) => outcome,
            Err(_) => Err(self
                .died
                .recv()
                .unwrap_or_else(|_| Error("任务没有执行：进程池里已经没有工作进程了".into()))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 握手时收到 SIGINT/SIGTERM/SIGHUP：先删掉临时 socket 再退出
// ---------------------------------------------------------------------------------------------

mod cleanup {
    use super::*;

    const FREE: u8 = 0;
    const WRITING: u8 = 1;
    const READY: u8 = 2;
    const CLEANING: u8 = 3;
    const LEN: usize = 128;

    /// 一个正在握手的 socket 路径（以 0 结尾），信号处理函数读它。
    struct Slot {
        state: AtomicU8,
        path: UnsafeCell<[u8; LEN]>,
    }

    // SAFETY: `path` 只在 `state` 为 WRITING 时由登记它的线程写，READY 之后只被读。
    unsafe impl Sync for Slot {}

    static SLOTS: [Slot; 32] = [const {
        Slot {
            state: AtomicU8::new(FREE),
            path: UnsafeCell::new([0; LEN]),
        }
    }; 32];

    /// 握手结束（socket 已删）时撤销登记。
    pub(super) struct Registered(Option<&'static Slot>);

    impl fmt::Debug for Registered {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Registered")
        }
    }

    /// 正在建临时 socket、还没登记的线程数；这时来的信号记在 `PENDING` 里。
    static CREATING: AtomicU32 = AtomicU32::new(0);
    static PENDING: AtomicI32 = AtomicI32::new(0);

    /// 建握手的服务器并登记它的 socket 路径。
    pub(super) fn create<S>(
        new: impl FnOnce() -> io::Result<(S, String)>,
    ) -> Result<(S, String, Registered), Error> {
        install();
        CREATING.fetch_add(1, Ordering::SeqCst);
        let made = new().map(|(server, name)| {
            let registered = register(&name);
            (server, name, registered)
        });
        CREATING.fetch_sub(1, Ordering::SeqCst);
        let pending = PENDING.load(Ordering::SeqCst);
        if pending != 0 && CREATING.load(Ordering::SeqCst) == 0 {
            on_signal(pending); // 不返回：删掉临时 socket，进程被这个信号结束
        }
        Ok(made?)
    }

    fn register(socket: &str) -> Registered {
        let bytes = socket.as_bytes();
        if bytes.len() >= LEN {
            return Registered(None);
        }
        for slot in &SLOTS {
            if slot
                .state
                .compare_exchange(FREE, WRITING, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                // SAFETY: 状态 WRITING 让本线程独占这个缓冲区（见 `Slot`）。
                let path = unsafe { &mut *slot.path.get() };
                path[..bytes.len()].copy_from_slice(bytes);
                path[bytes.len()] = 0;
                slot.state.store(READY, Ordering::Release);
                return Registered(Some(slot));
            }
        }
        Registered(None) // 同时握手的超过 32 个：这一个不登记
    }

    impl Drop for Registered {
        fn drop(&mut self) {
            if let Some(slot) = self.0 {
                // 信号处理函数正在清理（CLEANING）时不动它：进程马上就结束了。
                let _ =
                    slot.state
                        .compare_exchange(READY, FREE, Ordering::AcqRel, Ordering::Relaxed);
            }
        }
    }

    fn install() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                // SAFETY: 读出、再设置一个信号的处理方式；结构体都是有效的局部变量。
                // 只在它还是默认处理 (SIG_DFL) 时才接管：被忽略的信号和别人装的处理函数不动。
                unsafe {
                    let mut old: libc::sigaction = std::mem::zeroed();
                    if libc::sigaction(signal, std::ptr::null(), &mut old) != 0
                        || old.sa_sigaction != libc::SIG_DFL
                    {
                        continue;
                    }
                    let mut new: libc::sigaction = std::mem::zeroed();
                    new.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
                    new.sa_flags = libc::SA_RESETHAND | libc::SA_NODEFER;
                    libc::sigemptyset(&mut new.sa_mask);
                    libc::sigaction(signal, &new, std::ptr::null_mut());
                }
            }
        });
    }

    /// 删掉每个正在握手的 socket 和它的目录，再让信号照常结束进程。
    /// 只用异步信号安全的调用：unlink、rmdir、raise。
    extern "C" fn on_signal(signal: libc::c_int) {
        if CREATING.load(Ordering::SeqCst) > 0 {
            // 有线程刚建了目录、还没登记：先记下，它登记完就来处理。
            PENDING.store(signal, Ordering::SeqCst);
            return;
        }
        for slot in &SLOTS {
            if slot
                .state
                .compare_exchange(READY, CLEANING, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                // SAFETY: READY 之后缓冲区不再被写；复制一份到栈上再用。
                let mut path = unsafe { *slot.path.get() };
                let end = path.iter().position(|&b| b == 0).unwrap_or(LEN - 1);
                // SAFETY: 以 0 结尾的路径；unlink 和 rmdir 是异步信号安全的。
                unsafe { libc::unlink(path.as_ptr().cast()) };
                if let Some(slash) = path[..end].iter().rposition(|&b| b == b'/') {
                    path[slash] = 0;
                    // SAFETY: 同上。
                    unsafe { libc::rmdir(path.as_ptr().cast()) };
                }
            }
        }
        // SA_RESETHAND 已把处理方式恢复成默认：再发一次，进程照常被这个信号结束。
        // SAFETY: raise 是异步信号安全的。
        unsafe { libc::raise(signal) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 先来先得：三个等待者按登记的顺序拿到三个值。换成后来先得（LIFO）这个测试就失败。
    #[test]
    fn the_queue_serves_waiters_first_come_first_served() {
        let queue = Queue::<u32>::new().expect("queue");
        let answers: Vec<_> = (0..3).map(|_| queue.ask().expect("ask").1).collect();
        for n in [10, 20, 30] {
            queue.put(n).expect("put");
        }
        let got: Vec<_> = answers.iter().map(|a| a.recv().expect("answer")).collect();
        assert_eq!(got, [Some(10), Some(20), Some(30)]);
    }

    #[test]
    fn get_timeout_on_an_empty_queue_returns_none_and_leaves_no_waiter() {
        let queue = Queue::<u32>::new().expect("queue");
        assert_eq!(
            queue.get_timeout(Duration::from_millis(10)).expect("get"),
            None
        );
        queue.put(7).expect("put");
        // 被取消的等待者没有吞掉这个值。
        assert_eq!(queue.get_timeout(Duration::ZERO).expect("get"), Some(7));
        assert_eq!(queue.get_timeout(Duration::ZERO).expect("get"), None);
    }

    #[test]
    fn describe_names_the_signal() {
        assert_eq!(
            describe(ExitStatus::from_raw(libc::SIGKILL)),
            "被信号 9 (SIGKILL) 杀死"
        );
        assert_eq!(describe(ExitStatus::from_raw(3 << 8)), "退出码 3");
    }
}
