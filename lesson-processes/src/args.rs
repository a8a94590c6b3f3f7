//! 文档「进程传参」：`args=(1, '2', {'c':3})` 把参数交给子进程。
//!
//! 子进程有自己的内存，参数不能"借"过去：它被序列化 (serialize) 成字节、经 ipc-channel
//! 送到子进程、再按同一个类型还原。Python 靠 pickle，Rust 靠 serde，而且类型在编译时
//! 就对上了：元组和 `run` 的参数不符就编译不过。Rust 用 `{:?}` 打印，所以是 `"2"`
//! 而不是 Python 的 `'2'`。
//!
//! 参数元组和函数对不上（`2` 不是 `String`），编译器不答应（错误是"类型不匹配"，
//! 编号随编译器版本不同：E0277 或 E0308）：
//!
//! ```compile_fail
//! fn run(a: i32, b: String) {}
//! let _ = shared::process::Process::spawn(run, (1, 2));
//! ```
//!
//! 借用 (borrow) 也不能跨进程：子进程看不到父进程的内存，`&str` 不是自有的值：
//!
//! ```compile_fail
//! fn run(b: &str) {}
//! let _ = shared::process::Process::spawn(run, ("2",));
//! ```
//!
//! 复制到自己的项目时把 shared/ 文件夹一起复制。

use std::collections::HashMap;

use shared::process::{self, Process};

/// 子进程里运行的函数，即文档的 `run(a, b, c)`。
fn run(a: i32, b: String, c: HashMap<String, i32>) {
    println!("启动子进程");
    println!("传递的参数为{:?}", (a, b, c));
    println!("结束子进程");
}

/// 启动子进程，把参数交给它，等它结束。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    process::init()?; // Rust 的 `if __name__ == '__main__':`
    let t1 = Process::spawn(
        run,
        (1, "2".to_owned(), HashMap::from([("c".to_owned(), 3)])),
    )?;
    t1.join()?;
    Ok(())
}
