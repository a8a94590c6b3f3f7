//! 子进程 (child process)：Python `multiprocessing` 的一个小 Rust 版本——
//! [`Process`]、跨进程的 [`Queue`]、进程池 [`ProcessPool`]。Linux、macOS、Windows 都能用。
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
//! ## 原理：三件事
//! 1. **子进程从哪里来。** Rust 没有 `fork` 式的 `multiprocessing`。[`Process::spawn`] 把
//!    **同一个程序**再启动一次，带一个隐藏参数；子进程 `main` 的第一行 [`init`] 认出这个
//!    参数，去做父进程交来的事，做完就退出——从不回到 `main` 的其余部分。所以 `init()`
//!    一定要在 `main` 开头调用，正如 Python 的 `if __name__ == '__main__':`。
//! 2. **函数怎么"送"过去。** 同一个程序里，每个函数离一个固定函数（`anchor`）的距离在
//!    两个进程里一样（地址随机化只平移整个程序）。父进程发出这个距离，子进程加回去就是
//!    同一个函数（[`spawn`] 模块）。参数和返回值由 serde 序列化，经 ipc-channel 传递；类型
//!    在编译时就对上：元组和函数的参数不符、借用的 `&str`、捕获了变量的闭包，都编译不过。
//! 3. **子进程不会比父进程活得久。** 子进程的标准输入 (stdin) 接到父进程手里的一根管道上，
//!    子进程里一个线程一直读它：父进程不管怎样结束（正常退出、panic、Ctrl-C、被 SIGKILL、
//!    Windows 上被 TerminateProcess），操作系统都会关掉它手里的那一端，子进程读到结尾
//!    (EOF) 就退出。哪个线程启动的子进程都一样，子进程自己也可以再启动子进程（[`cleanup`]
//!    模块）。
//!
//! 文件的顺序就是阅读的顺序：`spawn.rs`（父进程：启动、握手、`Process`）→ `child.rs`
//! （子进程：连上、做事）→ `queue.rs` → `pool.rs` → `cleanup.rs`（各种结束方式下的收拾）。
//!
//! ## 各个系统上
//! - 握手：Linux 上 ipc-channel 的握手要在 `TMPDIR` 里建一个临时的 Unix socket。这里由
//!   **子进程**建它、连上后立刻删掉；父进程怎样死都不会留下它（子进程读到 EOF 时先删掉再
//!   退出）。macOS（Mach 端口）和 Windows（命名管道）的握手不用文件。
//! - 子进程随父进程结束：三个系统都靠上面的 stdin 管道，不靠 Linux 独有的
//!   `PR_SET_PDEATHSIG`（它跟着启动子进程的那个**线程**走，线程一结束子进程就被杀）。
//! - 退出状态：Unix 上说明信号（`被信号 9 (SIGKILL) 杀死`），Windows 上说明退出码。
//!
//! ## 在自己的项目里
//! 这个模块是给课程看清原理的，也能直接拿去用：任意大小的消息、任意多的任务（排队的任务
//! 不占文件描述符）、工作进程崩溃后进程池会补上一个。也可以用 procspawn（同样"再启动
//! 自己"，API 相近），或者把子进程写成独立的程序，用 `std::process::Command` 启动。

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

mod child;
pub mod cleanup;
mod pool;
mod queue;
pub mod spawn;

pub use cleanup::describe;
pub use pool::{Handle, ProcessPool};
pub use queue::Queue;
pub use spawn::Process;

/// 本模块用的 ipc-channel（同一个版本），例子要自己建跨进程通道时用它：
/// `use shared::process::ipc_channel::ipc;`。
pub use ipc_channel;

/// 本模块的错误：一行中文说明，可以跨进程传递。
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error(pub(crate) String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error(cleanup::explain_io(&e))
    }
}

impl From<ipc_channel::IpcError> for Error {
    fn from(e: ipc_channel::IpcError) -> Self {
        match e {
            ipc_channel::IpcError::Io(e) => Error(format!(
                "进程间通道 (ipc-channel)：{}",
                cleanup::explain_io(&e)
            )),
            e => Error(format!("进程间通道 (ipc-channel)：{e}")),
        }
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

/// 标记"我是子进程"的隐藏参数。测试二进制里它也是 libtest 的过滤词，只选中
/// [`test_support!`] 定义的那个测试。
pub(crate) const CHILD_ARG: &str = "__shared_process_child";

static INIT: AtomicBool = AtomicBool::new(false);

/// Rust 的 `if __name__ == '__main__':`。放在 `main` 的第一行。
///
/// 在子进程里：做父进程交来的事，然后退出本进程，不返回。在父进程里：什么也不做，
/// 返回 `Ok`。没调用它就 `spawn` 会得到一个错误，而不是子进程把整个 `main` 再跑一遍、
/// 再开子进程……
pub fn init() -> Result<(), Error> {
    // 子进程也可以再启动子进程，所以两种情况都先记下"调用过了"。
    INIT.store(true, Ordering::Relaxed);
    if std::env::args_os().nth(1).is_some_and(|a| a == CHILD_ARG) {
        let code = child::main();
        cleanup::exit(code);
    }
    cleanup::prepare()?;
    Ok(())
}

fn check_init() -> Result<(), Error> {
    if INIT.load(Ordering::Relaxed) {
        Ok(())
    } else {
        Err(Error(
            "先在 main 的第一行调用 shared::process::init()，否则子进程会把 main 再跑一遍".into(),
        ))
    }
}

/// 在测试里用子进程：`cargo test` 的测试二进制没有自己的 `main`，子进程就是这个测试
/// 二进制再启动一次、只运行这里定义的测试 `__shared_process_child`（名字就是
/// libtest 的过滤词），它调用 [`init`]，做完父进程交来的事就退出。
///
/// ```ignore
/// #[cfg(test)]
/// mod tests {
///     shared::process::test_support!();
///
///     #[test]
///     fn runs_in_a_child() {
///         shared::process::init().expect("init"); // 每个启动子进程的测试先调用它
///         let p = shared::process::Process::spawn(|| std::process::id(), ()).expect("spawn");
///         assert_ne!(p.join().expect("join"), std::process::id());
///     }
/// }
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __shared_process_test_support {
    () => {
        /// 子进程的入口（见 `shared::process::test_support!`）；在父进程里什么也不做。
        #[test]
        fn __shared_process_child() {
            $crate::process::init().expect("shared::process::init");
        }
    };
}

#[doc(inline)]
pub use crate::__shared_process_test_support as test_support;
