//! 父进程这一边：启动子进程、握手、把一件事交给它；[`Process`]。
//!
//! 一个子进程从启动到做事：
//! 1. `Command` 再启动本程序，带隐藏参数；子进程的 stdin 是父进程手里的一根管道
//!    （Unix 上是一对 socket）——它是子进程的"生命线"，见 [`super::cleanup`]。
//! 2. 握手：两边经 ipc-channel 连上，父进程把"派活的通道"交给子进程（[`Hello`]）。
//! 3. 每件事是一个 [`Start`]：函数的位置（离 `anchor` 的距离）、取参数的通道、送结果的
//!    通道。参数在子进程开始读之后才发，结果由父进程的一个线程随到随收，所以多大的消息
//!    都不会卡住。

use std::process::{Child, Command, ExitStatus};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::thread;
use std::time::Duration;

use ipc_channel::ipc::{self, IpcReceiver, IpcSender, OpaqueIpcReceiver, OpaqueIpcSender};
use serde::{Deserialize, Serialize};

use super::cleanup::{self, Lifeline};
use super::{CHILD_ARG, Error, Message, Target, check_init, child};

/// 父进程交给子进程的一件事：函数的位置、参数从哪里来、结果往哪里送。
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Start {
    pub(super) entry: isize,
    pub(super) args: OpaqueIpcReceiver,
    pub(super) reply: OpaqueIpcSender,
}

/// 握手时父进程交给子进程的：派活的通道，和证明"我们是同一次编译的程序"的指纹。
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Hello {
    pub(super) jobs: IpcReceiver<Start>,
    pub(super) fingerprint: String,
}

/// 所有函数位置都从这里量起。
#[inline(never)]
pub(super) fn anchor() {}

/// 另一个固定函数：它离 `anchor` 的距离两边一样，才可能是同一次编译。
#[inline(never)]
fn marker() {}

/// 本程序的指纹：`marker` 离 `anchor` 多远；Linux 以外再加上程序文件的大小和修改时间。
/// Linux 上子进程由 `/proc/self/exe` 启动，一定是同一个文件（哪怕磁盘上的已被换掉）；
/// macOS、Windows 按路径启动，文件在运行中被换成新的编译结果时，这里看得出来。
/// 第一次调用（`init()` 里）时算好，之后不变。
pub(super) fn fingerprint() -> String {
    static PRINT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PRINT
        .get_or_init(|| {
            let offset =
                (marker as fn() as usize as isize).wrapping_sub(anchor as fn() as usize as isize);
            if cfg!(target_os = "linux") {
                return offset.to_string();
            }
            let file = std::env::current_exe().and_then(std::fs::metadata);
            let (len, modified) = file.map_or((0, None), |m| (m.len(), m.modified().ok()));
            let since = modified
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{offset}:{len}:{since}")
        })
        .clone()
}

/// 子进程里运行的入口：每个 (函数, 参数) 类型一份。返回 `false` 表示函数 panic 了。
pub(super) type Entry = fn(OpaqueIpcReceiver, OpaqueIpcSender) -> bool;

/// 一件事的结果：函数的返回值，或一行说明（函数 panic 了、没收到参数）。
pub(super) type Outcome<R> = Result<R, Error>;

/// `f` 在子进程里的入口离 `anchor` 多远。`F` 必须是零大小的类型（函数名、不捕获变量的
/// 闭包），这在编译时检查：捕获的变量在本进程的内存里，子进程看不到。
pub(super) fn entry_of<F, Args>(_f: F) -> isize
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
    let entry: Entry = child::entry::<F, Args>;
    (entry as usize as isize).wrapping_sub(anchor as fn() as usize as isize)
}

/// 一个连上了的子进程：可以派活给它。被丢弃时一定结束。
#[derive(Debug)]
pub(super) struct Worker {
    /// 收结果的线程也要看它是否已经结束，所以放在锁里。
    child: Arc<Mutex<Child>>,
    pid: u32,
    pub(super) jobs: Option<IpcSender<Start>>,
    /// 子进程的生命线：最后才丢（见 `Drop`）。
    lifeline: Option<Lifeline>,
}

/// 工作进程死在一件事上（`Died`），还是本进程这边出了错。
#[derive(Debug)]
pub(super) enum RunError {
    Died,
    Here(Error),
}

impl Worker {
    /// 启动一个子进程，等它连上（最多 20 秒，同时盯着它是否已经结束）。
    pub(super) fn spawn() -> Result<Worker, Error> {
        check_init()?;
        let mut command = Command::new(cleanup::current_exe()?);
        if let Some(arg0) = std::env::args_os().next() {
            cleanup::set_arg0(&mut command, arg0);
        }
        // 测试二进制里 libtest 也读这些参数：只运行 `test_support!` 的测试，不截获它的输出。
        command.args([CHILD_ARG, "--nocapture", "--quiet"]);
        let (lifeline, child, jobs) = cleanup::handshake(command)?;
        Ok(Worker {
            pid: child.id(),
            child: Arc::new(Mutex::new(child)),
            jobs: Some(jobs),
            lifeline: Some(lifeline),
        })
    }

    pub(super) fn pid(&self) -> u32 {
        self.pid
    }

    pub(super) fn child_lock(&self) -> &Mutex<Child> {
        &self.child
    }

    fn child(&self) -> MutexGuard<'_, Child> {
        self.child.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// 把 `f(args)` 交给子进程，等它的结果。
    pub(super) fn run<R: Message, Args: Message>(
        jobs: &IpcSender<Start>,
        child: &Mutex<Child>,
        entry: isize,
        args: Args,
    ) -> Result<Outcome<R>, RunError> {
        let here = |e: std::io::Error| RunError::Here(e.into());
        let (args_tx, args_rx) = ipc::channel::<Args>().map_err(here)?;
        let (reply_tx, reply_rx) = ipc::channel::<Outcome<R>>().map_err(here)?;
        let start = Start {
            entry,
            args: args_rx.to_opaque(),
            reply: reply_tx.to_opaque(),
        };
        jobs.send(start).map_err(|_| RunError::Died)?;
        // 子进程拿到 Start 后就来读参数：大参数分段发送时，它边读我们边发。
        args_tx.send(args).map_err(|_| RunError::Died)?;
        drop(args_tx);
        // 送结果的通道只有子进程手里有：它断了，或者子进程已经结束，就是它死了。
        // （Windows 上不一定能从通道看出来——Wine 下就看不出——所以每隔一会儿也问一下系统。）
        loop {
            match reply_rx.try_recv_timeout(Duration::from_millis(50)) {
                Ok(outcome) => return Ok(outcome),
                Err(ipc_channel::TryRecvError::IpcError(_)) => return Err(RunError::Died),
                Err(ipc_channel::TryRecvError::Empty) => {
                    let exited = child
                        .lock()
                        .map_or(true, |mut c| !matches!(c.try_wait(), Ok(None)));
                    if exited {
                        // 它可能在结束前刚好送出了结果。
                        return reply_rx.try_recv().map_err(|_| RunError::Died);
                    }
                }
            }
        }
    }

    /// 工作进程死了：等它的退出状态（最多 2 秒，之后结束它），说明它怎样结束。
    pub(super) fn death(&mut self) -> String {
        let mut child = self.child();
        match cleanup::wait_for(&mut child, Duration::from_secs(2)) {
            Ok(Some(status)) => describe_death(status),
            Ok(None) => {
                let _ = child.kill();
                match child.wait() {
                    Ok(status) => describe_death(status),
                    Err(e) => e.to_string(),
                }
            }
            Err(e) => e.to_string(),
        }
    }

    /// 不再派活，等子进程做完手上的事、自己退出。
    pub(super) fn finish(&mut self) -> Result<ExitStatus, Error> {
        self.jobs = None;
        Ok(self.child().wait()?)
    }
}

fn describe_death(status: ExitStatus) -> String {
    cleanup::describe(status)
}

impl Drop for Worker {
    /// `std::process::Child` 被丢弃时既不等也不杀；我们的子进程被丢弃时一定结束。
    fn drop(&mut self) {
        let mut child = self.child();
        if let Ok(None) = child.try_wait() {
            let _ = child.kill();
            let _ = child.wait();
        }
        drop(child);
        drop(self.lifeline.take());
    }
}

// ---------------------------------------------------------------------------------------------
// Process
// ---------------------------------------------------------------------------------------------

/// 一个运行着函数的子进程，即 Python 的 `Process`；`R` 是函数的返回值。
///
/// 父进程里有一个小线程替它发参数、收结果（多大都行），所以子进程做完就能退出，
/// 不必等谁来 `join`。被丢弃时如果还在运行，子进程被结束 (kill)：Python 会在退出前等
/// 没 join 的子进程，这里要等就明确 `join`。
#[derive(Debug)]
pub struct Process<R> {
    worker: Worker,
    /// 结果：`Ok(outcome)`，或 `Err(())` 表示子进程没回答就死了。
    outcome: mpsc::Receiver<Result<Outcome<R>, RunError>>,
    /// `join_timeout` 已经等到的结果。
    answer: Option<Result<Outcome<R>, RunError>>,
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
        let entry = entry_of(f);
        let mut worker = Worker::spawn()?;
        let jobs = worker.jobs.take().expect("刚启动的子进程有派活的通道");
        let child = Arc::clone(&worker.child);
        let (tx, outcome) = mpsc::channel();
        thread::Builder::new()
            .name("sp-process".into())
            .spawn(move || {
                cleanup::quiet_sigpipe();
                // 只做这一件事：`jobs` 随后被丢弃，子进程做完就退出。
                let _ = tx.send(Worker::run(&jobs, &child, entry, args));
            })
            .map_err(|e| Error(format!("开不了收发子进程消息的线程 (thread refused)：{e}")))?;
        Ok(Process {
            worker,
            outcome,
            answer: None,
        })
    }

    /// 子进程的 PID。
    pub fn pid(&self) -> u32 {
        self.worker.pid()
    }

    /// 子进程还在运行吗（Python 的 `is_alive()`）。
    pub fn is_alive(&mut self) -> bool {
        matches!(self.worker.child().try_wait(), Ok(None))
    }

    /// 最多等 `timeout`，函数做完（或子进程死了）就返回 `true`；之后 `join` 立刻返回。
    /// Python 的 `p.join(timeout)` 之后再看 `p.is_alive()`。
    pub fn join_timeout(&mut self, timeout: Duration) -> bool {
        if self.answer.is_none() {
            match self.outcome.recv_timeout(timeout) {
                Ok(answer) => self.answer = Some(answer),
                Err(mpsc::RecvTimeoutError::Timeout) => return false,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    self.answer = Some(Err(RunError::Died))
                }
            }
        }
        true
    }

    /// 结束子进程（Unix 上 SIGKILL，Windows 上 TerminateProcess），即 Python 的 `p.kill()`。
    pub fn kill(&mut self) -> Result<(), Error> {
        Ok(self.worker.child().kill()?)
    }

    /// 等子进程结束，返回函数的返回值（Python 的 `p.join()`）。子进程崩溃、被杀、panic
    /// 或者退出码不是 0 时返回错误，一行说明它怎样结束。
    pub fn join(mut self) -> Result<R, Error> {
        let answer = match self.answer.take() {
            Some(answer) => answer,
            None => self.outcome.recv().unwrap_or(Err(RunError::Died)),
        };
        let pid = self.pid();
        let status = self.worker.finish()?;
        match answer {
            Ok(Ok(value)) if status.success() => Ok(value),
            Ok(Err(e)) => Err(e), // 函数 panic 了
            Err(RunError::Here(e)) => Err(e),
            _ => Err(Error(format!(
                "子进程 {pid} 异常结束：{}",
                cleanup::describe(status)
            ))),
        }
    }
}
