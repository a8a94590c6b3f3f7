//! 子进程这一边：连上父进程，一件一件做它交来的事。
//!
//! [`main`] 由 [`super::init`] 在子进程里调用。它先经生命线（stdin）和父进程握手，拿到
//! 派活的通道（[`Hello`]），然后对每个 [`Start`]：把距离加回 `anchor` 得到入口
//! [`entry`]，入口读参数、调用函数、送回结果。函数 panic 时送回一行说明（消息和
//! 文件:行号），子进程本身照常接下一件事。

use std::cell::Cell;
use std::io::{self, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

use ipc_channel::ipc::{OpaqueIpcReceiver, OpaqueIpcSender};

use super::cleanup;
use super::spawn::{Entry, Reply, anchor, fingerprint};
use super::{CHILD_ARG, Error, Message, Target};

/// 子进程的退出码：做完了（0）、有函数 panic 了（101，和 Rust 程序 panic 后一样）、
/// 被人手动启动（2）、父进程已经不在了或握手失败（1）。
pub(super) fn main() -> i32 {
    install_panic_hook();
    let hello = match cleanup::connect_to_parent() {
        Ok(hello) => hello,
        Err(cleanup::Refused::ByHand(why)) => {
            say(&format!(
                "错误 (error)：{CHILD_ARG} 是子进程的隐藏参数，只能由本程序的父进程使用 (internal child argument)：{why}"
            ));
            return 2;
        }
        // 父进程已经不在了（它被结束时我们正在握手），或者它那边会报告错误：安静地退出。
        Err(cleanup::Refused::Quiet) => return 1,
    };
    if hello.fingerprint != fingerprint() {
        say("错误 (error)：子进程和父进程不是同一次编译的程序（程序文件被换掉了？）");
        return 2;
    }
    let mut code = 0;
    // 通道断了（父进程不在了）或者收到 `None`（没有别的事了）就结束。
    // 收到的通道被内核截掉时（文件描述符用完了）ipc-channel 会 panic：也当作通道断了，
    // 父进程看到子进程结束，报告那件事没做成。
    while let Ok(Ok(Some(start))) = quietly(|| hello.jobs.recv()) {
        let base = anchor as fn() as *const ();
        // SAFETY: `start.entry` 是父进程用 `spawn::entry_of::<F, Args>` 算出的
        // `entry::<F, Args>` 离 `anchor` 的距离。父进程和我们是同一次编译的同一个程序文件：
        // Linux 上我们由 `/proc/self/exe` 启动（就是父进程正在运行的那个文件），别的系统上
        // 上面核对了指纹（见 `spawn::fingerprint`）。同一个文件里函数之间的距离是固定的，
        // 所以加回本进程 `anchor` 的地址正是本进程里的 `entry::<F, Args>`，类型也正是 `Entry`。
        let entry = unsafe {
            std::mem::transmute::<*const (), Entry>(base.wrapping_byte_offset(start.entry))
        };
        if !entry(start.args, start.reply) {
            code = 101;
        }
    }
    code
}

/// 在标准错误上说一行；标准错误写不出去（满了、关了）就算了：`eprintln!` 会 panic，
/// 在 panic 钩子里再 panic 进程就中止 (abort) 了。
fn say(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

/// 在子进程里运行 `F`：读参数、调用、送回结果。返回 `false` 表示函数 panic 了。
pub(super) fn entry<F, Args>(args: OpaqueIpcReceiver, reply: OpaqueIpcSender) -> bool
where
    F: Target<Args>,
    Args: Message,
    F::Output: Message,
{
    // SAFETY: `F` 是零大小的类型（`spawn::entry_of` 在编译时检查），所以这个值没有字节、
    // 不可能有无效的位模式；父进程手里有一个 `F` 的值，所以 `F` 不是空类型 (uninhabited)。
    // `F: Copy`，它的值可以随意复制：零大小的值完全由类型决定，这里造出的值和父进程那个
    // 逐位相同，等于把它复制了过来。这对函数名和不捕获变量的闭包（唯一的值）显然成立；
    // 捕获了零大小值的闭包也一样——被捕获的值也跟着"复制"到了子进程，所以别让闭包捕获
    // 表示"只在本进程成立"的凭证类型 (token)。
    let f: F = unsafe { std::mem::zeroed() };
    let reply = reply.to::<Reply<F::Output>>();
    // 参数里的通道（比如一个 `Queue`）在描述符用完时会被内核截掉，ipc-channel 解出它时
    // panic：接住，当作没收到参数。
    let received = quietly(|| args.to::<Args>().recv())
        .unwrap_or_else(|panic| Err(ipc_channel::IpcError::Io(io::Error::other(panic))));
    let (outcome, ok) = match received {
        Ok(args) => {
            IN_JOB.set(true);
            let result = catch_unwind(AssertUnwindSafe(|| f.call(args)));
            IN_JOB.set(false);
            match result {
                Ok(value) => (Ok(value), true),
                Err(_) => {
                    let why = LAST_PANIC
                        .lock()
                        .ok()
                        .and_then(|mut p| p.take())
                        .unwrap_or_else(|| "panic：（没有消息）".into());
                    let pid = std::process::id();
                    (Err(Error(format!("子进程 {pid} {why}"))), false)
                }
            }
        }
        Err(e) => (Err(Error(format!("子进程没收到参数：{e}"))), false),
    };
    let _ = io::stdout().flush();
    let _ = reply.send(Some(outcome));
    ok
}

/// 运行 `f`；它 panic 时不打印，返回 panic 的消息和位置。ipc-channel 有几处在出错时
/// panic 而不是返回错误（比如握手的临时目录建不成时），子进程用它把这些变成一行说明。
pub(super) fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    IN_JOB.set(true);
    let result = catch_unwind(AssertUnwindSafe(f));
    IN_JOB.set(false);
    result.map_err(|_| {
        let why = LAST_PANIC
            .lock()
            .ok()
            .and_then(|mut p| p.take())
            .unwrap_or_default();
        match why.strip_prefix("panic：") {
            Some(message) => message.to_owned(),
            None => why,
        }
    })
}

thread_local! {
    /// 这个线程正在运行父进程交来的函数：它的 panic 由 `entry` 报告给父进程。
    static IN_JOB: Cell<bool> = const { Cell::new(false) };
}

/// 最近一次函数 panic 的说明，`entry` 取走：`panic：消息（文件:行:列）`，或者写不出输出时
/// 的那一行。
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// 父进程里让 [`quietly`] 也不打印：在原来的 panic 钩子前面加一层（`init` 调用一次）。
/// 别的 panic 照旧交给原来的钩子。
pub(super) fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_JOB.get() {
                return previous(info);
            }
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = Some(format!("panic：{message}"));
            }
        }));
    });
}

/// 函数的 panic 不打印（父进程会报告它，带上消息和文件:行号）；子进程里别的线程的
/// panic 打印一行。
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!("（{}:{}:{}）", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        // `println!` 写不出去时的 panic（标准输出满了、关了）：说是哪一路输出、什么错误，
        // 不带标准库里的位置——和主进程自己写不出去时说的一样。
        let printing = [("stdout", "标准输出"), ("stderr", "标准错误")]
            .into_iter()
            .find_map(|(stream, name)| {
                let error = message.strip_prefix(&format!("failed printing to {stream}: "))?;
                Some(format!("写{name}失败 (cannot write to {stream})：{error}"))
            });
        if IN_JOB.get() {
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = Some(printing.unwrap_or_else(|| format!("panic：{message}{at}")));
            }
        } else {
            say(&format!(
                "子进程 {} 的线程 panic：{message}{at}",
                std::process::id()
            ));
        }
    }));
}
