//! 文档「线程传参」：`Thread(target=run, args=(1, '2', {'c': 3}))`。
//!
//! Rust 没有 `args=`：闭包用 `move` 把参数的所有权 (ownership) 移进子线程，
//! 参数的类型在编译时就确定了，不必凑成元组。移走之后主线程不能再用它们。

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
