//! 文档「进程传参」：`args=(1, '2', {'c':3})` 把参数交给子进程。
//!
//! 子进程有自己的内存，参数不能"借"过去：它被序列化 (serialize) 成字节、经 socket
//! 送到子进程、再按同一个类型还原。Python 靠 pickle，Rust 靠 serde，而且类型在编译时
//! 就定了：子进程收到的就是 `(i32, String, HashMap<String, i32>)`，不是任意对象。
//! Rust 用 `{:?}` 打印，所以是 `"2"` 而不是 Python 的 `'2'`。
//!
//! 借用 (borrow) 也不能跨进程：子进程看不到父进程的内存，所以消息必须是自有的值
//! （`&str` 不满足 `DeserializeOwned`：implementation of `Deserialize` is not general enough）：
//!
//! ```compile_fail
//! let _ = lesson_processes::child::Child::<&str, ()>::spawn("args.child");
//! ```

use std::collections::HashMap;

use crate::child::{Boot, Child};

/// 参数的类型：父子两边必须一致。
pub type Args = (i32, String, HashMap<String, i32>);

/// 子进程里运行的函数，即文档的 `run(a, b, c)`。
pub fn child(boot: Boot) -> shared::Result {
    let parent = boot.connect::<Args, ()>()?;
    let (a, b, c) = parent.recv()?;
    println!("启动子进程");
    println!("传递的参数为{:?}", (a, b, c));
    println!("结束子进程");
    Ok(())
}

/// 启动子进程，把参数发过去，等它结束。
pub fn run() -> shared::Result {
    let mut t1 = Child::<Args, ()>::spawn("args.child")?;
    t1.send((1, "2".to_owned(), HashMap::from([("c".to_owned(), 3)])))?;
    t1.join()?;
    Ok(())
}
