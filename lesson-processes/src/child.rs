//! 子进程 (child process) 从哪里来：同一个程序再启动一次，再用 ipc-channel 接上线。
//!
//! Rust 没有 Python `multiprocessing` 那种"子进程直接运行某个函数"的办法。这里的做法：
//! 1. 父进程建一个一次性服务器 (`IpcOneShotServer`)，它的名字是一个临时 socket 路径；
//! 2. 用 `std::env::current_exe()` 再启动自己：`lesson-processes __child <角色> <父PID> <名字>`；
//! 3. 子进程的 `main` 先认出角色（见 `main.rs`），连上服务器，把新建通道的一端发回来；
//! 4. 此后双方用有类型的 `send`/`recv` 通信，消息由 serde 序列化 (serialize)。
//!
//! 生产环境可以用 procspawn 这类 crate；这里把这个模式写出来，为的是看清楚。
//! 只支持 Linux：子进程靠 `prctl(PR_SET_PDEATHSIG)` 跟父进程同生共死。

use std::process::{Command, ExitCode, ExitStatus};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};
use ipc_channel::ipc::{self, IpcOneShotServer, IpcReceiver, IpcSender};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use shared::timeline::{self, Span};
use shared::{Result, UsageError};

/// 标记"我是子进程"的隐藏参数。
pub const ROLE_ARG: &str = "__child";

/// 能跨进程传递的消息：可以序列化、反序列化（还能交给别的线程）。
pub trait Message: Serialize + DeserializeOwned + Send + 'static {}
impl<T: Serialize + DeserializeOwned + Send + 'static> Message for T {}

/// 一个子进程角色：名字，和子进程里要运行的函数。
#[derive(Debug)]
pub struct Role {
    name: &'static str,
    run: fn(Boot) -> Result,
}

impl Role {
    /// 角色 `name` 在子进程里运行 `run`。
    pub const fn new(name: &'static str, run: fn(Boot) -> Result) -> Self {
        Role { name, run }
    }
}

/// 连接父进程的凭据：只有 [`main_if_child`] 能造出来。
#[derive(Debug)]
pub struct Boot {
    server: String,
}

/// 子进程连上后发给父进程的第一条消息：两条新通道各一端，外加送回时间线的通道。
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound = "")]
struct Hello<D: Message, U: Message> {
    to_child: IpcSender<D>,
    from_child: IpcReceiver<U>,
    spans: IpcReceiver<Vec<Span>>,
}

/// 父进程手里的子进程：`D` 是父→子的消息，`U` 是子→父的消息。
#[derive(Debug)]
pub struct Child<D: Message, U: Message> {
    role: String,
    process: KillOnDrop,
    accepting: Option<Accepting<D, U>>,
    link: Option<Hello<D, U>>,
}

impl<D: Message, U: Message> Child<D, U> {
    /// 启动扮演 `role` 的子进程，马上返回（像 `Process.start()`）；第一次用到通道时才等它连上。
    ///
    /// 要在会一直活着的线程（通常是主线程）里调用：`PR_SET_PDEATHSIG` 认的是
    /// 启动它的那个线程，那个线程一结束，子进程就会被杀。
    pub fn spawn(role: &str) -> Result<Self> {
        if !cfg!(target_os = "linux") {
            return Err("进程课只在 Linux 上运行 (Linux only)".into());
        }
        let (server, name) = IpcOneShotServer::<Hello<D, U>>::new()?;
        let process = Command::new(std::env::current_exe()?)
            .args([ROLE_ARG, role, &std::process::id().to_string(), &name])
            .spawn()?;
        // `accept` 会一直等到有人连上，所以放在线程里，结果经 channel 交回来。
        let (tx, accepted) = crossbeam_channel::bounded(1);
        std::thread::spawn(move || tx.send(server.accept().map(|(_, hello)| hello)));
        Ok(Child {
            role: role.to_owned(),
            process: KillOnDrop(process),
            accepting: Some(Accepting { name, accepted }),
            link: None,
        })
    }

    /// 子进程的 PID。
    pub fn pid(&self) -> u32 {
        self.process.0.id()
    }

    /// 三条通道；还没连上就等它连上。
    fn link(&mut self) -> Result<&Hello<D, U>> {
        if let Some(accepting) = self.accepting.take() {
            self.link = Some(accepting.wait(&mut self.process.0, &self.role)?);
        }
        self.link
            .as_ref()
            .ok_or_else(|| format!("子进程 {} 没有连上", self.role).into())
    }

    /// 发一条消息给子进程。
    pub fn send(&mut self, message: D) -> Result {
        let role = self.role.clone();
        self.link()?
            .to_child
            .send(message)
            .map_err(|e| format!("发给子进程 {role} 失败：{e}").into())
    }

    /// 收子进程的一条消息；子进程已经结束时返回错误，不会一直等。
    pub fn recv(&mut self) -> Result<U> {
        let (role, pid) = (self.role.clone(), self.pid());
        self.link()?
            .from_child
            .recv()
            .map_err(|e| format!("子进程 {role}（PID {pid}）没有回话：{e}").into())
    }

    /// 最多等 `limit`：结束了返回它的退出状态，还在运行返回 `None`。
    pub fn wait_timeout(&mut self, limit: Duration) -> Result<Option<ExitStatus>> {
        let start = Instant::now();
        loop {
            match self.process.0.try_wait()? {
                None if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(5)),
                status => return Ok(status),
            }
        }
    }

    /// 杀掉子进程 (SIGKILL)。
    pub fn kill(&mut self) -> Result {
        Ok(self.process.0.kill()?)
    }

    /// 即 Python 的 `p.join()`：关掉发往子进程的通道，收下它的时间线，等它结束。
    pub fn join(mut self) -> Result<ExitStatus> {
        if self.link().is_ok() {
            let Hello {
                to_child, spans, ..
            } = self.link.take().expect("刚刚连上");
            drop(to_child);
            // 子进程正常结束时会先送回时间线；崩溃了就收不到，忽略即可。
            for span in spans.recv().unwrap_or_default() {
                timeline::record(span);
            }
        }
        Ok(self.process.0.wait()?)
    }
}

/// 正在等子进程连上：`accept` 线程的结果从 `accepted` 来。
#[derive(Debug)]
struct Accepting<D: Message, U: Message> {
    name: String,
    accepted: Receiver<std::result::Result<Hello<D, U>, ipc_channel::IpcError>>,
}

impl<D: Message, U: Message> Accepting<D, U> {
    /// `accept` 没有超时：一边等它，一边盯着子进程是否已经结束。
    fn wait(self, process: &mut std::process::Child, role: &str) -> Result<Hello<D, U>> {
        loop {
            match self.accepted.recv_timeout(Duration::from_millis(5)) {
                Ok(hello) => return Ok(hello?),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Err("accept 线程意外结束".into()),
            }
            if let Some(status) = process.try_wait()? {
                // 子进程已经结束：也许它连上过（那样 accept 已有结果），也许没有。
                self.wake_accept();
                return match self.accepted.recv() {
                    Ok(Ok(hello)) => Ok(hello),
                    _ => Err(format!("子进程 {role} 没连上就结束了：{}", describe(status)).into()),
                };
            }
        }
    }

    /// 自己连一下服务器再断开：还卡在 `accept` 里的线程会报错返回，
    /// 服务器随之释放，临时 socket 文件也一起删掉。
    fn wake_accept(&self) {
        drop(IpcSender::<Hello<D, U>>::connect(self.name.clone()));
    }
}

impl<D: Message, U: Message> Drop for Accepting<D, U> {
    /// 没等到连接就不要了（比如子进程被杀）：叫醒 accept 线程，等它收拾完临时文件。
    fn drop(&mut self) {
        self.wake_accept();
        let _ = self.accepted.recv();
    }
}

/// `std::process::Child` 被丢弃时既不等它也不杀它；我们的子进程被丢弃时一定结束。
#[derive(Debug)]
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// 子进程手里的父进程：收 `D`，发 `U`。
#[derive(Debug)]
pub struct Parent<D: Message, U: Message> {
    from_parent: IpcReceiver<D>,
    to_parent: IpcSender<U>,
    spans: IpcSender<Vec<Span>>,
}

impl Boot {
    /// 连上父进程的服务器，把通道的一端发过去。
    pub fn connect<D: Message, U: Message>(self) -> Result<Parent<D, U>> {
        let not_by_hand = |e: std::io::Error| {
            UsageError(format!(
                "连不上父进程 {:?}：{e}（子进程角色只能由父进程启动）",
                self.server
            ))
        };
        let bootstrap =
            IpcSender::<Hello<D, U>>::connect(self.server.clone()).map_err(not_by_hand)?;
        let (to_child, from_parent) = ipc::channel()?;
        let (to_parent, from_child) = ipc::channel()?;
        let (spans, spans_rx) = ipc::channel()?;
        let hello = Hello {
            to_child,
            from_child,
            spans: spans_rx,
        };
        bootstrap.send(hello)?;
        Ok(Parent {
            from_parent,
            to_parent,
            spans,
        })
    }
}

impl<D: Message, U: Message> Parent<D, U> {
    /// 收父进程的一条消息；父进程关掉通道后返回错误。
    pub fn recv(&self) -> Result<D> {
        Ok(self.from_parent.recv()?)
    }

    /// 发一条消息给父进程。
    pub fn send(&self, message: U) -> Result {
        Ok(self.to_parent.send(message)?)
    }
}

impl<D: Message, U: Message> Drop for Parent<D, U> {
    /// 子进程的角色结束时，把自己记下的时间线送回父进程（它在另一块内存里）。
    fn drop(&mut self) {
        let _ = self.spans.send(timeline::take());
    }
}

/// 如果这次启动是子进程角色，运行它并返回退出码；否则返回 `None`，照常走命令行。
pub fn main_if_child(roles: &[Role]) -> Option<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some(ROLE_ARG) {
        return None;
    }
    Some(match run_child(roles, &args[1..]) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(if e.is::<UsageError>() { 2 } else { 1 })
        }
    })
}

fn run_child(roles: &[Role], args: &[String]) -> Result {
    let by_hand = || {
        UsageError(format!(
            "{ROLE_ARG} 是子进程角色，只能由父进程启动 (internal child role)"
        ))
    };
    let [role, parent, server] = args else {
        return Err(by_hand().into());
    };
    let role = roles.iter().find(|r| r.name == role).ok_or_else(by_hand)?;
    let parent: u32 = parent.parse().map_err(|_| by_hand())?;
    shared::time::check_env()?;
    die_with_parent(parent)?;
    (role.run)(Boot {
        server: server.clone(),
    })
}

/// 让内核在父进程死掉时杀掉本进程，这样 Ctrl-C 或 SIGKILL 父进程不会留下孤儿进程。
#[cfg(target_os = "linux")]
fn die_with_parent(parent: u32) -> Result {
    // SAFETY: PR_SET_PDEATHSIG 只改本进程的一个属性，参数是整数，不涉及指针。
    if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) } != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    // 父进程可能在 prctl 之前就死了：那时我们已被过继给别的进程，信号永远不会来。
    if std::os::unix::process::parent_id() != parent {
        return Err(UsageError(format!(
            "父进程 {parent} 已经不在了（子进程角色只能由父进程启动）"
        ))
        .into());
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_parent: u32) -> Result {
    Err("进程课只在 Linux 上运行 (Linux only)".into())
}

/// 用中文说明一个退出状态：`退出码 0`，或 `被信号 6 (SIGABRT) 杀死`。
pub fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        let name = match signal {
            libc::SIGINT => "SIGINT",
            libc::SIGABRT => "SIGABRT",
            libc::SIGKILL => "SIGKILL",
            libc::SIGSEGV => "SIGSEGV",
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

/// 让本进程真正崩溃（`abort`，SIGABRT），但不留下 core 文件。
pub fn crash() -> ! {
    #[cfg(unix)]
    {
        let no_core = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: 传入的是一个有效的 rlimit 结构的指针，调用期间一直有效。
        unsafe { libc::setrlimit(libc::RLIMIT_CORE, &no_core) };
    }
    std::process::abort()
}
