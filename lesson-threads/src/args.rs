//! 文档「线程传参」：`Thread(target=run, args=(1, '2', {'c': 3}))`。
//!
//! Rust 没有 `args=`：闭包用 `move` 把参数的所有权 (ownership) 移进子线程，
//! 参数的类型在编译时就确定了，不必凑成元组。移走之后主线程不能再用它们。
//!
//! 为什么非 `move` 不可：`thread::spawn` 开出的线程可能比 `main` 里的变量活得久，所以它
//! 要求闭包是 `'static`——不借用任何局部变量。只借用不移走，编译器拒绝：
//!
//! ```compile_fail,E0373
//! let c = std::collections::HashMap::from([("c", 3)]);
//! // error[E0373]: closure may outlive the current function, but it borrows `c`
//! let t1 = std::thread::spawn(|| println!("{c:?}"));
//! t1.join().unwrap();
//! ```
//!
//! `thread::scope` 开的线程保证在作用域结束前被 join，就可以借用（`lock` 例子这样用）。

use std::collections::HashMap;
use std::thread;

/// 子线程要执行的函数，即文档里的 `run(a, b, c)`。
fn child(a: i32, b: &str, c: HashMap<&str, i32>) {
    println!("启动子线程");
    // `{:?}` 是调试格式：字符串用双引号，"2" 而不是 Python 的 '2'。
    println!("传递的参数为{:?}", (a, b, c));
    println!("结束子线程");
}

/// 把三个参数移进子线程，再等它结束。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let c = HashMap::from([("c", 3)]);
    let t1 = thread::Builder::new().spawn(move || child(1, "2", c))?;
    t1.join().expect("子线程不会 panic");
    Ok(())
}
